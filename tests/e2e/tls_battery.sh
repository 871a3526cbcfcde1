#!/usr/bin/env bash
# tls_battery.sh [BINARY] - bad certificates and weak servers, refused;
# good chains of every supported shape, accepted.
#
# Every certificate is made here, at run time, with openssl(1).  A
# certificate case is served by the stand-in (tests/mock/server.py, real
# TLS from Python's ssl), so an accepted case ends in a real create and a
# refused one is checked on the server's side too: the handshake failed
# and no request (so no credential) ever arrived.  Weak certificates
# (SHA-1, MD5, RSA-1024) are served with --ciphers 'DEFAULT:@SECLEVEL=0',
# since OpenSSL 3 will not load them otherwise; a SHA-256 RSA-2048 leaf
# served the same way is the control that the setting itself passes.
# Old protocol versions and CBC-only or static-RSA-only suites are served
# by `openssl s_server -rev`, which Python's ssl cannot be made to do
# alone; openssl s_client first proves each one really offers what the
# case says, and one s_server with a modern suite is the control: our
# client gets through TLS to the HTTP level ("does not start with a
# status line", since -rev answers with text, exit 6).
#
# Refused means exit 5, nothing on stdout and the reason on stderr.  Before
# each refused certificate is served, `openssl verify` checks that it is
# sound apart from the one defect the case is about, so a case cannot pass
# because the test made a broken certificate.
#
# Prints "ok - NAME" / "not ok - NAME", each followed by "#" lines (the
# exit status and first stderr line; for a failure, why), and ends with
# "N passed, N failed"; exits 1 if any case failed.
# Environment: TLS_ONLY=REGEX runs only the matching cases; TLS_KEEP=1
# keeps the temporary directory.
set -u

BIN=${1:-./turso-token}
HERE=$(cd "$(dirname "$0")" && pwd)
MOCK=$HERE/../mock
ONLY=${TLS_ONLY:-}
PASS=0
FAIL=0


. "$HERE/lib.sh"
e2e_setup tls "${TLS_KEEP:-0}"

[ -x "$BIN" ] || bail "no executable binary at $BIN"
command -v python3 >/dev/null || bail "python3 not found"
command -v openssl >/dev/null || bail "openssl not found"

ADMIN=tlsadmin$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$ADMIN" > "$T/admin"
chmod 600 "$T/admin"
mkdir -p "$T/pki" "$T/run" "$T/home"

# --- the PKI ---------------------------------------------------------------

P=$T/pki
cat > "$P/openssl.cnf" <<'EOF'
[ ca ]
default_ca = ca_default

[ ca_default ]
dir = $ENV::CADIR
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
preserve = yes

[ policy_any ]
commonName = supplied

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

