#!/usr/bin/env bash
# foreign.sh BINARY EMULATOR - a release binary built for another
# architecture (dist/turso-token-aarch64, -armv7), run under qemu user
# emulation (EMULATOR: qemu-aarch64-static, qemu-arm-static) against the
# stand-in API, so that a byte-order or word-size bug cannot hide behind
# the x86_64 runs of tests/e2e/run.sh.
#
# The cases: creates that must succeed (no body; a JSON body; a chunked
# answer), answers whose sizes wrap at 2^32 (a 32-bit size_t would read
# them as the true size and accept them), and certificates that must be
# refused (an untrusted CA; expired; valid only from 2048, after the
# 32-bit time_t rollover).  Each checks the exact exit status and that
# stdout holds the one token line or nothing at all.
#
# Prints "ok - NAME" / "not ok - NAME" per case and ends with the line
# "N passed, N failed"; exits 1 if any case failed.
set -u

BIN=${1:?usage: foreign.sh BINARY EMULATOR}
EMU=${2:?usage: foreign.sh BINARY EMULATOR}
HERE=$(cd "$(dirname "$0")" && pwd)
MOCK=$HERE/../mock
PASS=0
FAIL=0

. "$HERE/lib.sh"
e2e_setup foreign

[ -f "$BIN" ] || bail "no binary at $BIN"
command -v "$EMU" >/dev/null || bail "$EMU not found (qemu-user-static)"
command -v python3 >/dev/null || bail "python3 not found"
command -v openssl >/dev/null || bail "openssl not found"

mkdir -p "$T/home" "$T/cfg" "$T/run"
sh "$MOCK/mkcerts.sh" "$T/certs" > "$T/mkcerts.log" 2>&1 ||
    bail "mkcerts.sh failed"
CA=$T/certs/ca.pem
ADMIN=foreignadmin$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$ADMIN" > "$T/admin"
chmod 600 "$T/admin"

declare -A PORT
SERVERS="good untrusted expired notyet"
for s in $SERVERS; do
	python3 "$MOCK/server.py" --port 0 --admin-token-file "$T/admin" \
	    --state-log "$T/$s.log" --quiet --cert "$T/certs/$s.pem" \
	    --key "$T/certs/$s.key" > "$T/$s.out" 2> "$T/$s.err" &
	PIDS+=($!)
done
for s in $SERVERS; do
	for _ in $(seq 100); do
		line=$(grep -m1 '^PORT [0-9][0-9]*$' "$T/$s.out" 2>/dev/null)
		[ -n "$line" ] && break
		sleep 0.1
	done
	[ -n "$line" ] || bail "server $s did not start (see $T/$s.err)"
	PORT[$s]=${line#PORT }
done

RC=0
FAILS=()

# tt SERVER ARG...: the binary under the emulator, a clean environment
# with the admin credential, pointed at SERVER with the test CA.
tt() {
	local p=${PORT[$1]}
	shift
	env -i PATH=/usr/bin:/bin LC_ALL=C HOME="$T/home" \
	    TURSO_CONFIG_FOLDER="$T/cfg" TURSO_API_TOKEN="$ADMIN" \
	    timeout -k 5 120 "$EMU" "$BIN" \
	    --api-url "https://api.turso.tech:$p" \
	    --resolve "api.turso.tech:$p:127.0.0.1" --cacert "$CA" "$@" \
	    < /dev/null > "$T/run/stdout" 2> "$T/run/stderr"
	RC=$?
	if grep -qF -- "$ADMIN" "$T/run/stdout" "$T/run/stderr"; then
		fail "the credential was printed"
	fi
}

# stdout is exactly one line of printable ASCII without spaces.
want_token() {
	[ "$(wc -l < "$T/run/stdout")" -eq 1 ] &&
	    LC_ALL=C grep -qxE '[!-~]+' "$T/run/stdout" ||
	    fail "stdout is not one token line"
}

# seen SERVER EXPR: the server's state log satisfies EXPR (reqlog.py).
seen() {
	python3 "$HERE/reqlog.py" "$T/$1.log" "$2" > /dev/null ||
	    fail "server $1: not ($2)"
}

# The printed token is one the server made, and works as a credential.
valid_bearer() {
	local out
	out=$(python3 "$HERE/client.py" "${PORT[good]}" "$CA" \
	    /v1/auth/validate --bearer-file "$T/run/stdout")
	case $out in
	'{"exp":'[0-9]*'}') ;;
	*) fail "the printed token is not accepted by the server" ;;
	esac
}

tcase() {
	local name=$1
	shift
	FAILS=()
	"$@"
	e2e_report "$name" && return
	echo "#   exit $RC; stderr:"
	head -n 3 "$T/run/stderr" | sed -E 's/eyJ[A-Za-z0-9_.-]+/[token]/g' |
	    cat -v | sed 's/^/#     /'
}

c_version() {
	tt good --version
	want_rc 0
	grep -qE '^turso-token [0-9]' "$T/run/stdout" ||
	    fail "--version does not print the version"
}

c_create() {
	tt good create foreign-plain
	want_rc 0
	want_token
	seen good 'len(creates("foreign-plain")) == 1'
	seen good 'last("foreign-plain")["body_len"] == 0'
	valid_bearer
}

c_create_body() {
	tt good create foreign-group --org acme --group default \
	    --scope db:create --scope db:mint-token
	want_rc 0
	want_token
	seen good 'last("foreign-group")["body_json"] == {"organization": "acme", "group": "default", "scopes": ["db:create", "db:mint-token"]}'
	valid_bearer
}

c_chunked() {
	tt good create fault-chunked.f --org acme
	want_rc 0
	want_token
}

# fault MODE STATUS ERE: an answer that must be refused.
fault() {
	tt good create "$1.f" --org acme
	want_rc "$2"
	want_empty
	want_err "$3"
}

c_clwrap() { fault fault-cl-wrap32 6 'larger than'; }
c_chunkwrap() { fault fault-chunk-wrap32 6 'larger than'; }
c_truncated() { fault fault-truncated 6 'closed before the response was complete'; }

# tls SERVER: a certificate the client must refuse before sending anything.
tls() {
	tt "$1" create "foreign-$1" --org acme
	want_rc 5
	want_empty
	seen "$1" 'len(R) == 0'
}

c_untrusted() { tls untrusted; }
c_expired() { tls expired; }
c_notyet() { tls notyet; }

tcase "--version -> 0" c_version
tcase "create, no body -> 0, a working token" c_create
tcase "create with org, group, scopes -> 0, body as sent" c_create_body
tcase "chunked answer with extensions and trailer -> 0" c_chunked
tcase "Content-Length 2^32 + length -> 6" c_clwrap
tcase "chunk size 2^32 + length -> 6" c_chunkwrap
tcase "truncated body -> 6" c_truncated
tcase "untrusted CA -> 5, nothing sent" c_untrusted
tcase "expired certificate -> 5, nothing sent" c_expired
tcase "certificate valid only from 2048 -> 5, nothing sent" c_notyet

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
