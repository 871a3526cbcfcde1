# lifecycle.sh - sourced by run.sh: the token lifecycle (list, validate,
# revoke, rotate) and where a new token goes (--out, --env-file,
# --audit-log), against a stand-in of its own so that its token list is
# known exactly.  Uses run.sh's runner and assertions.

start life good
await life
L=$T/life
mkdir -p "$L"
GOLDEN=$HERE/golden

# The token list as the stand-in holds it, names only, sorted.
server_names() {
	ctl life /_mock/tokens | python3 -c '
import json, sys
print(" ".join(sorted(t["name"] for t in json.load(sys.stdin))))'
}

# want_file_mode FILE MODE
want_file_mode() {
	local m
	m=$(stat -c %a "$1" 2>/dev/null)
	[ "$m" = "$2" ] || fail "$1 has mode ${m:-none}, want $2"
}

# The whole story: create -> list -> validate with it -> rotate -> revoke.
c_lc_story() {
	tt life -- create lc-app --org acme --out "$L/app.tok"
	want_rc 0
	want_empty
	want_file_mode "$L/app.tok" 600
	tt life -- list
	want_rc 0
	grep -qE '^lc-app +acme +' "$T/run/stdout" ||
	    fail "list does not show lc-app in acme"
	run -- "${CONN[@]}" --token-file "$L/app.tok" validate
	want_rc 0
	grep -qxE 'valid, expires [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z' \
	    "$T/run/stdout" || fail "validate with the new token: bad output"
	tt life -- rotate lc-app --org acme --out "$L/app2.tok" --revoke-old
	want_rc 0
	want_empty
	want_err 'rotated "lc-app" to "lc-app-[0-9]{10}"; revoked 1 old token$'
	seen life '[r["auth"] for r in R if r["path"] == "/v1/auth/validate"][-1].startswith("created:lc-app-")'
	seen life 'R[-1]["method"] == "DELETE" and R[-1]["segments"][-1] == "lc-app"'
	local names new
	names=$(server_names)
	case " $names " in
	*" lc-app "*) fail "the old token survived the rotation" ;;
	esac
	new=$(printf '%s\n' $names | grep -E '^lc-app-[0-9]{10}$')
	[ -n "$new" ] || fail "no rotated token on the server"
	run -- "${CONN[@]}" --token-file "$L/app2.tok" validate
	want_rc 0
	tt life -- revoke "$new"
	want_rc 0
	want_empty
	tt life -- list
	want_rc 0
	! grep -q '^lc-app' "$T/run/stdout" || fail "list still shows lc-app"
}

# want_golden NAME: stdout, dates replaced, equals golden/NAME.
want_golden() {
	sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/YYYY-MM-DD/' "$T/run/stdout" \
	    > "$L/$1"
	diff -u "$GOLDEN/$1" "$L/$1" > "$L/$1.diff" ||
	    fail "output differs from golden/$1: $(head -c 600 "$L/$1.diff" | tr '\n' '|')"
}

# The table, against a golden file (dates replaced).
c_lc_list_golden() {
	ctl life /_mock/reset '{"tokens":true}' > /dev/null
	tt life -- create gold-all --print --out "$L/g1" -q
	tt life -- create gold-org --org acme --out "$L/g2"
	tt life -- create gold-ro --org acme --group default --read-only --out "$L/g3"
	tt life -- create gold-fa --org acme --group eu --full-access --out "$L/g4"
	tt life -- create gold-some --org acme --group eu --scope db:mint-token \
	    --scope db:create --scope read --out "$L/g5"
	want_rc 0
	tt life -- list
	want_rc 0
	want_golden list.txt
	tt life -- list --org acme
	want_rc 0
	want_golden list-org.txt
	tt life -- list --json
	want_rc 0
	python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
assert [t["name"] for t in a] == ["gold-all", "gold-org", "gold-ro",
    "gold-fa", "gold-some"], a
assert a[2]["scopes"] == ["read"] and "token" not in a[0]
' "$T/run/stdout" || fail "list --json is not the API array"
}

c_lc_list_many() {
	ctl life /_mock/reset '{"tokens":true}' > /dev/null
	ctl life /_mock/bulk '{"count":5000,"prefix":"many"}' > /dev/null
	tt life -- list
	want_rc 0
	[ "$(grep -c '^many-' "$T/run/stdout")" -eq 5000 ] ||
	    fail "list of 5000 tokens printed $(grep -c '^many-' "$T/run/stdout") rows"
	want_quick 5000
}

