#!/usr/bin/env bash
# hygiene.sh [BINARY [FULL]] - where secrets go, and where they must not.
#
# Against the stand-in (tests/mock/server.py, certificates from
# mkcerts.sh): the created token is written only to the sink asked for
# (never to stderr, the audit log, or any other file under $HOME, $TMPDIR,
# the working directory, /tmp, /var/tmp or /dev/shm); the credential is
# in neither /proc/PID/cmdline nor /proc/PID/environ when it comes from a
# file; the running process has a core limit of 0 and is not dumpable
# (run as an unprivileged user, its /proc files belong to root and that
# user cannot read its environment; a control process of the same user
# shows the check can tell); a token holding an escape sequence is
# refused even for --json; and valgrind finds no error in a create made
# by FULL (the unstripped static build; default: BINARY).
#
# Prints "ok - NAME" / "not ok - NAME" (with "#" lines saying why),
# "skip - NAME (why)", and ends with "N passed, N failed".
set -u

BIN=${1:-./turso-token}
FULL=${2:-$BIN}
HERE=$(cd "$(dirname "$0")" && pwd)
MOCK=$HERE/../mock
PASS=0
FAIL=0
SKIP=0
# The unprivileged user the dumpability case runs as.
NOBODY=65534

BIN=$(readlink -f "$BIN")
FULL=$(readlink -f "$FULL")

. "$HERE/lib.sh"
e2e_setup hygiene

[ -x "$BIN" ] || bail "no executable binary at $BIN"
sh "$MOCK/mkcerts.sh" "$T/certs" > "$T/mkcerts.log" 2>&1 ||
    bail "mkcerts.sh failed"
# The unprivileged user must reach the binary and the CA: $T/pub.
chmod 711 "$T"
mkdir -m 755 "$T/pub"
cp "$BIN" "$T/pub/turso-token"
cp "$T/certs/ca.pem" "$T/pub/ca.pem"
chmod 755 "$T/pub/turso-token"
chmod 644 "$T/pub/ca.pem"
CA=$T/pub/ca.pem

ADMIN=hygadmin$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
mkdir -p "$T/srv"
printf '%s\n' "$ADMIN" > "$T/srv/admin"
chmod 600 "$T/srv/admin"

python3 "$MOCK/server.py" --port 0 --quiet --admin-token-file "$T/srv/admin" \
    --state-log "$T/srv/log" --cert "$T/certs/good.pem" \
    --key "$T/certs/good.key" > "$T/srv/out" 2> "$T/srv/err" &
PIDS+=($!)
PORT=
for _ in $(seq 100); do
	PORT=$(sed -n 's/^PORT \([0-9][0-9]*\)$/\1/p' "$T/srv/out")
	[ -n "$PORT" ] && break
	sleep 0.1
done
[ -n "$PORT" ] || bail "the stand-in did not start"
CONN=(--api-url "https://api.turso.tech:$PORT"
    --resolve "api.turso.tech:$PORT:127.0.0.1" --cacert "$CA")

# --- helpers ---------------------------------------------------------------

RC=0
FAILS=()

# box: a fresh sandbox for one run: HOME, TMPDIR, config dirs, cwd.
box() {
	B=$T/box.$1
	mkdir -p "$B/home" "$B/tmp" "$B/cfg" "$B/xdg" "$B/cwd" "$B/sink"
}

# run [VAR=VALUE ...] -- ARG...: the binary inside box $B, clean env.
run() {
	local envs=()
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	(cd "$B/cwd" && env -i PATH=/usr/bin:/bin LC_ALL=C HOME="$B/home" \
	    TMPDIR="$B/tmp" TURSO_CONFIG_FOLDER="$B/cfg" \
	    XDG_CONFIG_HOME="$B/xdg" "${envs[@]}" timeout -k 5 60 "$BIN" \
	    "$@" < /dev/null > "$B/stdout" 2> "$B/stderr")
	RC=$?
}

# seen EXPR: the stand-in's state log satisfies EXPR (reqlog.py).
seen() {
	python3 "$HERE/reqlog.py" "$T/srv/log" "$1" > /dev/null
}

# await_request NAME: wait (up to 10 s) until the stand-in got create NAME.
await_request() {
	local _
	for _ in $(seq 100); do
		seen "len(creates(\"$1\")) >= 1" && return 0
		sleep 0.1
	done
	fail "the stand-in never got the request"
	return 1
}

