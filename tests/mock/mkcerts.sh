#!/bin/sh
# mkcerts.sh OUTDIR - throwaway PKI for the stand-in Turso API server.
#
# Needs only openssl(1) (3.0 or later).  Every key is made fresh, so nothing
# here is a secret worth keeping.  Writes into OUTDIR:
#
#	ca.pem		the CA the client is told to trust (EC P-256)
#	ca2.pem		a second CA the client is never given
#	ca-rsa.pem	an RSA-2048 CA, trusted only when a test passes it
#	CASE.pem	full chain (leaf, then its CA) served by the server
#	CASE.key	the leaf's private key
#
# where CASE is one of
#
#	good		DNS:api.turso.tech, valid from 1 day ago to 30 days ahead
#	expired		same name, valid only during 2020
#	notyet		same name, valid only from 2048 on
#	wronghost	valid, but for DNS:wrong.example.com only
#	untrusted	like good, but issued by ca2
#	rsa		like good, RSA-2048 leaf issued by ca-rsa
#
# Dates are set with `openssl ca -startdate/-enddate` because `openssl x509
# -req` in OpenSSL 3.0 cannot back-date a certificate.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: mkcerts.sh OUTDIR" >&2
	exit 2
fi
out=$1
mkdir -p "$out"
cd "$out"
umask 077

# The CAs cover a wide window so that every leaf (even the expired and the
# not-yet-valid one) lies inside its issuer's validity: a verifier that
# checks nesting then fails only for the reason the case is about.
ca_start=20000101000000Z
ca_end=20491231235959Z
now_start=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
now_end=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)

cat > openssl.cnf <<'EOF'
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
organizationName = optional

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_leaf_ec ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN

[ v3_leaf_rsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
EOF

# openssl reads every $ENV:: reference when it loads the config, whatever
# the command, so both must always have a value.
SAN=DNS:unused
CADIR=.
export SAN CADIR

eckey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1" 2>/dev/null
}

rsakey() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$1" 2>/dev/null
}

# mkca NAME KEYTYPE CN: self-signed CA NAME.pem with its own database dir.
mkca() {
	mkdir -p "db-$1"
	: > "db-$1/index.txt"
	# -rand_serial picks the serials, but openssl still wants the file.
	echo 01 > "db-$1/serial"
	"$2" "$1.key"
	openssl req -new -config openssl.cnf -key "$1.key" \
	    -subj "/O=turso-token tests/CN=$3" -out "db-$1/ca.csr"
	CADIR=db-$1 openssl ca -batch -config openssl.cnf -selfsign \
	    -keyfile "$1.key" -in "db-$1/ca.csr" -out "$1.pem" -notext \
	    -rand_serial -extensions v3_ca \
	    -startdate "$ca_start" -enddate "$ca_end" 2>/dev/null
}

# mkleaf CASE CA KEYTYPE EXT SAN START END: leaf CASE.key + chain CASE.pem.
mkleaf() {
	"$3" "$1.key"
	openssl req -new -config openssl.cnf -key "$1.key" \
	    -subj "/CN=${5#DNS:}" -out "db-$2/$1.csr"
	SAN=$5 CADIR=db-$2 openssl ca -batch -config openssl.cnf \
	    -cert "$2.pem" -keyfile "$2.key" -in "db-$2/$1.csr" \
	    -out "db-$2/$1.crt" -notext -rand_serial -extensions "$4" \
	    -startdate "$6" -enddate "$7" 2>/dev/null
	cat "db-$2/$1.crt" "$2.pem" > "$1.pem"
}

mkca ca eckey "turso-token test CA"
mkca ca2 eckey "turso-token untrusted CA"
mkca ca-rsa rsakey "turso-token test RSA CA"

mkleaf good ca eckey v3_leaf_ec DNS:api.turso.tech "$now_start" "$now_end"
mkleaf expired ca eckey v3_leaf_ec DNS:api.turso.tech \
    20200101000000Z 20201231235959Z
mkleaf notyet ca eckey v3_leaf_ec DNS:api.turso.tech \
    20480101000000Z 20490101000000Z
mkleaf wronghost ca eckey v3_leaf_ec DNS:wrong.example.com \
    "$now_start" "$now_end"
mkleaf untrusted ca2 eckey v3_leaf_ec DNS:api.turso.tech \
    "$now_start" "$now_end"
mkleaf rsa ca-rsa rsakey v3_leaf_rsa DNS:api.turso.tech \
    "$now_start" "$now_end"

# The CA keys and databases are not needed after this point; the
# certificates are public.
rm -rf ca.key ca2.key ca-rsa.key db-ca db-ca2 db-ca-rsa openssl.cnf
chmod 644 ./*.pem