# Everything an intermediate needs except being a CA.
[ v3_notca ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ v3_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN

[ v3_self ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = $ENV::SAN
EOF

# openssl reads every $ENV:: reference on load, whatever the command.
SAN=DNS:unused
CADIR=.
export SAN CADIR

ca_start=20000101000000Z
ca_end=20491231235959Z
now_start=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
now_end=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)

# key TYPE FILE: rsa1024 rsa2048 rsa4096 ec256 ec384.
key() {
	case $1 in
	rsa*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${1#rsa}" \
	    -out "$2" 2>/dev/null ;;
	ec256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$2" 2>/dev/null ;;
	ec384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 \
	    -out "$2" 2>/dev/null ;;
	esac
}

# root NAME KEYTYPE: self-signed CA NAME.pem (key NAME.key, db-NAME/).
root() {
	mkdir -p "$P/db-$1"
	: > "$P/db-$1/index.txt"
	echo 01 > "$P/db-$1/serial"
	key "$2" "$P/$1.key"
	openssl req -new -config "$P/openssl.cnf" -key "$P/$1.key" \
	    -subj "/O=turso-token tls battery/CN=$1" -out "$P/db-$1/$1.csr" &&
	CADIR=$P/db-$1 openssl ca -batch -config "$P/openssl.cnf" -selfsign \
	    -keyfile "$P/$1.key" -in "$P/db-$1/$1.csr" -out "$P/$1.pem" \
	    -notext -rand_serial -extensions v3_ca -startdate "$ca_start" \
	    -enddate "$ca_end" 2>/dev/null
}

# cert NAME ISSUER KEYTYPE EXT SAN [START END [MD]]: NAME.crt and NAME.key
# signed by ISSUER; with EXT v3_ca or v3_notca NAME can issue in turn.
cert() {
	local name=$1 iss=$2 kt=$3 ext=$4 san=$5 start=${6:-$now_start} \
	    end=${7:-$now_end} md=${8:-sha256} cn
	cn=${san%%,*}
	cn=${cn#DNS:}
	key "$kt" "$P/$name.key"
	openssl req -new -config "$P/openssl.cnf" -key "$P/$name.key" \
	    -subj "/CN=$cn" -out "$P/db-$iss/$name.csr" &&
	SAN=$san CADIR=$P/db-$iss openssl ca -batch -config "$P/openssl.cnf" \
	    -cert "$P/$iss.pem" -keyfile "$P/$iss.key" -md "$md" \
	    -in "$P/db-$iss/$name.csr" -out "$P/$name.crt" -notext \
	    -rand_serial -extensions "$ext" -startdate "$start" \
	    -enddate "$end" 2>/dev/null || return 1
	if [ "$ext" != v3_leaf ]; then
		mkdir -p "$P/db-$name"
		: > "$P/db-$name/index.txt"
		echo 01 > "$P/db-$name/serial"
		cp "$P/$name.crt" "$P/$name.pem"
	fi
}

# chain OUT FILE...: what a server sends, leaf first.
chain() {
	local out=$1
	shift
	(cd "$P" && cat "$@") > "$P/$out.chain"
}

API=DNS:api.turso.tech

mkpki() {
	root root-ec ec256 &&
	root root-ec384 ec384 &&
	root root-rsa rsa2048 &&
	root root-rsa4096 rsa4096 &&
	root root-other ec256 &&
	cert int-ec root-ec ec256 v3_ca DNS:int.invalid &&
	cert int-notca root-ec ec256 v3_notca DNS:notca.invalid &&
	# Refused.
	cert expired root-ec ec256 v3_leaf "$API" 20200101000000Z \
	    20201231235959Z &&
	cert notyet root-ec ec256 v3_leaf "$API" 20480101000000Z \
	    20490101000000Z &&
	cert wronghost root-ec ec256 v3_leaf DNS:wrong.example.com &&
	cert untrusted root-other ec256 v3_leaf "$API" &&
	cert incomplete int-ec ec256 v3_leaf "$API" &&
	cert sha1 root-rsa rsa2048 v3_leaf "$API" "$now_start" "$now_end" sha1 &&
	cert md5 root-rsa rsa2048 v3_leaf "$API" "$now_start" "$now_end" md5 &&
	cert rsa1024 root-rsa rsa1024 v3_leaf "$API" &&
	cert notca-leaf int-notca ec256 v3_leaf "$API" &&
	# Accepted.
	cert rsa2048 root-rsa rsa2048 v3_leaf "$API" &&
	cert rsa4096 root-rsa4096 rsa4096 v3_leaf "$API" &&
	cert p256 root-ec ec256 v3_leaf "$API" &&
	cert p384 root-ec384 ec384 v3_leaf "$API" &&
	cert wildcard root-ec ec256 v3_leaf 'DNS:*.turso.tech' &&
	cert sans1000 root-ec ec256 v3_leaf "$SANS1000" &&
	cert inter int-ec ec256 v3_leaf "$API" || return 1
	# A self-signed leaf for the right name.
	key ec256 "$P/selfsigned.key" &&
	SAN=$API openssl req -new -x509 -config "$P/openssl.cnf" \
	    -key "$P/selfsigned.key" -subj /CN=api.turso.tech -days 30 \
	    -extensions v3_self -out "$P/selfsigned.crt" 2>/dev/null || return 1
	chain expired expired.crt
	chain notyet notyet.crt
	chain wronghost wronghost.crt
	chain selfsigned selfsigned.crt
	chain untrusted untrusted.crt root-other.pem
	chain incomplete incomplete.crt
	chain sha1 sha1.crt
	chain md5 md5.crt
	chain rsa1024 rsa1024.crt
	chain notca notca-leaf.crt int-notca.pem
	chain rsa2048 rsa2048.crt
	chain rsa4096 rsa4096.crt
	chain p256 p256.crt
	chain p384 p384.crt
	chain wildcard wildcard.crt
	chain sans1000 sans1000.crt
	chain inter inter.crt int-ec.pem
	cp "$P/rsa2048.key" "$P/ctl-sha256.key"
	chain ctl-sha256 rsa2048.crt
	local c
	for c in expired notyet wronghost untrusted incomplete sha1 md5 \
	    rsa1024 rsa2048 rsa4096 p256 p384 wildcard sans1000 inter; do
		cp "$P/$c.key" "$P/$c.chain.key" 2>/dev/null
	done
	cp "$P/selfsigned.key" "$P/selfsigned.chain.key"
	cp "$P/notca-leaf.key" "$P/notca.chain.key"
	cp "$P/ctl-sha256.key" "$P/ctl-sha256.chain.key"
}

# 999 other names, then the one we connect to: a verifier that stops
# early, or chokes on a 25 KB extension, fails.
SANS1000=$(for i in $(seq 1 999); do printf 'DNS:host%04d.example.net,' "$i"; done)$API
mkpki > "$T/pki.log" 2>&1 || bail "making the certificates failed (see $T/pki.log)"

# --- servers ---------------------------------------------------------------

declare -A PORT

# start NAME [--ciphers LIST]: the stand-in serving NAME.chain.
start() {
	local name=$1
	shift
	python3 "$MOCK/server.py" --port 0 --quiet \
	    --admin-token-file "$T/admin" --state-log "$T/$name.log" \
	    --cert "$P/$name.chain" --key "$P/$name.chain.key" "$@" \
	    > "$T/$name.out" 2> "$T/$name.err" &
	PIDS+=($!)
}

# await NAME: wait (up to 10 s) for its "PORT n" line.
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

WEAK='DEFAULT:@SECLEVEL=0'
STRONG="expired notyet wronghost selfsigned untrusted incomplete notca
    rsa2048 rsa4096 p256 p384 wildcard sans1000 inter"
for s in $STRONG; do
	start "$s"
done
for s in sha1 md5 rsa1024 ctl-sha256; do
	start "$s" --ciphers "$WEAK"
done
for s in $STRONG sha1 md5 rsa1024 ctl-sha256; do
	await "$s"
done

# sserver NAME CERT KEY OPTION...: openssl s_server -rev on its own port
# for two connections (the s_client probe, then the binary).
sserver() {
	local name=$1 crt=$2 k=$3 _
	shift 3
	openssl s_server -accept 127.0.0.1:0 -naccept 2 -rev \
	    -cert "$P/$crt" -key "$P/$k" "$@" < /dev/null \
	    > "$T/$name.out" 2> "$T/$name.err" &
	PIDS+=($!)
	for _ in $(seq 100); do
		PORT[$name]=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' \
		    "$T/$name.out" 2>/dev/null)
		[ -n "${PORT[$name]}" ] && return 0
		sleep 0.1
	done
	bail "s_server $name did not start (see $T/$name.err)"
}

# --- running and checking --------------------------------------------------

RC=0
FAILS=()

# client PORT CA NAME: create NAME through api.turso.tech:PORT trusting CA.
client() {
	env -i PATH=/usr/bin:/bin LC_ALL=C HOME="$T/home" \
	    TURSO_API_TOKEN="$ADMIN" timeout -k 5 60 "$BIN" \
	    --api-url "https://api.turso.tech:$1" \
	    --resolve "api.turso.tech:$1:127.0.0.1" --cacert "$2" \
	    --connect-timeout 10 --max-time 20 create "$3" --org acme \
	    < /dev/null > "$T/run/stdout" 2> "$T/run/stderr"
	RC=$?
	if grep -qF -- "$ADMIN" "$T/run/stdout" "$T/run/stderr"; then
		fail "the credential appears in the output"
	fi
}

want_token() {
	LC_ALL=C grep -qxE '[!-~]+' "$T/run/stdout" &&
	    [ "$(wc -l < "$T/run/stdout")" -eq 1 ] ||
	    fail "stdout is not one line of printable ASCII (the token)"
}

# seen NAME EXPR: the stand-in's state log satisfies EXPR (reqlog.py).
seen() {
	local out
	out=$(python3 "$HERE/reqlog.py" "$T/$1.log" "$2") ||
	    fail "server: $(printf '%s' "$out" | tr '\n' ';')"
}

# sound WHAT ARG...: openssl verify ARG... succeeds, so the certificate
# is fine apart from the defect under test.
sound() {
	local what=$1
	shift
	openssl verify "$@" > "$T/verify.out" 2>&1 ||
	    fail "setup: openssl verify says the $what is unsound: $(tail -n 1 "$T/verify.out")"
}

# refuse SERVER CA ERE: exit 5, no output, ERE on stderr, and the
# server saw a failed handshake and no request.
refuse() {
	client "${PORT[$1]}" "$P/$2" "tls-$1"
	want_rc 5
	want_empty
	want_err "$3"
	seen "$1" 'len(R) == 0 and len(H) >= 1'
}

# accept SERVER CA [EXPR]: exit 0 with one token, and the server saw one
# create over TLS 1.2 (and EXPR, if given).
accept() {
	client "${PORT[$1]}" "$P/$2" "tls-$1"
	want_rc 0
	want_token
	seen "$1" "len(creates(\"tls-$1\")) == 1 and last(\"tls-$1\")[\"status\"] == 200 and last(\"tls-$1\")[\"tls\"][\"version\"] == \"TLSv1.2\""
	[ $# -ge 3 ] && seen "$1" "$3"
	NOTE="token printed; server saw $(python3 "$HERE/reqlog.py" "$T/$1.log" \
	    "print(last('tls-$1')['tls']['version'], last('tls-$1')['tls']['cipher']) or True")"
}

# probe NAME CA ARG...: openssl s_client connects to s_server NAME with
# ARG... and verifies the chain: the server really offers what the case
# says.  Sets PROTO and CIPHER from what was negotiated.
probe() {
	local name=$1 ca=$2 out
	shift 2
	out=$(openssl s_client -connect "127.0.0.1:${PORT[$name]}" \
	    -servername api.turso.tech -verify_hostname api.turso.tech \
	    -CAfile "$P/$ca" "$@" < /dev/null 2>&1)
	PROTO=$(printf '%s\n' "$out" | sed -n 's/^ *Protocol *: *//p' | head -n 1)
	CIPHER=$(printf '%s\n' "$out" | sed -n 's/^ *Cipher *: *//p' | head -n 1)
	printf '%s\n' "$out" | grep -q 'Verify return code: 0 (ok)' ||
	    fail "setup: s_client could not complete a verified handshake"
}

# sclient_refuse NAME CA ERE WHY: the binary against s_server NAME: exit
# 5 with ERE on stderr; s_server failed that handshake saying WHY (an ERE)
# and established no connection but the probe's.
sclient_refuse() {
	client "${PORT[$1]}" "$P/$2" "tls-$1"
	want_rc 5
	want_empty
	want_err "$3"
	# s_server reports connections on stderr in -rev mode.
	cat "$T/$1.out" "$T/$1.err" > "$T/$1.all"
	if [ "$(grep -c '^CONNECTION ESTABLISHED' "$T/$1.all")" -ne 1 ]; then
		fail "s_server established a connection with the binary"
	fi
	grep -qE -- "$4" "$T/$1.all" ||
	    fail "s_server did not fail the handshake for /$4/"
}

tcase() {
	local name=$1
	shift
	if [ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]]; then
		return
	fi
	FAILS=()
	RC=0
	NOTE=
	: > "$T/run/stdout"
	: > "$T/run/stderr"
	"$@"
	if [ ${#FAILS[@]} -eq 0 ]; then
		echo "ok - $name"
		# What happened, for the record (tests/README.md).
		[ -n "$NOTE" ] || NOTE=$(head -n 1 "$T/run/stderr" |
		    sed -E "s/$ADMIN/[admin]/g" | cat -v)
		printf '#   exit %s: %s\n' "$RC" "$NOTE"
		PASS=$((PASS + 1))
		return
	fi
	echo "not ok - $name"
	local f
	for f in "${FAILS[@]}"; do
		echo "#   $f"
	done
	echo "#   exit $RC; stderr:"
	head -n 3 "$T/run/stderr" | sed -E "s/$ADMIN/[admin]/g" | cat -v |
	    sed 's/^/#     /'
	FAIL=$((FAIL + 1))
}

# --- cases: refused certificates -------------------------------------------

TRUSTED='not signed by a trusted CA'

r_expired() {
	sound "expired leaf" -no_check_time -CAfile "$P/root-ec.pem" \
	    "$P/expired.crt"
	refuse expired root-ec.pem 'expired or is not yet valid'
}
r_notyet() {
	sound "not-yet-valid leaf" -attime "$(date -u -d 2048-06-01 +%s)" \
	    -CAfile "$P/root-ec.pem" "$P/notyet.crt"
	refuse notyet root-ec.pem 'expired or is not yet valid'
}
r_wronghost() {
	sound "wrong-host leaf" -CAfile "$P/root-ec.pem" "$P/wronghost.crt"
	refuse wronghost root-ec.pem 'does not match the host name'
}
r_selfsigned() {
	sound "self-signed leaf" -CAfile "$P/selfsigned.crt" \
	    -verify_hostname api.turso.tech "$P/selfsigned.crt"
	refuse selfsigned root-ec.pem "$TRUSTED"
}
r_untrusted() {
	sound "leaf from another root" -CAfile "$P/root-other.pem" \
	    -verify_hostname api.turso.tech "$P/untrusted.crt"
	refuse untrusted root-ec.pem "$TRUSTED"
}
r_incomplete() {
	sound "leaf under an intermediate" -CAfile "$P/root-ec.pem" \
	    -untrusted "$P/int-ec.pem" -verify_hostname api.turso.tech \
	    "$P/incomplete.crt"
	refuse incomplete root-ec.pem "$TRUSTED"
}
r_sha1() {
	sound "SHA-1 leaf" -auth_level 0 -CAfile "$P/root-rsa.pem" "$P/sha1.crt"
	openssl x509 -in "$P/sha1.crt" -noout -text |
	    grep -q 'Signature Algorithm: sha1WithRSAEncryption' ||
	    fail "setup: the leaf is not signed with SHA-1"
	refuse sha1 root-rsa.pem 'refused algorithm'
}
r_md5() {
	sound "MD5 leaf" -auth_level 0 -CAfile "$P/root-rsa.pem" "$P/md5.crt"
	openssl x509 -in "$P/md5.crt" -noout -text |
	    grep -q 'Signature Algorithm: md5WithRSAEncryption' ||
	    fail "setup: the leaf is not signed with MD5"
	refuse md5 root-rsa.pem 'refused algorithm'
}
r_rsa1024() {
	sound "RSA-1024 leaf" -auth_level 0 -CAfile "$P/root-rsa.pem" \
	    "$P/rsa1024.crt"
	openssl x509 -in "$P/rsa1024.crt" -noout -text |
	    grep -q 'Public-Key: (1024 bit)' ||
	    fail "setup: the leaf key is not RSA-1024"
	refuse rsa1024 root-rsa.pem 'too weak'
}
r_notca() {
	openssl x509 -in "$P/int-notca.pem" -noout -text |
	    grep -q 'CA:FALSE' || fail "setup: the intermediate is not CA:FALSE"
	refuse notca root-ec.pem 'not a CA'
}
c_weak_control() {
	accept ctl-sha256 root-rsa.pem \
	    're.match(r"ECDHE-RSA-.*(GCM|CHACHA20)", last("tls-ctl-sha256")["tls"]["cipher"])'
}

# --- cases: weak servers (openssl s_server) --------------------------------

# None of the client's suites exists below TLS 1.2, so an old-protocol
# server finds no shared cipher and sends handshake_failure (40); one that
# picked a version first would send protocol_version (70) or be refused
# by the client itself.
SERVER_REFUSED='server sent TLS alert (40|70)|does not offer TLS 1.2'

r_tls10() {
	sserver tls10 p256.crt p256.key -tls1 -cipher "$WEAK"
	probe tls10 root-ec.pem -tls1 -cipher "$WEAK"
	[ "$PROTO" = TLSv1 ] || fail "setup: s_client negotiated '$PROTO', want TLSv1"
	sclient_refuse tls10 root-ec.pem "$SERVER_REFUSED" 'no shared cipher|unsupported protocol'
}
r_tls11() {
	sserver tls11 p256.crt p256.key -tls1_1 -cipher "$WEAK"
	probe tls11 root-ec.pem -tls1_1 -cipher "$WEAK"
	[ "$PROTO" = TLSv1.1 ] || fail "setup: s_client negotiated '$PROTO', want TLSv1.1"
	sclient_refuse tls11 root-ec.pem "$SERVER_REFUSED" 'no shared cipher|unsupported protocol'
}
CBC='ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA'
r_cbc() {
	sserver cbc p256.crt p256.key -tls1_2 -cipher "$CBC:@SECLEVEL=0"
	probe cbc root-ec.pem -tls1_2 -cipher "$CBC:@SECLEVEL=0"
	case $CIPHER in
	ECDHE-ECDSA-AES*-SHA*) ;;
	*) fail "setup: s_client negotiated '$CIPHER', want an ECDHE CBC suite" ;;
	esac
	sclient_refuse cbc root-ec.pem "$SERVER_REFUSED" 'no shared cipher'
}
STATIC='AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA'
r_static() {
	sserver static rsa2048.crt rsa2048.key -tls1_2 -cipher "$STATIC:@SECLEVEL=0"
	probe static root-rsa.pem -tls1_2 -cipher "$STATIC:@SECLEVEL=0"
	case $CIPHER in
	AES*) ;;
	*) fail "setup: s_client negotiated '$CIPHER', want a static-RSA suite" ;;
	esac
	sclient_refuse static root-rsa.pem "$SERVER_REFUSED" 'no shared cipher'
}
c_sserver_control() {
	sserver modern p256.crt p256.key -tls1_2 \
	    -cipher 'ECDHE-ECDSA-AES128-GCM-SHA256'
	probe modern root-ec.pem -tls1_2
	client "${PORT[modern]}" "$P/root-ec.pem" tls-modern
	want_rc 6
	want_empty
	want_err 'does not start with a status line'
	[ "$(cat "$T/modern.out" "$T/modern.err" |
	    grep -c '^Ciphersuite: ECDHE-ECDSA-AES128-GCM-SHA256')" -eq 2 ] ||
	    fail "s_server did not complete the handshake with the binary"
}

# --- cases: accepted chains ------------------------------------------------

RSA_SUITE='re.match(r"ECDHE-RSA-.*(GCM|CHACHA20)", last("tls-NAME")["tls"]["cipher"])'
EC_SUITE='re.match(r"ECDHE-ECDSA-.*(GCM|CHACHA20)", last("tls-NAME")["tls"]["cipher"])'

a_rsa2048() { accept rsa2048 root-rsa.pem "${RSA_SUITE/NAME/rsa2048}"; }
a_rsa4096() { accept rsa4096 root-rsa4096.pem "${RSA_SUITE/NAME/rsa4096}"; }
a_p256() { accept p256 root-ec.pem "${EC_SUITE/NAME/p256}"; }
a_p384() { accept p384 root-ec384.pem "${EC_SUITE/NAME/p384}"; }
a_wildcard() { accept wildcard root-ec.pem; }
a_sans1000() {
	[ "$(openssl x509 -in "$P/sans1000.crt" -noout -ext subjectAltName |
	    grep -o 'DNS:' | wc -l)" -eq 1000 ] ||
	    fail "setup: the leaf does not hold 1000 names"
	accept sans1000 root-ec.pem
}
a_inter() { accept inter root-ec.pem; }

# --- the run ---------------------------------------------------------------

tcase "refuse: expired leaf -> 5" r_expired
tcase "refuse: leaf not yet valid -> 5" r_notyet
tcase "refuse: wrong host name -> 5" r_wronghost
tcase "refuse: self-signed leaf -> 5" r_selfsigned
tcase "refuse: leaf from an untrusted root -> 5" r_untrusted
tcase "refuse: incomplete chain (no intermediate) -> 5" r_incomplete
tcase "refuse: leaf signed with SHA-1 -> 5" r_sha1
tcase "refuse: leaf signed with MD5 -> 5" r_md5
tcase "refuse: RSA-1024 leaf -> 5" r_rsa1024
tcase "refuse: intermediate with CA:FALSE -> 5" r_notca
tcase "refuse: server offers only TLS 1.0 -> 5" r_tls10
tcase "refuse: server offers only TLS 1.1 -> 5" r_tls11
tcase "refuse: server offers only CBC suites -> 5" r_cbc
tcase "refuse: server offers only static-RSA suites -> 5" r_static
tcase "accept: RSA-2048 chain -> 0" a_rsa2048
tcase "accept: RSA-4096 chain -> 0" a_rsa4096
tcase "accept: ECDSA P-256 chain -> 0" a_p256
tcase "accept: ECDSA P-384 chain -> 0" a_p384
tcase "accept: wildcard *.turso.tech -> 0" a_wildcard
tcase "accept: leaf with 1000 SANs -> 0" a_sans1000
tcase "accept: chain with an intermediate -> 0" a_inter
tcase "control: SHA-256 RSA-2048 leaf at SECLEVEL=0 -> 0" c_weak_control
tcase "control: s_server with ECDHE-ECDSA-AES128-GCM passes TLS -> 6" c_sserver_control

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
