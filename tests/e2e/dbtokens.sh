# dbtokens.sh - sourced by run.sh: database and group credentials, their
# rotation, and the env file an init container writes.  The stand-in
# checks each query and body against the spec.

start dbs good
await dbs
D=$T/dbs
mkdir -p "$D"

# dbreq EXPR: the last request the dbs stand-in saw satisfies EXPR (r).
dbreq() {
	seen dbs "(lambda r: $1)(R[-1])"
}

c_db_token_plain() {
	tt dbs -- db-token acme app-db
	want_rc 0
	want_token
	dbreq 'r["method"] == "POST" and r["path"] == "/v1/organizations/acme/databases/app-db/auth/tokens"'
	dbreq 'r["query"] == {"authorization": ["full-access"]} and r["body_len"] == 0'
}

c_db_token_options() {
	tt dbs -- db-token acme app-db --expiration 2w1d30m --read-only \
	    --attach other-db,third --attach fourth
	want_rc 0
	want_token
	dbreq 'r["query"] == {"expiration": ["2w1d30m"], "authorization": ["read-only"]}'
	dbreq 'r["body_json"] == {"permissions": {"read_attach": {"databases": ["other-db", "third", "fourth"]}}}'
	dbreq 'hdr(r, "content-type") == "application/json"'
}

c_group_token() {
	tt dbs -- group-token acme default --expiration never
	want_rc 0
	want_token
	dbreq 'r["path"] == "/v1/organizations/acme/groups/default/auth/tokens" and r["query"]["expiration"] == ["never"]'
}

c_db_unknown() {
	tt dbs -- db-token acme missing-db
	bad 8
	want_err 'not found'
}

c_db_bad_expiration_local() {
	local n
	n=$(nreq dbs)
	tt dbs -- db-token acme app-db --expiration 2x
	bad 2
	want_err 'expiration'
	[ "$(nreq dbs)" = "$n" ] || fail "a request was sent for a bad expiration"
}

c_db_bad_expiration_server() {
	ctl dbs /_mock/fault '{"mode":"fault-400","count":1,"method":"POST"}' > /dev/null
	tt dbs -- db-token acme app-db --expiration 1w
	bad 1
	want_err '400'
}

c_db_env_file() {
	printf 'KEEP=me\n' > "$D/db.env"
	tt dbs -- db-token acme app-db --env-file "$D/db.env" \
	    --url-env TURSO_DATABASE_URL
	want_rc 0
	want_empty
	want_file_mode "$D/db.env" 600
	python3 - "$D/db.env" <<'EOF' || fail "db.env is not KEEP, token, URL"
import re, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[0] == "KEEP=me", lines
assert re.fullmatch(r"TURSO_DATABASE_TOKEN=eyJ[!-~]+", lines[1]), lines
assert lines[2] == "TURSO_DATABASE_URL=libsql://app-db-acme.turso.io", lines
assert lines[3:] == [""], lines
EOF
	seen dbs '[r["method"] for r in R[-2:]] == ["GET", "POST"] and R[-2]["path"] == "/v1/organizations/acme/databases/app-db" and R[-2]["conn"] == R[-1]["conn"]'
	tt dbs -- group-token acme default --env-file "$D/db.env"
	want_rc 0
	grep -qE '^TURSO_GROUP_TOKEN=eyJ' "$D/db.env" || fail "no TURSO_GROUP_TOKEN line"
	tt dbs -- db-token acme app-db --env-file "$D/db.env" --env-key APP_DB_TOKEN
	want_rc 0
	grep -qE '^APP_DB_TOKEN=eyJ' "$D/db.env" || fail "--env-key ignored"
}

c_db_url_env_missing_db() {
	tt dbs -- db-token acme missing-db --env-file "$D/m.env" \
	    --url-env TURSO_DATABASE_URL
	bad 8
	want_err 'database "acme/missing-db"'
	dbreq 'r["method"] == "GET" and r["path"] == "/v1/organizations/acme/databases/missing-db"'
	[ ! -e "$D/m.env" ] || fail "an env file was written for a missing database"
}

