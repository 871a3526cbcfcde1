# proxy.sh - sourced by run.sh: the API reached through a real HTTP proxy
# (tinyproxy, Debian's tinyproxy-bin), started here on 127.0.0.1 in the
# foreground (-d) as background jobs with generated configs: one open, one
# with Basic authentication, one that allows CONNECT to port 443 only.
# Uses run.sh's runner, assertions and stand-ins.
#
# The proxy resolves the API host itself, so tinyproxy runs under
# nss_wrapper (Debian's libnss-wrapper) with a hosts file that maps
# api.turso.tech to 127.0.0.1: the system's /etc/hosts is not touched.
#
# Each case checks the exit status, stdout, a fragment of stderr, and the
# proxy's own log (LogLevel Connect: one "Request ... CONNECT host:port"
# line per tunnel asked for), so that "went through the proxy" and "went
# direct" are both proved, not assumed.

PX_USER=alice
# tinyproxy's BasicAuth takes only [-a-z0-9._]; the URL below spells the
# same password with a percent-escape ("%70" is "p") to prove decoding.
PX_PASS=pxpass$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
PX_PASS_URL=%70${PX_PASS#p}
declare -A PXPORT
PX_PIDS=()

# px_start NAME [CONFIG-LINE...]: one tinyproxy, its port in PXPORT[NAME],
# its log in $T/px-NAME.log.  The port is picked free, then bound by
# tinyproxy (which wants a fixed Port); a lost race is retried.
px_start() {
	local name=$1 port i pid _
	shift
	for _ in 1 2 3 4 5; do
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		{
			echo "Port $port"
			echo "Listen 127.0.0.1"
			echo "Timeout 30"
			echo "MaxClients 20"
			echo "LogLevel Connect"
			echo "Allow 127.0.0.1"
			printf '%s\n' "$@"
		} > "$T/px-$name.conf"
		NSS_WRAPPER_HOSTS=$T/px-hosts LD_PRELOAD=libnss_wrapper.so \
		    tinyproxy -d -c "$T/px-$name.conf" \
		    > "$T/px-$name.log" 2>&1 < /dev/null &
		pid=$!
		for i in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
				PXPORT[$name]=$port
				PX_PIDS+=("$pid")
				PIDS+=("$pid")
				return 0
			fi
			sleep 0.1
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	return 1
}

px_stop() {
	local p
	for p in "${PX_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}

# px_n NAME: how many tunnels proxy NAME was asked for so far.
px_n() {
	grep -c 'Request (file descriptor [0-9]*): CONNECT ' "$T/px-$1.log"
}

# px_went NAME BEFORE SERVER: after its first BEFORE requests, proxy NAME
# was asked for a tunnel to the stand-in SERVER, by name.
px_went() {
	grep 'Request (file descriptor [0-9]*): CONNECT ' "$T/px-$1.log" |
	    tail -n +$(($2 + 1)) |
	    grep -q "CONNECT api\.turso\.tech:${PORT[$3]} HTTP/1\.1" ||
	    fail "proxy $1 logged no CONNECT api.turso.tech:${PORT[$3]}"
}

# px_unused NAME BEFORE: proxy NAME was asked for nothing new.
px_unused() {
	local n
	n=$(px_n "$1")
	[ "$n" -eq "$2" ] || fail "proxy $1 was used ($((n - $2)) requests)"
}

# The proxy password never reaches our output.
px_no_pass() {
	if grep -qF -- "$PX_PASS" "$T/run/stderr" "$T/run/stdout" ||
	    grep -qF -- "$PX_PASS_URL" "$T/run/stderr" "$T/run/stdout"; then
		fail "the proxy password appears in the output"
	fi
}

px_url() {
	echo "http://127.0.0.1:${PXPORT[$1]}"
}

px_auth_url() {
	echo "http://$PX_USER:$PX_PASS_URL@127.0.0.1:${PXPORT[auth]}"
}

# --- cases -----------------------------------------------------------------

c_px_env() {
	local n
	n=$(px_n open)
	tt good HTTPS_PROXY="$(px_url open)" -- create px-env --org acme
	ok_create
	px_went open "$n" good
	seen good 'last("px-env")["status"] == 200'
	valid_bearer good
}

# --resolve applies to the proxy's own name.
c_px_option() {
	local n p=${PXPORT[open]}
	n=$(px_n open)
	tt good -- --proxy "http://proxy.test:$p/" \
	    --resolve "proxy.test:$p:127.0.0.1" create px-opt --org acme
	ok_create
	px_went open "$n" good
	seen good 'last("px-opt")["status"] == 200'
}

c_px_env_forms() {
	local v n i=0
	for v in https_proxy ALL_PROXY all_proxy; do
		i=$((i + 1))
		n=$(px_n open)
		tt good "$v=$(px_url open)" -- create "px-form$i" --org acme
		ok_create
		px_went open "$n" good
	done
}

# --proxy beats HTTPS_PROXY; --proxy "" turns the environment's off.
c_px_precedence() {
	local n
	n=$(px_n open)
	tt good HTTPS_PROXY="http://127.0.0.1:$DEAD" -- \
	    --proxy "$(px_url open)" create px-prec1 --org acme
	ok_create
	px_went open "$n" good
	n=$(px_n open)
	tt good HTTPS_PROXY="$(px_url open)" -- --proxy "" \
	    create px-prec2 --org acme
	ok_create
	px_unused open "$n"
}

c_px_auth_good() {
	local n
	n=$(px_n auth)
	tt good HTTPS_PROXY="$(px_auth_url)" -- create px-auth --org acme
	ok_create
	px_no_pass
	px_went auth "$n" good
	seen good 'last("px-auth")["status"] == 200'
}

c_px_auth_none() {
	local n
	n=$(px_n auth)
	tt good HTTPS_PROXY="$(px_url auth)" -- create px-noauth --org acme
	bad 4
	want_err 'proxy 127\.0\.0\.1 port [0-9]+ refused the tunnel to api\.turso\.tech port [0-9]+: 407 '
	seen good 'len(creates("px-noauth")) == 0'
	# A refusal is an answer, not an outage: it is not retried.
	[ "$(px_n auth)" -eq $((n + 1)) ] ||
	    fail "the refused CONNECT was sent $(($(px_n auth) - n)) times"
}

# tinyproxy answers a wrong password with 401, not 407.
c_px_auth_wrong() {
	tt good HTTPS_PROXY="http://$PX_USER:wrong$PX_PASS@127.0.0.1:${PXPORT[auth]}" \
	    -- create px-badauth --org acme
	bad 4
	want_err 'refused the tunnel to api\.turso\.tech port [0-9]+: 40[17] .*refused the user name and password'
	px_no_pass
	seen good 'len(creates("px-badauth")) == 0'
}

c_px_forbidden() {
	local n
	n=$(px_n strict)
	tt good HTTPS_PROXY="$(px_url strict)" -- create px-403 --org acme
	bad 4
	want_err 'refused the tunnel to api\.turso\.tech port [0-9]+: 403'
	px_went strict "$n" good
	seen good 'len(creates("px-403")) == 0'
}

# The proxy cannot reach the server: its 5xx is a network error here.
c_px_target_down() {
	run TURSO_API_TOKEN="$ADMIN" HTTPS_PROXY="$(px_url open)" -- \
	    --api-url "https://api.turso.tech:$DEAD" --cacert "$CA" \
	    create px-5xx --org acme
	bad 4
	want_err "refused the tunnel to api\.turso\.tech port $DEAD: 5[0-9][0-9]"
}

c_px_no_proxy() {
	local n v i=0
	for v in NO_PROXY=turso.tech no_proxy=.turso.tech \
	    NO_PROXY="example.org, api.turso.tech:${PORT[good]}"; do
		i=$((i + 1))
		n=$(px_n open)
		tt good HTTPS_PROXY="$(px_url open)" "$v" -- \
		    create "px-noproxy$i" --org acme
		ok_create
		px_unused open "$n"
	done
}

c_px_no_proxy_star() {
	local n
	n=$(px_n open)
	tt good HTTPS_PROXY="$(px_url open)" NO_PROXY='*' -- \
	    create px-star --org acme
	ok_create
	px_unused open "$n"
}

# Entries that look close but do not match: the proxy is used.
c_px_no_proxy_miss() {
	local n
	n=$(px_n open)
	tt good HTTPS_PROXY="$(px_url open)" \
	    NO_PROXY="turso.tech.example,xturso.tech,api.turso.tech:1,127.0.0.1" \
	    -- create px-miss --org acme
	ok_create
	px_went open "$n" good
}

c_px_down() {
	tt good HTTPS_PROXY="http://127.0.0.1:$DEAD" -- create px-down --org acme
	bad 4
	want_err "proxy: cannot connect to 127\.0\.0\.1 port $DEAD: connection refused"
	seen good 'len(creates("px-down")) == 0'
}

# TLS is end to end: the proxy only relays, so a certificate the client
# does not trust still fails, and nothing (no credential) reaches it.
c_px_untrusted() {
	local n
	n=$(px_n open)
	tt untrusted HTTPS_PROXY="$(px_url open)" -- create px-untrusted --org acme
	bad 5
	px_went open "$n" untrusted
	seen untrusted 'len(R) == 0'
}

c_px_wronghost() {
	local n
	n=$(px_n open)
	tt wronghost HTTPS_PROXY="$(px_url open)" -- create px-wronghost --org acme
	bad 5
	px_went open "$n" wronghost
	seen wronghost 'len(R) == 0'
}

# From the environment it is local configuration (3), from the command
# line a usage error (2); either way nothing is sent.
c_px_https_url() {
	local before
	before=$(nreq good)
	tt good HTTPS_PROXY="https://127.0.0.1:${PXPORT[open]}" -- \
	    create px-https --org acme
	bad 3
	want_err 'HTTPS_PROXY: https:// proxies are not supported'
	tt good -- --proxy "https://127.0.0.1:${PXPORT[open]}" \
	    create px-https --org acme
	bad 2
	want_err '--proxy: https:// proxies are not supported'
	[ "$(nreq good)" = "$before" ] || fail "a request was sent"
}

c_px_bad_url() {
	tt good -- --proxy "http://$PX_USER:$PX_PASS@127.0.0.1:99999" \
	    create px-badurl --org acme
	bad 2
	want_err '--proxy: bad proxy host or port'
	px_no_pass
}

c_px_lifecycle() {
	local n
	n=$(px_n auth)
	tt good HTTPS_PROXY="$(px_auth_url)" -- list
	want_rc 0
	grep -q '^px-auth ' "$T/run/stdout" || fail "list does not show px-auth"
	tt good HTTPS_PROXY="$(px_auth_url)" -- validate
	want_rc 0
	tt good HTTPS_PROXY="$(px_auth_url)" -- revoke px-auth
	want_rc 0
	px_no_pass
	[ "$(px_n auth)" -ge $((n + 3)) ] || fail "not every command used the proxy"
}

# The proxies saw CONNECT lines only: no credential, no token.
c_px_logs_clean() {
	local f
	for f in "$T"/px-*.log; do
		if grep -qF -- "$ADMIN" "$f" || grep -qF eyJhbGci "$f" ||
		    grep -qF -- "$PX_PASS" "$f"; then
			fail "$(basename "$f") holds a secret"
		fi
	done
}

# --- the run ---------------------------------------------------------------

px_setup() {
	command -v tinyproxy > /dev/null 2>&1 ||
	    { PX_WHY="tinyproxy not found (scripts/bootstrap test)"; return 1; }
	if LD_PRELOAD=libnss_wrapper.so /bin/true 2>&1 | grep -q preload; then
		PX_WHY="libnss_wrapper.so not found (scripts/bootstrap test)"
		return 1
	fi
	echo "127.0.0.1 api.turso.tech" > "$T/px-hosts"
	if ! px_start open || ! px_start auth "BasicAuth $PX_USER $PX_PASS" ||
	    ! px_start strict "ConnectPort 443"; then
		PX_WHY="tinyproxy did not start (see $T/px-*.log)"
		return 1
	fi
}

px_case() {
	if [ -n "$PX_WHY" ]; then
		tcase "$1" fail "$PX_WHY"
	else
		tcase "$@"
	fi
}

# Until the binary has --proxy, the cases are listed as skipped.
if ! "$BIN" --help 2>/dev/null | grep -q -- '--proxy'; then
	skip "proxy: all cases" "this binary has no --proxy option yet"
else
	PX_WHY=
	px_setup
	px_case "proxy: HTTPS_PROXY, create through the tunnel" c_px_env
	px_case "proxy: --proxy with a name from --resolve" c_px_option
	px_case "proxy: https_proxy, ALL_PROXY, all_proxy" c_px_env_forms
	px_case "proxy: --proxy wins over HTTPS_PROXY, --proxy '' disables" c_px_precedence
	px_case "proxy: Basic auth, good credentials -> 0" c_px_auth_good
	px_case "proxy: Basic auth, no credentials -> 4 (407)" c_px_auth_none
	px_case "proxy: Basic auth, wrong password -> 4" c_px_auth_wrong
	px_case "proxy: CONNECT to a port it forbids -> 4 (403)" c_px_forbidden
	px_case "proxy: server unreachable from the proxy -> 4 (5xx)" c_px_target_down
	px_case "proxy: NO_PROXY matching the API host -> direct" c_px_no_proxy
	px_case "proxy: NO_PROXY='*' -> direct" c_px_no_proxy_star
	px_case "proxy: NO_PROXY entries that do not match -> proxied" c_px_no_proxy_miss
	px_case "proxy: proxy down -> 4" c_px_down
	px_case "proxy: untrusted certificate behind the proxy -> 5" c_px_untrusted
	px_case "proxy: wrong host name behind the proxy -> 5" c_px_wronghost
	px_case "proxy: https:// proxy URL -> 3 from HTTPS_PROXY, 2 from --proxy" c_px_https_url
	px_case "proxy: bad proxy URL -> 2, password not shown" c_px_bad_url
	px_case "proxy: list, validate, revoke through the tunnel" c_px_lifecycle
	px_case "proxy: the proxies' logs hold no secret" c_px_logs_clean
	px_stop
fi