# Files holding string $1, anywhere a run could have written: the
# sandboxes and the stand-in's directory, and what changed in the shared
# temporary directories since $T/stamp.
holders() {
	{
		grep -rlF -- "$1" "$T" 2>/dev/null
		find /tmp /var/tmp /dev/shm -xdev -type f -newer "$T/stamp" \
		    ! -path "$T/*" -exec grep -lF -- "$1" {} + 2>/dev/null
	} | sort -u
}

tcase() {
	local name=$1
	shift
	FAILS=()
	RC=0
	"$@"
	e2e_report "$name"
}

skip() {
	echo "skip - $1 ($2)"
	SKIP=$((SKIP + 1))
}

# --- cases -----------------------------------------------------------------

touch "$T/stamp"

# --out and --audit-log: the token is in the --out file and nowhere else.
c_only_sink() {
	local tok files
	box sink
	run TURSO_API_TOKEN="$ADMIN" -- "${CONN[@]}" -v create hyg-sink \
	    --org acme --out "$B/sink/token" --audit-log "$B/sink/audit.log"
	[ "$RC" -eq 0 ] || { fail "exit status $RC, want 0"; return; }
	[ ! -s "$B/stdout" ] || fail "stdout is not empty with --out"
	tok=$(head -n 1 "$B/sink/token" 2>/dev/null)
	if ! LC_ALL=C printf '%s' "$tok" | grep -qxE '[!-~]{16,}'; then
		fail "the --out file holds no token"
		return
	fi
	[ -s "$B/sink/audit.log" ] || fail "the audit log is empty"
	files=$(holders "$tok")
	[ "$files" = "$B/sink/token" ] ||
	    fail "the token is in: $(printf '%s' "$files" | tr '\n' ' ')"
	[ -z "$(holders "$ADMIN" | grep -v "^$T/srv/admin$")" ] ||
	    fail "the credential was written to a file"
}

# The default sink (stdout), with -v: stderr says what was made, never
# the token or the credential.
c_not_stderr() {
	local tok
	box stdout
	run TURSO_API_TOKEN="$ADMIN" -- "${CONN[@]}" -v create hyg-stdout \
	    --org acme
	[ "$RC" -eq 0 ] || fail "exit status $RC, want 0"
	tok=$(head -n 1 "$B/stdout")
	[ "${#tok}" -ge 16 ] || { fail "no token on stdout"; return; }
	[ -s "$B/stderr" ] || fail "stderr is empty with -v (nothing checked)"
	! grep -qF -- "$tok" "$B/stderr" || fail "the token is on stderr"
	! grep -qF -- "$ADMIN" "$B/stderr" || fail "the credential is on stderr"
}

