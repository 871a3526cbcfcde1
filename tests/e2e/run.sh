#!/usr/bin/env bash
# run.sh [BINARY] - drive turso-token end to end against the stand-in API.
#
# Makes a throwaway CA and certificates (tests/mock/mkcerts.sh), starts one
# stand-in server (tests/mock/server.py) per certificate case plus a plain
# HTTP one, all on 127.0.0.1 with ephemeral ports, and runs the binary
# against them with --resolve api.turso.tech:PORT:127.0.0.1.  Every case
# asserts the exact exit status, what stdout must be (one printable token
# line on success, nothing at all otherwise) and, where it says something,
# a fragment of stderr; what the server saw is checked through its state
# log with reqlog.py.  No credential or created token is ever printed.
#
# Prints "ok - NAME" / "not ok - NAME" per case (with "#" lines saying why),
# "skip - NAME (why)" for a case that cannot run here, and ends with the
# line "N passed, N failed"; exits 1 if any case failed.
#
# Environment: E2E_ONLY=REGEX runs only the cases whose name matches;
# E2E_KEEP=1 keeps the temporary directory.
set -u

BIN=${1:-./turso-token}
HERE=$(cd "$(dirname "$0")" && pwd)
MOCK=$HERE/../mock
ONLY=${E2E_ONLY:-}
PASS=0
FAIL=0
SKIP=0


. "$HERE/lib.sh"
e2e_setup e2e "${E2E_KEEP:-0}"

[ -x "$BIN" ] || bail "no executable binary at $BIN"
command -v python3 >/dev/null || bail "python3 not found"
command -v openssl >/dev/null || bail "openssl not found"

# The empty-root (chroot) cases need root, chroot(8) and a static binary:
# a dynamically linked one (the sanitized build) cannot even start there.
# NOCHROOT says why they are skipped, or is empty.
NOCHROOT=
if [ "$(id -u)" -ne 0 ] || ! command -v chroot >/dev/null 2>&1; then
	NOCHROOT="needs root"
elif ! file -L "$BIN" | grep -q 'statically linked'; then
	NOCHROOT="a dynamically linked binary cannot run in an empty chroot"
fi

mkdir -p "$T/home" "$T/cfg" "$T/xdg" "$T/run"
sh "$MOCK/mkcerts.sh" "$T/certs" > "$T/mkcerts.log" 2>&1 ||
    bail "mkcerts.sh failed (see $T/mkcerts.log)"
CA=$T/certs/ca.pem

# The credential the stand-in accepts.  Random, so that a leak is found by
# a plain grep of every output.
ADMIN=e2eadmin$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$ADMIN" > "$T/admin"
chmod 600 "$T/admin"
WRONG=e2ewrong$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

declare -A PORT

# start NAME CERTCASE|plain: one server, state log in $T/NAME.log.
start() {
	local name=$1 cert=$2 args
	args=(--port 0 --admin-token-file "$T/admin" --state-log "$T/$name.log")
	if [ "$cert" = plain ]; then
		args+=(--plain)
	else
		args+=(--cert "$T/certs/$cert.pem" --key "$T/certs/$cert.key")
	fi
	python3 "$MOCK/server.py" "${args[@]}" > "$T/$name.out" \
	    2> "$T/$name.err" &
	PIDS+=($!)
}