c_lc_list_too_many() {
	ctl life /_mock/bulk '{"count":12000,"prefix":"over"}' > /dev/null
	tt life -- list
	bad 6
	want_err 'larger than 1048576 bytes'
	ctl life /_mock/reset '{"tokens":true}' > /dev/null
}

c_lc_validate_admin() {
	tt life -- validate
	want_rc 0
	[ "$(cat "$T/run/stdout")" = "valid, never expires" ] ||
	    fail "validate of the admin credential: $(head -c 80 "$T/run/stdout")"
	tt life -- validate --json
	want_rc 0
	[ "$(cat "$T/run/stdout")" = '{"valid":true,"exp":-1,"expires":null}' ] ||
	    fail "validate --json: $(head -c 80 "$T/run/stdout")"
}

c_lc_validate_rejected() {
	conn life
	run TURSO_API_TOKEN="$WRONG" -- "${CONN[@]}" validate
	bad 7
	want_err 'rejected'
}

c_lc_revoke_unknown() {
	tt life -- revoke lc-never-made
	bad 8
	want_err 'not found'
	tt life -- revoke lc-never-made --force
	want_rc 0
	want_empty
}

c_lc_revoke_many() {
	tt life -- create lc-m1 --org acme --out "$L/m1"
	tt life -- create lc-m2 --org acme --out "$L/m2"
	tt life -- revoke lc-m1 lc-m2
	want_rc 0
	case " $(server_names) " in
	*" lc-m1 "*|*" lc-m2 "*) fail "a token survived revoke lc-m1 lc-m2" ;;
	esac
}

c_lc_revoke_by_id() {
	tt life -- create lc-org --org acme --json --print --out "$L/org.tok"
	want_rc 0
	local id
	id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/run/stdout")
	tt life -- revoke --org acme --id "$id"
	want_rc 0
	seen life "R[-1]['method'] == 'DELETE' and R[-1]['segments'] == ['v1', 'organizations', 'acme', 'api-tokens', '$id']"
	tt life -- revoke --org acme --id "$id"
	bad 8
}

# --out: 0600 whatever the umask, never through a symlink, never over a
# file without --force; a refused sink creates nothing.
c_lc_out_rules() {
	(umask 000 && tt life -- create lc-umask --org acme --out "$L/umask.tok")
	want_file_mode "$L/umask.tok" 600
	echo keep > "$L/target"
	ln -s "$L/target" "$L/link"
	tt life -- create lc-link --org acme --out "$L/link"
	bad 3
	want_err 'symbolic link'
	[ "$(cat "$L/target")" = keep ] || fail "the symlink's target changed"
	seen life 'len(creates("lc-link")) == 0'
	tt life -- create lc-link --org acme --out "$L/link" --force
	bad 3
	echo old > "$L/exists"
	tt life -- create lc-exists --org acme --out "$L/exists"
	bad 3
	want_err 'already exists'
	[ "$(cat "$L/exists")" = old ] || fail "an existing file was replaced"
	seen life 'len(creates("lc-exists")) == 0'
	tt life -- create lc-exists --org acme --out "$L/exists" --force
	want_rc 0
	LC_ALL=C grep -qxE '[!-~]{16,}' "$L/exists" ||
	    fail "--force did not put the token in place"
	want_file_mode "$L/exists" 600
	ls -A "$L" | grep -q '^\.' && fail "a temporary file was left behind"
	tt life -- create lc-print --org acme --out "$L/print.tok" --print
	want_rc 0
	want_token
	cmp -s "$T/run/stdout" "$L/print.tok" || fail "--print and --out differ"
}

# --env-file keeps every other line byte for byte.
c_lc_env_file() {
	printf '# settings\r\nDB_URL=libsql://x\nexport TURSO_API_TOKEN_LC_ENV=old\n\nOTHER=1' \
	    > "$L/.env"
	tt life -- create lc-env --org acme --env-file "$L/.env"
	want_rc 0
	want_empty
	want_file_mode "$L/.env" 600
	python3 - "$L/.env" <<'EOF' || fail "env file: other lines changed or value wrong"
import re, sys
data = open(sys.argv[1], "rb").read()
lines = data.split(b"\n")
assert lines[0] == b"# settings\r" and lines[1] == b"DB_URL=libsql://x", lines
assert re.fullmatch(rb"export TURSO_API_TOKEN_LC_ENV=[!-~]{16,}", lines[2]), lines[2]
assert lines[3] == b"" and lines[4] == b"OTHER=1" and len(lines) == 5, lines
EOF
	tt life -- create lc-env2 --org acme --env-file "$L/.env" --env-key MY_TOKEN
	want_rc 0
	tail -n 1 "$L/.env" | grep -qE '^MY_TOKEN=[!-~]{16,}$' ||
	    fail "--env-key: no MY_TOKEN line appended"
	head -c 12 "$L/.env" | grep -q '^# settings' || fail "env file head changed"
}