# A process kept waiting (fault-slow) is inspected through /proc.
c_proc() {
	local pid
	box proc
	cp "$T/srv/admin" "$B/cred"
	(cd "$B/cwd" && exec env -i PATH=/usr/bin:/bin HOME="$B/home" \
	    "$BIN" "${CONN[@]}" --token-file "$B/cred" --max-time 20 \
	    create fault-slow.proc --org acme < /dev/null \
	    > "$B/stdout" 2> "$B/stderr") &
	pid=$!
	PIDS+=($pid)
	await_request fault-slow.proc || return
	if [ "$(readlink "/proc/$pid/exe")" != "$BIN" ]; then
		fail "pid $pid is not the binary"
		return
	fi
	! tr '\0' '\n' < "/proc/$pid/cmdline" | grep -qF -- "$ADMIN" ||
	    fail "the credential is in /proc/$pid/cmdline"
	! tr '\0' '\n' < "/proc/$pid/environ" | grep -qF -- "$ADMIN" ||
	    fail "the credential is in /proc/$pid/environ"
	grep -qE '^Max core file size +0 +0 ' "/proc/$pid/limits" ||
	    fail "core limit is not 0: $(grep 'core file' "/proc/$pid/limits")"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# /proc/PID/environ of a process run as $NOBODY: owner and whether
# $NOBODY can read it.  Sets OWNER and READABLE (1/0).
environ_access() {
	OWNER=$(stat -c %u "/proc/$1/environ" 2>/dev/null)
	if setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
	    cat "/proc/$1/environ" > /dev/null 2>&1; then
		READABLE=1
	else
		READABLE=0
	fi
}

c_dumpable() {
	local pid ctl uid
	box dump
	chmod 777 "$B/cwd"
	# Control: an ordinary process of that user is its own to read.
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
	    sleep 30 < /dev/null > /dev/null 2>&1 &
	ctl=$!
	PIDS+=($ctl)
	# Until setpriv has exec'd sleep, the uid change keeps it undumpable.
	for _ in $(seq 50); do
		[ "$(readlink "/proc/$ctl/exe")" = "$(readlink -f "$(command -v sleep)")" ] &&
		    break
		sleep 0.1
	done
	environ_access "$ctl"
	[ "$OWNER" = "$NOBODY" ] && [ "$READABLE" = 1 ] ||
	    fail "control: a plain process of uid $NOBODY shows owner '$OWNER', readable $READABLE"
	kill "$ctl" 2>/dev/null
	(cd "$B/cwd" && exec setpriv --reuid="$NOBODY" --regid="$NOBODY" \
	    --clear-groups env -i PATH=/usr/bin:/bin HOME=/nonexistent \
	    TURSO_API_TOKEN="$ADMIN" "$T/pub/turso-token" "${CONN[@]}" \
	    --max-time 20 create fault-slow.dump --org acme < /dev/null \
	    > /dev/null 2> "$B/stderr") &
	pid=$!
	PIDS+=($pid)
	await_request fault-slow.dump || return
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
	[ "$uid" = "$NOBODY" ] || fail "the binary runs as uid '$uid'"
	environ_access "$pid"
	[ "$OWNER" = 0 ] ||
	    fail "/proc/$pid/environ belongs to uid '$OWNER': the process is dumpable"
	[ "$READABLE" = 0 ] ||
	    fail "uid $NOBODY can read the binary's /proc/$pid/environ"
	grep -qE '^Max core file size +0 +0 ' "/proc/$pid/limits" ||
	    fail "core limit is not 0"
	kill "$pid" 2>/dev/null
	wait "$pid" "$ctl" 2>/dev/null
}

c_escape_json() {
	box esc
	run TURSO_API_TOKEN="$ADMIN" -- "${CONN[@]}" create fault-ctrl.json \
	    --org acme --json
	[ "$RC" -eq 6 ] || fail "exit status $RC, want 6"
	[ ! -s "$B/stdout" ] || fail "stdout is not empty"
	! LC_ALL=C grep -q "$(printf '\033')" "$B/stderr" ||
	    fail "stderr holds a raw ESC"
}

c_valgrind() {
	box vg
	(cd "$B/cwd" && env -i PATH=/usr/bin:/bin HOME="$B/home" \
	    TURSO_API_TOKEN="$ADMIN" valgrind --error-exitcode=99 \
	    --log-file="$T/valgrind.log" "$FULL" "${CONN[@]}" create hyg-vg \
	    --org acme < /dev/null > "$B/stdout" 2> "$B/stderr")
	RC=$?
	[ "$RC" -eq 0 ] || fail "exit status $RC, want 0"
	LC_ALL=C grep -qxE '[!-~]{16,}' "$B/stdout" || fail "no token on stdout"
	grep -q 'ERROR SUMMARY: 0 errors' "$T/valgrind.log" ||
	    fail "valgrind: $(grep 'ERROR SUMMARY' "$T/valgrind.log")"
}

tcase "token only in the --out file (not stderr, audit log, other files)" c_only_sink
tcase "token and credential not on stderr with -v" c_not_stderr
tcase "credential not in /proc/PID/cmdline or environ; core limit 0" c_proc
if command -v setpriv > /dev/null && [ "$(id -u)" -eq 0 ]; then
	tcase "not dumpable: /proc/PID/environ root-owned, unreadable to its user" c_dumpable
else
	skip "not dumpable" "needs root and setpriv(1)"
fi
tcase "token with an escape sequence refused with --json -> 6" c_escape_json
if command -v valgrind > /dev/null; then
	tcase "valgrind: a create has ERROR SUMMARY: 0 errors" c_valgrind
else
	skip "valgrind" "valgrind not installed"
fi

[ "$SKIP" -gt 0 ] && echo "# $SKIP skipped"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