# await NAME: wait (up to 10 s) for the "PORT n" line.
await() {
	local _ line
	for _ in $(seq 100); do
		line=$(grep -m1 '^PORT [0-9][0-9]*$' "$T/$1.out" 2>/dev/null)
		if [ -n "$line" ]; then
			PORT[$1]=${line#PORT }
			return 0
		fi
		sleep 0.1
	done
	bail "server $1 did not start (see $T/$1.err)"
}

SERVERS="good expired notyet wronghost untrusted rsa plain"
for s in $SERVERS; do
	start "$s" "$s"
done
for s in $SERVERS; do
	await "$s"
done

# A port nothing listens on: bind an ephemeral one, then let it go.
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# --- running the binary ----------------------------------------------------

RC=0
MS=0
FAILS=()

# run [VAR=VALUE ...] -- ARG...: run the binary with a clean environment
# (plus the given variables), stdin from $T/stdin if it exists, else
# /dev/null.  Sets RC and MS (elapsed milliseconds); output in
# $T/run/stdout and $T/run/stderr.  Checks every time that no secret
# reached stdout or stderr.
run() {
	local envs=() t0 in=/dev/null
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	[ -e "$T/stdin" ] && in=$T/stdin
	t0=$(date +%s%N)
	env -i PATH=/usr/bin:/bin LC_ALL=C HOME="$T/home" \
	    TURSO_CONFIG_FOLDER="$T/cfg" XDG_CONFIG_HOME="$T/xdg" \
	    "${envs[@]}" timeout -k 5 60 "$BIN" "$@" \
	    < "$in" > "$T/run/stdout" 2> "$T/run/stderr"
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	rm -f "$T/stdin"
	check_secrets
}

check_secrets() {
	local v
	for v in "$ADMIN" "$WRONG"; do
		if grep -qF -- "$v" "$T/run/stderr"; then
			fail "a credential appears on stderr"
		fi
		if grep -qF -- "$v" "$T/run/stdout"; then
			fail "a credential appears on stdout"
		fi
	done
	# A created token belongs on stdout only.  Every token the stand-in
	# makes starts with the same JWT header, so this also finds one in
	# --json output or in an error message about a bad answer.
	v=$(head -n 1 "$T/run/stdout")
	if [ "${#v}" -ge 16 ] && grep -qF -- "$v" "$T/run/stderr"; then
		fail "the created token appears on stderr"
	fi
	if grep -qF eyJhbGci "$T/run/stderr"; then
		fail "a token (eyJhbGci...) appears on stderr"
	fi
}

# conn SERVER: the options that point the binary at SERVER.
conn() {
	local p=${PORT[$1]} ca=$CA
	[ "$1" = rsa ] && ca=$T/certs/ca-rsa.pem
	CONN=(--api-url "https://api.turso.tech:$p"
	    --resolve "api.turso.tech:$p:127.0.0.1" --cacert "$ca")
}

# tt SERVER [VAR=VALUE ...] -- ARG...: run with the admin credential in
# the environment, pointed at SERVER.
tt() {
	local srv=$1 envs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	conn "$srv"
	run TURSO_API_TOKEN="$ADMIN" "${envs[@]}" -- "${CONN[@]}" "$@"
}

# --- assertions ------------------------------------------------------------

# want_rc_in A B...: one of several acceptable statuses.
want_rc_in() {
	local c
	for c in "$@"; do
		[ "$RC" -eq "$c" ] && return 0
	done
	fail "exit status $RC, want one of $*"
}

# stdout is exactly one line of printable ASCII (no spaces), newline ended.
want_token() {
	local f=$T/run/stdout
	if [ ! -s "$f" ]; then
		fail "stdout is empty, want the token"
		return
	fi
	if [ "$(wc -l < "$f")" -ne 1 ] ||
	    [ "$(tail -c 1 "$f" | od -An -tx1)" != " 0a" ]; then
		fail "stdout is not exactly one newline-terminated line"
	fi
	LC_ALL=C grep -qxE '[!-~]+' "$f" ||
	    fail "stdout line is not printable ASCII without spaces"
}

want_no_err() {
	! grep -qiE -- "$1" "$T/run/stderr" || fail "stderr has /$1/"
}

want_quick() {
	[ "$MS" -le "$1" ] || fail "took ${MS} ms, want at most $1 ms"
}

# seen SERVER EXPR: the server's state log satisfies EXPR (see reqlog.py).
seen() {
	local out
	out=$(python3 "$HERE/reqlog.py" "$T/$1.log" "$2") ||
	    fail "$(printf '%s' "$out" | tr '\n' ';')"
}

nreq() {
	python3 "$HERE/reqlog.py" "$T/$1.log" 'print(len(R)) or True'
}

# ctl SERVER PATH [JSON]: the server's control interface (no credential).
ctl() {
	if [ $# -ge 3 ]; then
		python3 "$HERE/client.py" "${PORT[$1]}" "$CA" "$2" --data "$3"
	else
		python3 "$HERE/client.py" "${PORT[$1]}" "$CA" "$2"
	fi
}

# valid_bearer SERVER: the token on stdout is accepted by SERVER as a
# credential and is not the admin one (exp is not -1).  The token goes to
# the client through a file, never through argv.
valid_bearer() {
	local out
	out=$(python3 "$HERE/client.py" "${PORT[$1]}" "$CA" /v1/auth/validate \
	    --bearer-file "$T/run/stdout")
	case $out in
	'{"exp":-1}') fail "validate says the printed token is the admin one" ;;
	'{"exp":'[0-9]*'}') ;;
	*) fail "the printed token is not accepted by the server" ;;
	esac
}

# --- the case runner -------------------------------------------------------

redact() {
	sed -E "s/$ADMIN/[admin]/g; s/$WRONG/[wrong]/g;
	    s/eyJ[A-Za-z0-9_.-]+/[token]/g" | cat -v
}

tcase() {
	local name=$1
	shift
	if [ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]]; then
		return
	fi
	FAILS=()
	: > "$T/run/stdout"
	: > "$T/run/stderr"
	"$@"
	e2e_report "$name" && return
	echo "#   exit $RC in ${MS} ms; stderr:"
	head -n 5 "$T/run/stderr" | redact | sed 's/^/#     /'
}

skip() {
	if [ -n "$ONLY" ] && ! [[ $1 =~ $ONLY ]]; then
		return
	fi
	echo "skip - $1 ($2)"
	SKIP=$((SKIP + 1))
}

