# networks.sh - sourced by run.sh: addresses, retries, one connection for
# several names, the clock floor, the Turso CLI's settings, and DNS with
# no resolver.  Uses run.sh's runner and assertions.  The clock cases need
# the test build whose clock can be set: E2E_CLOCK_BIN (scripts/test
# passes build/turso-token-testclock).

CLOCK_BIN=${E2E_CLOCK_BIN:-}
case $CLOCK_BIN in
''|/*) ;;
*) CLOCK_BIN=$PWD/$CLOCK_BIN ;;
esac

start net good
await net
N=$T/net
mkdir -p "$N"

# conns_of SERVER NAME...: the connection numbers of the last create or
# revoke of each name the stand-in saw, space-separated.
conns_of() {
	local srv=$1
	shift
	python3 - "$T/$srv.log" "$@" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
out = []
for name in sys.argv[2:]:
    c = [r["conn"] for r in recs if r.get("kind") == "request" and
         r["method"] in ("POST", "DELETE") and
         r["segments"] == ["v1", "auth", "api-tokens", name]]
    out.append(str(c[-1]) if c else "none")
print(" ".join(out))
EOF
}

c_net_v6_only() {
	local p
	p=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0)); print(s.getsockname()[1])')
	python3 "$MOCK/server.py" --port "$p" --bind ::1 --cert "$T/certs/good.pem" \
	    --key "$T/certs/good.key" --admin-token-file "$T/admin" --quiet \
	    > "$N/v6.out" 2>&1 &
	PIDS+=($!)
	local _
	for _ in $(seq 50); do
		grep -q '^PORT' "$N/v6.out" && break
		sleep 0.1
	done
	run TURSO_API_TOKEN="$ADMIN" -- --api-url "https://api.turso.tech:$p" \
	    --resolve "api.turso.tech:$p:[::1]" --cacert "$CA" create net-v6 --org acme
	want_rc 0
	want_token
}

# A refused first address, then a silent one, then the live one.
c_net_dead_addresses() {
	local p=${PORT[net]} bh
	python3 "$HERE/blackhole.py" 127.0.0.3 "$p" > "$N/bh.out" 2>&1 &
	bh=$!
	PIDS+=($bh)
	local _
	for _ in $(seq 50); do
		grep -q READY "$N/bh.out" && break
		sleep 0.1
	done
	run TURSO_API_TOKEN="$ADMIN" -- --api-url "https://api.turso.tech:$p" \
	    --resolve "api.turso.tech:$p:127.0.0.2" \
	    --resolve "api.turso.tech:$p:127.0.0.3" \
	    --resolve "api.turso.tech:$p:127.0.0.1" --cacert "$CA" \
	    --connect-timeout 1 create net-fallback --org acme
	want_rc 0
	want_token
	[ "$MS" -ge 900 ] || fail "the silent address was not waited for (${MS} ms)"
	want_quick 4000
	kill "$bh" 2>/dev/null
}

c_net_retry_get() {
	ctl net /_mock/fault '{"mode":"fault-503","count":1,"method":"GET"}' > /dev/null
	tt net -- list --retry 2
	want_rc 0
	seen net '[r["status"] for r in R if r["path"] == "/v1/auth/api-tokens"][-2:] == [503, 200]'
	[ "$MS" -ge 900 ] || fail "Retry-After: 1 was not honoured (${MS} ms)"
}

c_net_retry_429() {
	ctl net /_mock/fault '{"mode":"fault-429","count":2,"method":"DELETE"}' > /dev/null
	tt net -- create net-429 --org acme --out "$N/429.tok"
	tt net -- revoke net-429
	want_rc 0
	seen net '[r["status"] for r in R if r["method"] == "DELETE"][-3:] == [429, 429, 200]'
	[ "$MS" -ge 1900 ] || fail "two Retry-After: 1 took only ${MS} ms"
}

c_net_retry_exhausted() {
	ctl net /_mock/fault '{"mode":"fault-503","count":5,"method":"GET"}' > /dev/null
	tt net -- list --retry 1
	bad 11
	want_err 'after 2 attempts'
	ctl net /_mock/reset '{}' > /dev/null
}

c_net_post_not_repeated() {
	ctl net /_mock/fault '{"mode":"fault-503","count":1,"method":"POST"}' > /dev/null
	tt net -- create net-once --org acme --retry 3
	bad 11
	seen net 'len(creates("net-once")) == 1'
}

# A create whose connection failed before anything was sent is retried.
c_net_post_connect_retry() {
	local p
	p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	(sleep 0.4 && exec python3 "$MOCK/server.py" --port "$p" \
	    --cert "$T/certs/good.pem" --key "$T/certs/good.key" \
	    --admin-token-file "$T/admin" --state-log "$N/late.log" --quiet) \
	    > /dev/null 2>&1 &
	PIDS+=($!)
	run TURSO_API_TOKEN="$ADMIN" -- --api-url "https://api.turso.tech:$p" \
	    --resolve "api.turso.tech:$p:127.0.0.1" --cacert "$CA" --retry 4 \
	    create net-late --org acme
	want_rc 0
	want_token
	python3 "$HERE/reqlog.py" "$N/late.log" 'len(creates("net-late")) == 1' \
	    > /dev/null || fail "the late server did not see exactly one create"
}

c_net_one_connection() {
	tt net -- create net-a net-b net-c --org acme
	want_rc 0
	[ "$(wc -l < "$T/run/stdout")" -eq 3 ] || fail "want 3 token lines"
	LC_ALL=C grep -qvxE '[!-~]+' "$T/run/stdout" && fail "a line is not a token"
	local c
	c=$(conns_of net net-a net-b net-c)
	set -- $c
	[ "$1" != none ] && [ "$1" = "$2" ] && [ "$2" = "$3" ] ||
	    fail "three creates used connections $c, want one"
	tt net -- revoke net-a net-b net-c
	want_rc 0
	c=$(conns_of net net-a net-b net-c)
	set -- $c
	[ "$1" = "$2" ] && [ "$2" = "$3" ] || fail "three revokes used connections $c"
}

c_net_json_array() {
	tt net -- create net-j1 net-j2 --org acme --json
	want_rc 0
	python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
assert [t["name"] for t in a] == ["net-j1", "net-j2"], a
assert all(t["token"] and t["id"] for t in a)
' "$T/run/stdout" || fail "--json with two names is not an array of both"
	tt net -- revoke net-j1 net-j2
}

# The server closes after the first answer: the next name reconnects.
c_net_reconnect() {
	tt net -- create fault-close.r net-after --org acme
	want_rc 0
	[ "$(wc -l < "$T/run/stdout")" -eq 2 ] || fail "want 2 token lines"
	local c
	c=$(conns_of net fault-close.r net-after)
	set -- $c
	[ "$1" != "$2" ] || fail "no new connection after Connection: close ($c)"
	tt net -- revoke net-after
}

# A failure in the middle stops the run; what was made stays made.
c_net_stop_at_failure() {
	tt net -- create net-s1 --org acme --out "$N/s1"
	tt net -- create net-s0 net-s1 net-s2 --org acme --json
	want_rc 9
	python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
assert [t["name"] for t in a] == ["net-s0"], a
' "$T/run/stdout" || fail "stdout is not the array of what was made"
	seen net 'len(creates("net-s2")) == 0'
	tt net -- revoke net-s0 net-s1
}

# tc SERVER [VAR=VALUE ...] -- ARG...: tt with the clock test build.
tc() {
	local real=$BIN
	BIN=$CLOCK_BIN
	tt "$@"
	BIN=$real
}

c_clock_floor_ok() {
	tc net TT_TEST_NOW=0 -- create net-1970 --org acme
	want_rc 0
	want_token
	want_err 'clock is before .*build date'
	[ "$(grep -c 'build date' "$T/run/stderr")" -eq 1 ] ||
	    fail "the clock warning is not said exactly once"
}

c_clock_now_no_warning() {
	tc net -- create net-now --org acme
	want_rc 0
	want_no_err 'build date'
}

c_clock_floor_notyet() {
	tc notyet TT_TEST_NOW=0 -- create net-notyet --org acme
	bad 5
}

c_clock_floor_expired() {
	tc expired TT_TEST_NOW=0 -- create net-expired --org acme
	bad 5
}

# The test build's clock is honoured: a clock far ahead expires the cert.
c_clock_hook_works() {
	tc net TT_TEST_NOW=4102444800 -- create net-2100 --org acme
	bad 5
	want_err 'expired'
}

c_settings_json() {
	local cfg=$N/cfg xdg=$N/xdg home=$N/home
	mkdir -p "$cfg" "$xdg/turso" "$home/.config/turso"
	conn net
	printf '{"config":{},"token":"%s","username":"me"}\n' "$ADMIN" \
	    > "$cfg/settings.json"
	run TURSO_CONFIG_FOLDER="$cfg" -- "${CONN[@]}" validate
	want_rc 0
	printf '{"token":"%s"}' "$ADMIN" > "$xdg/turso/settings.json"
	env -i PATH=/usr/bin:/bin XDG_CONFIG_HOME="$xdg" HOME=/nonexistent \
	    "$BIN" "${CONN[@]}" validate > "$T/run/stdout" 2> "$T/run/stderr"
	RC=$?
	check_secrets
	want_rc 0
	printf '{"token":"%s"}' "$ADMIN" > "$home/.config/turso/settings.json"
	env -i PATH=/usr/bin:/bin HOME="$home" "$BIN" "${CONN[@]}" validate \
	    > "$T/run/stdout" 2> "$T/run/stderr"
	RC=$?
	check_secrets
	want_rc 0
	# The environment wins over the file.
	run TURSO_CONFIG_FOLDER="$cfg" TURSO_API_TOKEN="$WRONG" -- "${CONN[@]}" validate
	bad 7
}

c_settings_malformed() {
	local cfg=$N/bad
	mkdir -p "$cfg"
	conn net
	printf '{"token": ' > "$cfg/settings.json"
	run TURSO_CONFIG_FOLDER="$cfg" -- "${CONN[@]}" validate
	bad 3
	want_err 'settings.json'
	printf '{"token": 42}' > "$cfg/settings.json"
	run TURSO_CONFIG_FOLDER="$cfg" -- "${CONN[@]}" validate
	bad 3
	want_err 'no "token" string'
	rm "$cfg/settings.json"
	run TURSO_CONFIG_FOLDER="$cfg" -- "${CONN[@]}" validate
	bad 3
	want_err 'no credential'
}

# An empty root: no /etc/resolv.conf.  A name fails clearly; --resolve works.
c_net_no_resolver() {
	local root=$N/root p=${PORT[net]} chroot
	chroot=$(command -v chroot)
	mkdir -p "$root"
	cp "$BIN" "$root/turso-token"
	cp "$CA" "$root/ca.pem"
	env -i TURSO_API_TOKEN="$ADMIN" "$chroot" "$root" /turso-token \
	    --api-url "https://api.turso.tech:$p" --cacert /ca.pem \
	    create net-nodns --org acme > "$T/run/stdout" 2> "$T/run/stderr"
	RC=$?
	check_secrets
	bad 4
	want_err 'resolv.conf'
	want_err '--resolve api.turso.tech'
	env -i TURSO_API_TOKEN="$ADMIN" "$chroot" "$root" /turso-token \
	    --api-url "https://api.turso.tech:$p" --cacert /ca.pem \
	    --resolve "api.turso.tech:$p:127.0.0.1" create net-nodns --org acme \
	    > "$T/run/stdout" 2> "$T/run/stderr"
	RC=$?
	check_secrets
	want_rc 0
	want_token
}

tcase "addresses: stand-in on ::1 only" c_net_v6_only
tcase "addresses: refused, then silent, then live --resolve entries" c_net_dead_addresses
tcase "retry: GET 503 then 200, Retry-After honoured" c_net_retry_get
tcase "retry: DELETE 429 twice then 200" c_net_retry_429
tcase "retry: exhausted -> 11, says how many attempts" c_net_retry_exhausted
tcase "retry: a create that reached the server is never repeated" c_net_post_not_repeated
tcase "retry: a create whose connect failed is retried" c_net_post_connect_retry
tcase "several names: one connection for creates and revokes" c_net_one_connection
tcase "several names: --json is one array" c_net_json_array
tcase "several names: reconnect after Connection: close" c_net_reconnect
tcase "several names: stop at the first failure" c_net_stop_at_failure
if [ -n "$CLOCK_BIN" ] && [ -x "$CLOCK_BIN" ]; then
	tcase "clock: before the build date -> floor, one warning" c_clock_floor_ok
	tcase "clock: a correct clock gives no warning" c_clock_now_no_warning
	tcase "clock: not yet valid at the floor -> 5" c_clock_floor_notyet
	tcase "clock: expired -> 5 even with the floor" c_clock_floor_expired
	tcase "clock: the test clock is honoured (2100 -> expired)" c_clock_hook_works
else
	c_clock_missing() { fail "E2E_CLOCK_BIN does not name the clock test build"; }
	tcase "clock: the clock test build is given (E2E_CLOCK_BIN)" c_clock_missing
fi
tcase "config: the Turso CLI's settings.json, three places" c_settings_json
tcase "config: malformed or tokenless settings.json -> 3" c_settings_malformed
if [ -z "$NOCHROOT" ]; then
	tcase "DNS: no resolv.conf -> 4 suggesting --resolve; with it, works" c_net_no_resolver
else
	skip "DNS: no resolv.conf" "$NOCHROOT"
fi