# big_env FILE: a dotenv file over the 256 KiB the upsert reads, so the
# sink passes the checks made before the create and fails after it.
big_env() {
	head -c 300000 /dev/zero | tr '\0' '#' > "$1"
}

# A sink missing its directory is refused before anything is created.
c_lc_sink_precheck() {
	tt life -- create lc-nodir --org acme --out "$L/no/such/dir/tok"
	bad 3
	want_err 'no/such/dir/tok: cannot write: open directory'
	seen life 'len(creates("lc-nodir")) == 0'
}

# A sink that fails after the token exists: revoked (12), or named (13).
c_lc_store_fail_revoked() {
	big_env "$L/big12.env"
	tt life -- create lc-lost12 --org acme --env-file "$L/big12.env"
	bad 12
	want_err 'lc-lost12.*revoked'
	seen life '[r["method"] for r in R if r["segments"][-1:] == ["lc-lost12"]] == ["POST", "DELETE"]'
	case " $(server_names) " in
	*" lc-lost12 "*) fail "the unstored token is still alive" ;;
	esac
}

# A directory the user may not write to: the binary runs as nobody, with
# the CA in a place nobody can read.
c_lc_store_fail_unwritable() {
	local pub
	pub=$(mktemp -d "${TMPDIR:-/tmp}/turso-pub.XXXXXX")
	chmod 755 "$pub"
	cp "$CA" "$pub/ca.pem"
	chmod 644 "$pub/ca.pem"
	mkdir "$pub/locked"
	chmod 555 "$pub/locked"
	conn life
	CONN[${#CONN[@]}-1]=$pub/ca.pem
	# As root the directory's mode would not stop us: run as nobody.
	env -i PATH=/usr/bin:/bin TURSO_API_TOKEN="$ADMIN" setpriv \
	    --reuid=nobody --regid=nogroup --clear-groups "$BIN" "${CONN[@]}" \
	    create lc-locked2 --org acme --out "$pub/locked/tok" \
	    > "$T/run/stdout" 2> "$T/run/stderr"
	RC=$?
	check_secrets
	bad 12
	want_err 'lc-locked2.*could not be stored.*Permission denied.*revoked'
	[ ! -e "$pub/locked/tok" ] || fail "a file appeared in the locked dir"
	seen life '[r["method"] for r in R if r["segments"][-1:] == ["lc-locked2"]] == ["POST", "DELETE"]'
	rm -rf "$pub"
}

c_lc_store_fail_lost() {
	ctl life /_mock/fault '{"mode":"fault-500","count":1,"method":"DELETE"}' > /dev/null
	big_env "$L/big13.env"
	tt life -- create lc-lost13 --org acme --env-file "$L/big13.env"
	bad 13
	want_err 'revoke token "lc-lost13" by hand'
	tt life -- revoke lc-lost13
	want_rc 0
}

c_lc_audit() {
	local a=$L/audit.log
	tt life -- create lc-aud --org acme --out "$L/aud.tok" --audit-log "$a" \
	    --by ci-bot --purpose "nightly deploy"
	want_rc 0
	tt life LOGNAME=alice -- rotate lc-aud --org acme --out "$L/aud2.tok" \
	    --revoke-old --audit-log "$a"
	want_rc 0
	want_file_mode "$a" 600
	python3 - "$a" "$L/aud.tok" "$L/aud2.tok" <<'EOF' || fail "audit log wrong"
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
recs = [json.loads(l) for l in lines]
keys = ["event", "tokenName", "tokenId", "createdAt", "createdBy", "purpose"]
assert all(list(r) == keys for r in recs), recs
assert [r["event"] for r in recs] == ["created", "rotated", "revoked"], recs
assert recs[0]["tokenName"] == "lc-aud" and recs[0]["createdBy"] == "ci-bot"
assert recs[0]["purpose"] == "nightly deploy" and recs[0]["tokenId"]
assert re.fullmatch(r"lc-aud-\d{10}", recs[1]["tokenName"])
assert recs[1]["createdBy"] == "alice" and recs[2]["tokenName"] == "lc-aud"
assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["createdAt"])
           for r in recs)
text = open(sys.argv[1]).read()
for f in sys.argv[2:]:
    tok = open(f).read().strip()
    assert tok and tok not in text, "a token is in the audit log"
EOF
}