# A create that must succeed and print one token.
ok_create() {
	want_rc 0
	want_token
}

# A create that must fail with status $1 and print nothing on stdout.
bad() {
	want_rc "$1"
	want_empty
}

# --- cases: creating tokens ------------------------------------------------

c_unrestricted() {
	tt good -- create e2e-plain
	ok_create
	want_err 'unrestricted|deprecat'
	seen good 'len(creates("e2e-plain")) == 1'
	seen good 'last("e2e-plain")["auth"] == "admin"'
	seen good 'last("e2e-plain")["body_len"] == 0'
	seen good 'hdr(last("e2e-plain"), "content-length") in (None, "0")'
	seen good 'last("e2e-plain")["target"] == "/v1/auth/api-tokens/e2e-plain"'
	seen good 'last("e2e-plain")["version"] == "HTTP/1.1"'
	seen good "hdrs(last(\"e2e-plain\"), \"host\") == [\"api.turso.tech:${PORT[good]}\"]"
	valid_bearer good
	# Keep the token: a later case uses it as a credential.
	head -n 1 "$T/run/stdout" > "$T/created-token"
	chmod 600 "$T/created-token"
}

c_tls_policy() {
	tt good -- create e2e-tls --org acme
	ok_create
	seen good 'last("e2e-tls")["tls"]["version"] == "TLSv1.2"'
	seen good 're.match(r"ECDHE-(ECDSA|RSA)-.*(GCM|CHACHA20)", last("e2e-tls")["tls"]["cipher"])'
}

c_org() {
	tt good -- create e2e-org --org acme
	ok_create
	want_no_err 'unrestricted'
	seen good 'last("e2e-org")["body_json"] == {"organization": "acme"}'
	seen good 'hdr(last("e2e-org"), "content-type").split(";")[0].strip().lower() == "application/json"'
	seen good 'hdr(last("e2e-org"), "content-length") == str(last("e2e-org")["body_len"])'
	seen good 'last("e2e-org")["status"] == 200'
}

c_group_scopes() {
	tt good -- create e2e-group --org acme --group default \
	    --scope db:create --scope db:mint-token
	ok_create
	seen good 'last("e2e-group")["body_json"] == {"organization": "acme", "group": "default", "scopes": ["db:create", "db:mint-token"]}'
}

c_read_only() {
	tt good -- create e2e-ro --org acme --group default --read-only
	ok_create
	seen good 'last("e2e-ro")["body_json"]["scopes"] in (["read-only"], ["read"])'
	seen good 'last("e2e-ro")["body_json"]["organization"] == "acme" and last("e2e-ro")["body_json"]["group"] == "default"'
}

c_full_access() {
	tt good -- create e2e-fa --org acme --group default --full-access
	ok_create
	seen good 'last("e2e-fa")["body_json"]["scopes"] in (["full-access"], ["db:create", "db:delete", "db:configure", "db:mint-token", "db:rotate-creds", "group:configure", "group:mint-token", "group:rotate-creds", "read"])'
	seen good 'last("e2e-fa")["status"] == 200'
}

c_json() {
	local ids
	tt good -- create e2e-json --org acme --json
	want_rc 0
	ids=$(ctl good /_mock/tokens)
	python3 - "$T/run/stdout" "$ids" <<-'EOF' || fail "--json output is wrong"
	import json, re, sys
	o = json.load(open(sys.argv[1]))
	ids = {t["name"]: t["id"] for t in json.loads(sys.argv[2])}
	assert isinstance(o, dict), "not an object"
	assert {"name", "id", "token"} <= set(o), "missing keys"
	assert o["name"] == "e2e-json", "wrong name"
	assert o["id"] == ids["e2e-json"], "id differs from the server's"
	assert re.fullmatch(r"[!-~]+", o["token"]), "token not printable"
	EOF
}

c_pct_name() {
	tt good -- create my.tok~en_1 --org acme
	ok_create
	seen good 'last("my.tok~en_1")["status"] == 200'
	seen good 're.fullmatch(r"/v1/auth/api-tokens/[A-Za-z0-9._~%-]+", last("my.tok~en_1")["path"])'
}

c_pct_name_reserved() {
	tt good -- create 'ci/deploy prod-é' --org acme
	ok_create
	seen good 'last("ci/deploy prod-é")["status"] == 200'
	seen good 'last("ci/deploy prod-é")["path"].lower() == "/v1/auth/api-tokens/ci%2fdeploy%20prod-%c3%a9"'
}

c_vague() {
	tt good -- create test --org acme
	ok_create
	want_err 'warning'
	seen good 'last("test")["status"] == 200'
}

c_quiet() {
	tt good -- -q create token7
	ok_create
	[ ! -s "$T/run/stderr" ] || fail "stderr not empty with -q"
}

c_verbose() {
	tt good -- -v create e2e-verbose --org acme
	ok_create
	# check_secrets (in run) is the point: -v must not show a secret.
}

