# lib.sh - sourced first by every end-to-end script: an absolute BIN, a
# temporary directory T that goes away at exit together with the servers
# listed in PIDS, and bail for a setup that failed.
#
#	. "$HERE/lib.sh"
#	e2e_setup NAME [KEEP]	# T is ${TMPDIR:-/tmp}/turso-NAME.XXXXXX;
#				# KEEP=1 keeps it and says where

e2e_cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$E2E_KEEP_T" = 1 ]; then
		echo "$E2E_NAME: kept $T" >&2
	else
		rm -rf "$T"
	fi
}

e2e_setup() {
	E2E_NAME=$1
	E2E_KEEP_T=${2:-0}
	case $BIN in
	/*) ;;
	*) BIN=$PWD/$BIN ;;
	esac
	T=$(mktemp -d "${TMPDIR:-/tmp}/turso-$E2E_NAME.XXXXXX") || exit 1
	PIDS=()
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
}

# A setup failure is one failed case, so the suite's count shows it.
bail() {
	echo "not ok - setup: $*"
	echo "0 passed, 1 failed"
	exit 1
}

# The assertions every suite shares.  A case collects its failures in
# FAILS; RC is the status of the last run; $T/run holds its output.
fail() {
	FAILS+=("$*")
}

want_rc() {
	[ "$RC" -eq "$1" ] || fail "exit status $RC, want $1"
}

want_empty() {
	[ ! -s "$T/run/stdout" ] ||
	    fail "stdout has $(wc -c < "$T/run/stdout") bytes, want none"
}

# want_err ERE: stderr matches (case-insensitive).
want_err() {
	grep -qiE -- "$1" "$T/run/stderr" || fail "stderr lacks /$1/"
}

# e2e_report NAME: "ok - NAME", or "not ok - NAME" with a "#" line per
# failure, counted in PASS or FAIL.  Returns 1 for a failure, so that the
# suite can add what it knows (the exit status, stderr).
e2e_report() {
	local f

	if [ ${#FAILS[@]} -eq 0 ]; then
		echo "ok - $1"
		PASS=$((PASS + 1))
		return 0
	fi
	echo "not ok - $1"
	for f in "${FAILS[@]}"; do
		echo "#   $f"
	done
	FAIL=$((FAIL + 1))
	return 1
}