# The server made the token but its answer is unusable: it is revoked.
c_lc_created_unusable() {
	tt life -- create fault-stored-bad.x --org acme
	bad 12
	want_err 'not all printable ASCII.*may have been created all the same, so it has been revoked'
	seen life '[r["method"] for r in R if r["segments"][-1:] == ["fault-stored-bad.x"]] == ["POST", "DELETE"]'
	case " $(server_names) " in
	*" fault-stored-bad.x "*) fail "the unusable token is still alive" ;;
	esac
}

# Rotated from cron: each run revokes NAME and the earlier NAME-<seconds>,
# so exactly one token is left, the newest.
c_lc_rotate_chain() {
	ctl life /_mock/reset '{"tokens":true}' > /dev/null
	tt life -- create lc-cron --org acme --out "$L/cron.tok"
	tt life -- rotate lc-cron --org acme --out "$L/cron.tok" --force --revoke-old
	want_rc 0
	want_err 'revoked 1 old token$'
	sleep 1.1
	tt life -- rotate lc-cron --org acme --out "$L/cron.tok" --force --revoke-old
	want_rc 0
	want_err 'revoked 1 old token$'
	local names
	names=$(server_names)
	[[ $names =~ ^lc-cron-[0-9]{10}$ ]] ||
	    fail "after two rotations the server holds: $names"
	run -- "${CONN[@]}" --token-file "$L/cron.tok" validate
	want_rc 0
}

# stdout is the only sink: the new token is printed before it is checked,
# so a failed check never loses it.
c_lc_rotate_validate_fails() {
	tt life -- create lc-val --org acme --out "$L/val.tok"
	ctl life /_mock/fault '{"mode":"fault-503","count":5,"method":"GET"}' > /dev/null
	tt life -- rotate lc-val --org acme --revoke-old --retry 0
	want_rc 11
	want_token
	want_err 'rotate: validating the new token failed.*delivered.*old token is untouched'
	ctl life /_mock/reset '{}' > /dev/null
	case " $(server_names) " in
	*" lc-val "*) ;;
	*) fail "the old token is gone after a failed validation" ;;
	esac
}

# Rotation fails before anything changes: the old token stays.
c_lc_rotate_create_fails() {
	tt life -- create lc-keep --org acme --out "$L/keep.tok"
	ctl life /_mock/fault '{"mode":"fault-503","count":1,"method":"POST"}' > /dev/null
	tt life -- rotate lc-keep --org acme --revoke-old --out "$L/keep2.tok"
	bad 11
	want_err 'rotate: creating the new token failed.*old token is untouched'
	case " $(server_names) " in
	*" lc-keep "*) ;;
	*) fail "the old token is gone after a failed rotation" ;;
	esac
	[ ! -e "$L/keep2.tok" ] || fail "a failed rotation wrote --out"
}

tcase "lifecycle: create, list, validate, rotate, revoke" c_lc_story
tcase "list: table and --org table match golden files, --json is the array" c_lc_list_golden
tcase "list: 5000 tokens" c_lc_list_many
tcase "list: a response over the body cap -> 6" c_lc_list_too_many
tcase "validate: never-expiring credential, --json" c_lc_validate_admin
tcase "validate: rejected credential -> 7" c_lc_validate_rejected
tcase "revoke: unknown -> 8, with --force -> 0" c_lc_revoke_unknown
tcase "revoke: several names" c_lc_revoke_many
tcase "revoke --org --id" c_lc_revoke_by_id
tcase "--out: 0600, no symlink, no overwrite without --force, --print" c_lc_out_rules
tcase "--env-file: upsert keeps other lines, --env-key" c_lc_env_file
tcase "a sink without its directory -> 3, nothing created" c_lc_sink_precheck
tcase "store failure -> token revoked, 12" c_lc_store_fail_revoked
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	tcase "store failure in an unwritable directory -> revoked, 12" c_lc_store_fail_unwritable
else
	skip "store failure in an unwritable directory" "needs root and setpriv"
fi
tcase "store and revoke failure -> 13, token named" c_lc_store_fail_lost
tcase "audit log: JSON lines, no secret, 0600" c_lc_audit
tcase "rotate: a failed create leaves the old token" c_lc_rotate_create_fails
tcase "rotate: from cron, each run leaves one token" c_lc_rotate_chain
tcase "create: an unusable 2xx answer -> the token is revoked, 12" c_lc_created_unusable
tcase "rotate: a failed check still delivers the new token" c_lc_rotate_validate_fails