c_opt_forms() {
	local p=${PORT[good]}
	run TURSO_API_TOKEN="$ADMIN" -- create e2e-forms --org=acme \
	    --api-url="https://api.turso.tech:$p" \
	    --resolve="api.turso.tech:$p:127.0.0.1" --cacert="$CA" \
	    --max-time=30 --connect-timeout=10
	ok_create
	seen good 'last("e2e-forms")["body_json"] == {"organization": "acme"}'
}

c_env_baseurl() {
	local p=${PORT[good]}
	run TURSO_API_TOKEN="$ADMIN" \
	    TURSO_API_BASEURL="https://api.turso.tech:$p" -- \
	    --resolve "api.turso.tech:$p:127.0.0.1" --cacert "$CA" \
	    create e2e-baseurl --org acme
	ok_create
	seen good 'len(creates("e2e-baseurl")) == 1'
}

c_ssl_cert_file() {
	local p=${PORT[good]}
	run TURSO_API_TOKEN="$ADMIN" SSL_CERT_FILE="$CA" -- \
	    --api-url "https://api.turso.tech:$p" \
	    --resolve "api.turso.tech:$p:127.0.0.1" create e2e-sslcf --org acme
	ok_create
}

c_rsa() {
	tt rsa -- create e2e-rsa --org acme
	ok_create
	seen rsa 'last("e2e-rsa")["tls"]["version"] == "TLSv1.2"'
}

c_plain_loopback() {
	run TURSO_API_TOKEN="$ADMIN" -- \
	    --api-url "http://127.0.0.1:${PORT[plain]}" create e2e-plainhttp \
	    --org acme
	ok_create
	seen plain 'last("e2e-plainhttp")["tls"] is None and last("e2e-plainhttp")["auth"] == "admin"'
}

# --- cases: the credential -------------------------------------------------

c_token_file() {
	conn good
	run -- "${CONN[@]}" --token-file "$T/admin" create e2e-tf --org acme
	ok_create
	seen good 'last("e2e-tf")["auth"] == "admin"'
}

c_token_stdin() {
	conn good
	cp "$T/admin" "$T/stdin"
	run -- "${CONN[@]}" --token-file - create e2e-stdin --org acme
	ok_create
	seen good 'last("e2e-stdin")["auth"] == "admin"'
}

c_created_as_credential() {
	if [ ! -s "$T/created-token" ]; then
		fail "no token from the unrestricted create case"
		return
	fi
	conn good
	run -- "${CONN[@]}" --token-file "$T/created-token" create e2e-chain \
	    --org acme
	ok_create
	seen good 'last("e2e-chain")["auth"] == "created:e2e-plain"'
}

c_no_credential() {
	conn good
	run -- "${CONN[@]}" create e2e-nocred --org acme
	bad 3
	want_err 'credential|TURSO_API_TOKEN'
	seen good 'len(creates("e2e-nocred")) == 0'
}

c_token_file_missing() {
	conn good
	run -- "${CONN[@]}" --token-file "$T/no-such-file" create e2e-nofile
	bad 3
	seen good 'len(creates("e2e-nofile")) == 0'
}

c_token_file_empty() {
	conn good
	: > "$T/empty-token"
	run -- "${CONN[@]}" --token-file "$T/empty-token" create e2e-emptyfile
	bad 3
	seen good 'len(creates("e2e-emptyfile")) == 0'
}

c_token_stdin_empty() {
	conn good
	: > "$T/stdin"
	run -- "${CONN[@]}" --token-file - create e2e-emptystdin
	bad 3
}

# --- cases: API errors -----------------------------------------------------

c_401() {
	conn good
	run TURSO_API_TOKEN="$WRONG" -- "${CONN[@]}" create e2e-401 --org acme
	bad 7
	want_err 'rejected'
	seen good 'last("e2e-401")["auth"] == "invalid" and last("e2e-401")["status"] == 401'
}

c_409() {
	tt good -- create e2e-twice --org acme
	ok_create
	tt good -- create e2e-twice --org acme
	bad 9
	want_err 'exists'
	seen good '[r["status"] for r in creates("e2e-twice")] == [200, 409]'
}

