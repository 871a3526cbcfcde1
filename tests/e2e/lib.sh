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