c_db_usage() {
	usage db-token acme
	usage db-token acme app-db --url-env URL
	usage group-token acme default --url-env URL --env-file "$D/x.env"
	usage db-token acme app-db --json
	usage db-token acme app-db --scope read
	usage rotate-db-creds acme
}

c_db_store_fail() {
	head -c 300000 /dev/zero | tr '\0' '#' > "$D/big.env"
	tt dbs -- db-token acme app-db --env-file "$D/big.env"
	bad 12
	want_err 'cannot be revoked alone.*rotate-db-creds acme app-db'
	seen dbs 'not any(r["method"] == "DELETE" for r in R)'
}

c_rotate_creds_needs_yes() {
	local n
	n=$(nreq dbs)
	tt dbs -- rotate-db-creds acme app-db
	bad 2
	want_err '--yes'
	[ "$(nreq dbs)" = "$n" ] || fail "rotated without confirmation"
	tt dbs -- rotate-db-creds acme app-db --yes --audit-log "$D/audit"
	want_rc 0
	want_empty
	dbreq 'r["method"] == "POST" and r["path"] == "/v1/organizations/acme/databases/app-db/auth/rotate"'
	grep -q '"event":"rotated","tokenName":"acme/app-db"' "$D/audit" ||
	    fail "no audit line for the rotation"
	tt dbs -- rotate-group-creds acme default --yes
	want_rc 0
	dbreq 'r["path"] == "/v1/organizations/acme/groups/default/auth/rotate"'
	tt dbs -- rotate-group-creds acme missing-group --yes
	bad 8
}

# On a terminal the rotation asks; "yes" goes on, anything else does not.
c_rotate_creds_terminal() {
	local p=${PORT[dbs]} n cmd
	conn dbs
	cmd="env -i TURSO_API_TOKEN=$ADMIN $BIN ${CONN[*]} rotate-db-creds acme app-db"
	n=$(nreq dbs)
	printf 'no\n' | script -qec "$cmd" /dev/null > "$D/tty.out" 2>&1
	RC=$?
	want_rc 2
	grep -q 'Type yes' "$D/tty.out" || fail "no question on the terminal"
	[ "$(nreq dbs)" = "$n" ] || fail "rotated after \"no\""
	printf 'yes\n' | script -qec "$cmd" /dev/null > "$D/tty.out" 2>&1
	RC=$?
	want_rc 0
	dbreq 'r["path"].endswith("/databases/app-db/auth/rotate")'
	grep -qF "$ADMIN" "$D/tty.out" && fail "the credential reached the terminal"
}

tcase "db-token: default query, no body" c_db_token_plain
tcase "db-token: --expiration, --read-only, --attach -> query and body" c_db_token_options
tcase "group-token: the group endpoint" c_group_token
tcase "db-token: unknown database -> 8" c_db_unknown
tcase "db-token: bad --expiration -> 2, nothing sent" c_db_bad_expiration_local
tcase "db-token: server refuses the expiration (400) -> 1" c_db_bad_expiration_server
tcase "db-token: --env-file with --url-env, defaults keys, --env-key" c_db_env_file
tcase "db-token: --url-env for a missing database -> 8, nothing minted" c_db_url_env_missing_db
tcase "db-token: usage errors -> 2" c_db_usage
tcase "db-token: store failure -> 12 naming rotate-db-creds" c_db_store_fail
tcase "rotate-*-creds: --yes needed off a terminal; rotation; 404" c_rotate_creds_needs_yes
if command -v script >/dev/null 2>&1; then
	tcase "rotate-db-creds: asks on a terminal" c_rotate_creds_terminal
else
	skip "rotate-db-creds: asks on a terminal" "no script(1)"
fi