# fault_case MODE STATUS [STDERR-ERE]: create a token named after MODE.
fault_case() {
	tt good -- create "$1.t" --org acme
	bad "$2"
	[ $# -ge 3 ] && want_err "$3"
	seen good "len(creates(\"$1.t\")) >= 1"
}

c_f500() { fault_case fault-500 11; }
c_f502() { fault_case fault-502 11; }
c_f503() { fault_case fault-503 11; }
c_f429() { fault_case fault-429 10; }
c_f403() { fault_case fault-403 7; }
c_f404() { fault_case fault-404 8; }
c_f400() { fault_case fault-400 1 'mock fault-400'; }
c_f402() { fault_case fault-402 1; }
c_ferrobj() { fault_case fault-error-object 1; }
c_ferrnonjson() { fault_case fault-error-nonjson 11; }

c_ferrctrl() {
	fault_case fault-error-ctrl 1 'thing'
	if LC_ALL=C grep -q "$(printf '[\033\007]')" "$T/run/stderr"; then
		fail "stderr holds a raw ESC or BEL byte"
	fi
}

c_fredirect() {
	fault_case fault-redirect 1 'evil\.example'
	seen good 'len(creates("fault-redirect.t")) == 1'
}

# A create that reached the server is never sent again: a repeat could
# mint a second token nobody stores.
c_429_not_repeated() {
	ctl good /_mock/fault '{"mode":"fault-429","count":1}' > /dev/null ||
	    fail "could not arm the fault"
	tt good -- create e2e-retry --org acme
	bad 10
	seen good '[r["status"] for r in creates("e2e-retry")] == [429]'
}

# --- cases: malformed or hostile responses ---------------------------------

c_fnonjson() { fault_case fault-nonjson 6; }
c_ftruncated() { fault_case fault-truncated 6 'closed before the response was complete'; }
c_fbadchunk() { fault_case fault-badchunk 6 'chunk size is not hexadecimal'; }
c_fbigchunked() { fault_case fault-bigchunked 6; want_quick 10000; }
c_fnoclosenotify() { fault_case fault-noclose-notify 6 'without TLS close_notify'; }
c_fctrlraw() { fault_case fault-ctrl-raw 6 'control character in JSON string'; }
c_fnul() { fault_case fault-nul 6 '\\u0000 in JSON string'; }
c_fnotoken() { fault_case fault-notoken 6 'response has no "token" string'; }
c_femptytoken() { fault_case fault-emptytoken 6 'the token in the response is empty or not all printable ASCII'; }
c_femptybody() { fault_case fault-emptybody 6; }
c_fmanytokens() { fault_case fault-manytokens 6; }
c_fdeepjson() { fault_case fault-deepjson 6; }
c_fbadstatus() { fault_case fault-badstatus 6; }
c_flongheader() { fault_case fault-longheader 6 'response head larger than 16384 bytes'; }
c_fmanyheaders() { fault_case fault-manyheaders 6 'more than 100 header fields'; }
c_fbigbody() { fault_case fault-bigbody 6; want_quick 10000; }

# Hostile HTTP framing (RFC 9112), one broken rule per answer: 6, and the
# message names the rule, so a refusal for another reason fails.
c_hchunkhex100() { fault_case fault-chunk-hex100 6 'chunk size longer than 16 hex digits'; }
c_hchunkoverflow() { fault_case fault-chunk-overflow 6 'chunk size longer than 16 hex digits'; }
c_hchunkbadhex() { fault_case fault-chunk-badhex 6 'chunk size is not hexadecimal'; }
c_hchunknocrlf() { fault_case fault-chunk-nocrlf 6 'missing CRLF after chunk data'; }
c_hchunknolast() { fault_case fault-chunk-nolast 6 'closed before the response was complete'; }
c_hchunknul() { fault_case fault-chunk-nul 6 'NUL byte in response chunk size'; }
c_htecl() { fault_case fault-te-cl 6 'both Transfer-Encoding and Content-Length'; }
c_hcltwice() { fault_case fault-cl-twice 6 'repeated Content-Length'; }
c_hclneg() { fault_case fault-cl-negative 6 'Content-Length is not a number'; }
c_hclnonnum() { fault_case fault-cl-nonnumeric 6 'Content-Length is not a number'; }
c_hcl21() { fault_case fault-cl-21digits 6 'Content-Length longer than 18 digits'; }
c_htegzip() { fault_case fault-te-gzip 6 'unsupported Transfer-Encoding'; }
c_htenotlast() { fault_case fault-te-notlast 6 'unsupported Transfer-Encoding'; }
c_hshortcl() { fault_case fault-short-cl 6 'closed before the response was complete'; }
c_hobsfold() { fault_case fault-obsfold 6 'obsolete line folding'; }
c_hleadws() { fault_case fault-leading-ws 6 'obsolete line folding'; }
c_hbarecr() { fault_case fault-bare-cr 6 'bare CR in response head'; }
c_hstatus99() { fault_case fault-status-99 6 'status code is not three digits'; }
c_hstatus1000() { fault_case fault-status-1000 6 'status code is not three digits'; }
c_hhttp2() { fault_case fault-http2 6 'unsupported HTTP version'; }
c_hhttp09() { fault_case fault-http09 6 'does not start with a status line'; }
c_hnoreason() { fault_ok fault-noreason; }

c_hdriphead() {
	tt good -- --max-time 2 create fault-drip-head.t --org acme
	bad 4
	want_quick 5000
}

# Hostile JSON in a 200 answer to create: 6 with the reason, no token.
c_jtruncated() { fault_case fault-json-truncated 6 'truncated JSON'; }
c_jnull() { fault_case fault-token-null 6 'response has no "token" string'; }
c_jnumber() { fault_case fault-token-number 6 'response has no "token" string'; }
c_jobject() { fault_case fault-token-object 6 'response has no "token" string'; }
c_jdup() { fault_case fault-token-dup 6 'duplicate key "token"'; }
c_jbadutf8() { fault_case fault-token-badutf8 6 'invalid UTF-8 in JSON string'; }
c_jsurrogate() { fault_case fault-token-surrogate 6 'lone surrogate in JSON string'; }
c_jutf8() { fault_case fault-token-utf8 6 'the token in the response is empty or not all printable ASCII'; }
c_jspace() { fault_case fault-token-space 6 'the token in the response is empty or not all printable ASCII'; }
c_jgarbage() { fault_case fault-json-garbage 6 'JSON value followed by garbage'; }
c_jdeep() { fault_case fault-json-deep100k 6 'JSON nested deeper than 256 levels'; }

c_jerrctrlraw() {
	fault_case fault-error-ctrl-raw 1 'bad \\x1b\]0;x\\x07 thing'
	if LC_ALL=C grep -q "$(printf '[\033\007]')" "$T/run/stderr"; then
		fail "stderr holds a raw ESC or BEL byte"
	fi
}

c_fctrl() {
	fault_case fault-ctrl 6 'the token in the response is empty or not all printable ASCII'
	if LC_ALL=C grep -q "$(printf '\033')" "$T/run/stderr"; then
		fail "stderr holds a raw ESC byte"
	fi
}

# fault_ok MODE: a legal but unusual answer that must be accepted.
fault_ok() {
	tt good -- create "$1.t" --org acme
	ok_create
}

c_fchunked() { fault_ok fault-chunked; }
c_fclosedelim() { fault_ok fault-close-delimited; }
c_fclnoclosenotify() { fault_ok fault-cl-noclose-notify; }
c_f100continue() { fault_ok fault-100continue; }

c_fslow() {
	tt good -- --max-time 2 create fault-slow.t --org acme
	bad 4
	want_quick 5000
}

c_fdrip() {
	tt good -- --max-time 2 create fault-drip.t --org acme
	bad 4
	want_quick 5000
}

# --- cases: TLS and the network --------------------------------------------

# tls_case SERVER: a certificate problem: 5, and the request (with the
# credential) never reached the server.
tls_case() {
	tt "$1" -- create "e2e-$1" --org acme
	bad 5
	seen "$1" 'len(R) == 0'
}

c_untrusted() { tls_case untrusted; }
c_expired() { tls_case expired; }
c_notyet() { tls_case notyet; }
c_wronghost() { tls_case wronghost; }

c_default_roots() {
	local p=${PORT[good]}
	run TURSO_API_TOKEN="$ADMIN" -- --api-url "https://api.turso.tech:$p" \
	    --resolve "api.turso.tech:$p:127.0.0.1" create e2e-roots --org acme
	bad 5
	seen good 'len(creates("e2e-roots")) == 0'
}

c_refused() {
	run TURSO_API_TOKEN="$ADMIN" -- --api-url "https://api.turso.tech:$DEAD" \
	    --resolve "api.turso.tech:$DEAD:127.0.0.1" --cacert "$CA" \
	    create e2e-refused --org acme
	bad 4
}

c_unresolvable() {
	run TURSO_API_TOKEN="$ADMIN" -- --api-url "https://no-such-host.invalid" \
	    --cacert "$CA" --connect-timeout 3 --max-time 5 \
	    create e2e-nxdomain --org acme
	bad 4
}

c_http_remote() {
	run TURSO_API_TOKEN="$ADMIN" -- --api-url "http://192.0.2.1:80" \
	    create e2e-http --org acme
	want_rc_in 2 3
	want_empty
}

# --- cases: usage ----------------------------------------------------------

# usage ARG...: a usage error: 2, nothing on stdout, nothing sent.
usage() {
	local before after
	before=$(nreq good)
	tt good -- "$@"
	bad 2
	after=$(nreq good)
	[ "$before" = "$after" ] || fail "a request was sent"
}

c_u_nocmd() { usage; }
c_u_unknown_opt() { usage --frobnicate create e2e-u; }
c_u_unknown_cmd() { usage frobnicate e2e-u; }
c_u_noname() { usage create; }
c_u_twonames() { usage create e2e-u1 e2e-u2 --out "$T/two.tok"; }
c_u_ro_fa() { usage create e2e-u --org acme --group g --read-only --full-access; }
c_u_group_no_org() { usage create e2e-u --group g --scope read; }
c_u_bad_scope() { usage create e2e-u --org acme --group g --scope db:explode; }
c_u_empty_name() { usage create ''; }
c_u_long_name() { usage create "$(printf 'a%.0s' $(seq 300))"; }
c_u_ctrl_name() { usage create "$(printf 'bad\001name')"; }
c_u_blank_name() { usage create '   '; }
c_u_max_time() { usage --max-time abc create e2e-u; }
c_u_resolve() { usage --resolve nonsense create e2e-u; }
c_u_no_value() { usage create e2e-u --org; }

c_help() {
	tt good -- --help
	want_rc 0
	grep -qi 'usage' "$T/run/stdout" || fail "--help prints no usage"
}

c_version() {
	tt good -- --version
	want_rc 0
	grep -q 'turso-token' "$T/run/stdout" || fail "--version prints no name"
}

# --- case: an empty root (no /etc, no /dev) --------------------------------

c_chroot() {
	local root=$T/root p=${PORT[good]} t0 chr
	chr=$(command -v chroot)
	mkdir -p "$root"
	cp "$BIN" "$root/turso-token"
	cp "$CA" "$root/ca.pem"
	t0=$(date +%s%N)
	env -i TURSO_API_TOKEN="$ADMIN" timeout -k 5 60 "$chr" "$root" \
	    /turso-token create e2e-chroot --org acme --cacert /ca.pem \
	    --resolve "api.turso.tech:$p:127.0.0.1" \
	    --api-url "https://api.turso.tech:$p" \
	    < /dev/null > "$T/run/stdout" 2> "$T/run/stderr"
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	check_secrets
	ok_create
	seen good 'last("e2e-chroot")["status"] == 200'
}

c_no_leak() {
	local s
	for s in good plain rsa; do
		seen "$s" 'len(R) > 0 and not any(r["leak"] for r in R)'
	done
}

# --- the run ---------------------------------------------------------------

tcase "create without body warns, prints one token" c_unrestricted
tcase "TLS 1.2 with ECDHE and an AEAD cipher" c_tls_policy
tcase "create --org sends {organization}" c_org
tcase "create --org --group --scope --scope" c_group_scopes
tcase "create --read-only" c_read_only
tcase "create --full-access" c_full_access
tcase "create --json" c_json
tcase "name my.tok~en_1 reaches the server intact" c_pct_name
tcase "name with / space and UTF-8 is percent-encoded" c_pct_name_reserved
tcase "vague name warns but succeeds" c_vague
tcase "-q silences warnings" c_quiet
tcase "-v shows no secret" c_verbose
tcase "--opt=value forms, options after the command" c_opt_forms
tcase "TURSO_API_BASEURL" c_env_baseurl
tcase "SSL_CERT_FILE" c_ssl_cert_file
tcase "RSA server certificate" c_rsa
tcase "plain http to loopback" c_plain_loopback
tcase "--token-file FILE" c_token_file
tcase "--token-file - (stdin)" c_token_stdin
tcase "a created token works as the credential" c_created_as_credential
tcase "no credential -> 3" c_no_credential
tcase "--token-file missing -> 3" c_token_file_missing
tcase "--token-file empty -> 3" c_token_file_empty
tcase "--token-file - with empty stdin -> 3" c_token_stdin_empty
tcase "401 -> 7" c_401
tcase "409 (same name twice) -> 9" c_409
tcase "500 -> 11" c_f500
tcase "502 -> 11" c_f502
tcase "503 -> 11" c_f503
tcase "429 -> 10" c_f429
tcase "429 on create is not repeated -> 10" c_429_not_repeated
tcase "403 -> 7" c_f403
tcase "404 -> 8" c_f404
tcase "400 -> 1 with the server's message" c_f400
tcase "402 -> 1" c_f402
tcase "error that is not a string -> 1" c_ferrobj
tcase "500 with HTML body -> 11" c_ferrnonjson
tcase "error with control characters -> 1, escaped" c_ferrctrl
tcase "redirect -> 1, not followed" c_fredirect
tcase "200 with HTML -> 6" c_fnonjson
tcase "truncated body -> 6" c_ftruncated
tcase "chunked with extensions and trailer -> 0" c_fchunked
tcase "bad chunk size -> 6" c_fbadchunk
tcase "10 MiB chunked -> 6" c_fbigchunked
tcase "close-delimited without close_notify -> 6" c_fnoclosenotify
tcase "close-delimited with close_notify -> 0" c_fclosedelim
tcase "Content-Length framed, no close_notify -> 0" c_fclnoclosenotify
tcase "100 Continue before the answer -> 0" c_f100continue
tcase "token with escape sequence -> 6" c_fctrl
tcase "raw control byte in JSON -> 6" c_fctrlraw
tcase "token with NUL -> 6" c_fnul
tcase "no token in answer -> 6" c_fnotoken
tcase "empty token -> 6" c_femptytoken
tcase "empty body -> 6" c_femptybody
tcase "too many JSON tokens -> 6" c_fmanytokens
tcase "JSON nested too deep -> 6" c_fdeepjson
tcase "bad status line -> 6" c_fbadstatus
tcase "100 KiB header line -> 6" c_flongheader
tcase "5000 header lines -> 6" c_fmanyheaders
tcase "Content-Length 10 MiB -> 6" c_fbigbody
tcase "chunk size of 100 hex digits -> 6" c_hchunkhex100
tcase "chunk size overflowing 64 bits -> 6" c_hchunkoverflow
tcase "chunk size with a bad hex digit -> 6" c_hchunkbadhex
tcase "no CRLF after chunk data -> 6" c_hchunknocrlf
tcase "no last chunk, then close -> 6" c_hchunknolast
tcase "NUL in a chunk size -> 6" c_hchunknul
tcase "Transfer-Encoding with Content-Length -> 6" c_htecl
tcase "two different Content-Lengths -> 6" c_hcltwice
tcase "negative Content-Length -> 6" c_hclneg
tcase "non-numeric Content-Length -> 6" c_hclnonnum
tcase "21-digit Content-Length -> 6" c_hcl21
tcase "Transfer-Encoding gzip -> 6" c_htegzip
tcase "Transfer-Encoding chunked not last -> 6" c_htenotlast
tcase "body shorter than Content-Length, clean close -> 6" c_hshortcl
tcase "obsolete line folding -> 6" c_hobsfold
tcase "header line starting with a space -> 6" c_hleadws
tcase "bare CR in a header -> 6" c_hbarecr
tcase "status 99 -> 6" c_hstatus99
tcase "status 1000 -> 6" c_hstatus1000
tcase "HTTP/2.0 status line -> 6" c_hhttp2
tcase "HTTP/0.9 (no status line) -> 6" c_hhttp09
tcase "status line without reason phrase -> 0" c_hnoreason
tcase "whole answer dripped 1 byte/s, --max-time 2 -> 4" c_hdriphead
tcase "JSON truncated inside the token -> 6" c_jtruncated
tcase "token null -> 6" c_jnull
tcase "token a number -> 6" c_jnumber
tcase "token an object -> 6" c_jobject
tcase "two token keys -> 6" c_jdup
tcase "invalid UTF-8 in token -> 6" c_jbadutf8
tcase "lone surrogate in token -> 6" c_jsurrogate
tcase "non-ASCII character in token -> 6" c_jutf8
tcase "space in token -> 6" c_jspace
tcase "valid answer followed by garbage -> 6" c_jgarbage
tcase "100000 nested arrays -> 6" c_jdeep
tcase "raw ESC/BEL in error (not JSON) -> 1, escaped" c_jerrctrlraw
tcase "slow server, --max-time 2 -> 4" c_fslow
tcase "dripping body, --max-time 2 -> 4" c_fdrip
tcase "untrusted CA -> 5, nothing sent" c_untrusted
tcase "expired certificate -> 5, nothing sent" c_expired
tcase "not yet valid certificate -> 5, nothing sent" c_notyet
tcase "wrong host name -> 5, nothing sent" c_wronghost
tcase "test CA not in embedded roots -> 5" c_default_roots
tcase "connection refused -> 4" c_refused
tcase "unresolvable host -> 4" c_unresolvable
tcase "http:// to a remote host is refused" c_http_remote
tcase "usage: no command -> 2" c_u_nocmd
tcase "usage: unknown option -> 2" c_u_unknown_opt
tcase "usage: unknown command -> 2" c_u_unknown_cmd
tcase "usage: create without NAME -> 2" c_u_noname
tcase "usage: two names with --out -> 2" c_u_twonames
tcase "usage: --read-only with --full-access -> 2" c_u_ro_fa
tcase "usage: --group without --org -> 2" c_u_group_no_org
tcase "usage: unknown --scope -> 2" c_u_bad_scope
tcase "usage: empty name -> 2" c_u_empty_name
tcase "usage: 300-byte name -> 2" c_u_long_name
tcase "usage: name with a control character -> 2" c_u_ctrl_name
tcase "usage: blank name -> 2" c_u_blank_name
tcase "usage: --max-time abc -> 2" c_u_max_time
tcase "usage: --resolve nonsense -> 2" c_u_resolve
tcase "usage: option without its value -> 2" c_u_no_value
tcase "--help -> 0" c_help
tcase "--version -> 0" c_version
if [ -z "$NOCHROOT" ]; then
	tcase "empty chroot (no /etc, no /dev)" c_chroot
else
	skip "empty chroot (no /etc, no /dev)" "$NOCHROOT"
fi

# The lifecycle commands and the sinks of a new token.
. "$HERE/lifecycle.sh"

# The API through a real HTTP proxy (tinyproxy), and NO_PROXY.
. "$HERE/proxy.sh"
# Addresses, retries, connection reuse, clock, settings, DNS.
. "$HERE/networks.sh"
# Database and group credentials.
. "$HERE/dbtokens.sh"

tcase "secrets travelled only in Authorization (all requests above)" c_no_leak

[ "$SKIP" -gt 0 ] && echo "# $SKIP skipped"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
