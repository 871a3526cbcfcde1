/*
 * tls.c — the BearSSL client: one policy, trust anchors from ca.c, the
 * clock with a build-date floor, entropy from getrandom(2), and records
 * carried over net.h's deadline-bound socket I/O.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <bearssl.h>

#include "ca.h"
#include "err.h"
#include "net.h"
#include "tls.h"

/* Days from 0000-01-01 (proleptic Gregorian) to 1970-01-01, the epoch
 * BearSSL's X.509 clock counts from. */
#define TLS_DAYS_TO_EPOCH	719528
/* Entropy injected into the engine's DRBG: 256 bits. */
#define TLS_SEED_LEN		32
/* Smallest RSA modulus accepted in a certificate, in bytes: 2048 bits. */
#define TLS_MIN_RSA_BYTES	256

/* TLS 1.2 forward-secret AEAD suites only: no CBC, no static RSA. */
static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

/*
 * The engine's and the X.509 context's state, and the record buffer:
 * full-duplex so a request and a response never wait on each other.
 * They hold keys and plaintext, so tls_close() erases them.
 */
static br_ssl_client_context sc;
static br_x509_minimal_context xc;
static br_sslio_context ioc;
static unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
static br_ec_impl ec_offered;

static int sock = -1;
static int peer_eof;		/* the socket saw FIN (before any close_notify) */
static int clock_floored;

static int
low_read(void *ctx, unsigned char *buf, size_t len)
{
	long r;

	(void)ctx;
	r = net_read(sock, buf, len);
	if (r == 0)
		peer_eof = 1;
	return r > 0 ? (int)r : -1;
}

static int
low_write(void *ctx, const unsigned char *buf, size_t len)
{
	(void)ctx;
	return net_write(sock, buf, len) == 0 ? (int)len : -1;
}

/*
 * The system time.  A build with TT_TEST_CLOCK (tests only, never the
 * installed binary) reads it from TT_TEST_NOW instead: faketime cannot
 * reach a static binary's clock, and the clock floor must be tested.
 */
static long long
system_time(void)
{
#ifdef TT_TEST_CLOCK
	const char *s = getenv("TT_TEST_NOW");

	if (s != NULL)
		return strtoll(s, NULL, 10);
#endif
	return (long long)time(NULL);
}

/* Certificates are checked at the system time, never before the build. */
static void
set_clock(void)
{
	long long now = system_time();

	clock_floored = now < TT_BUILD_EPOCH;
	if (clock_floored)
		now = TT_BUILD_EPOCH;
	br_x509_minimal_set_time(&xc, (uint32_t)(now / 86400 + TLS_DAYS_TO_EPOCH),
	    (uint32_t)(now % 86400));
}

static void
setup_x509(void)
{
	const br_x509_trust_anchor *ta;
	size_t n;

	ta = ca_anchors(&n);
	br_x509_minimal_init(&xc, &br_sha256_vtable, ta, n);
	/* No SHA-1 and no MD5: certificates signed with them fail. */
	br_x509_minimal_set_hash(&xc, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(&xc, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(&xc, br_sha512_ID, &br_sha512_vtable);
	br_x509_minimal_set_rsa(&xc, br_rsa_pkcs1_vrfy_get_default());
	br_x509_minimal_set_ecdsa(&xc, br_ec_get_default(),
	    br_ecdsa_vrfy_asn1_get_default());
	br_x509_minimal_set_minrsa(&xc, TLS_MIN_RSA_BYTES);
	set_clock();
}

static void
setup_engine(void)
{
	br_ssl_engine_context *eng = &sc.eng;

	br_ssl_client_zero(&sc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(eng, suites, sizeof(suites) / sizeof(suites[0]));
	br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_rsavrfy(eng, br_rsa_pkcs1_vrfy_get_default());
	br_ssl_engine_set_ecdsa(eng, br_ecdsa_vrfy_asn1_get_default());
	/*
	 * One implementation of each cipher, the portable constant-time
	 * one: the br_ssl_engine_set_default_*() calls would link a second
	 * (AES-NI, PCLMUL, SSE2) picked at run time, 8 KiB for a speed a
	 * few hundred bytes of records never notice.
	 */
	br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable,
	    &br_sslrec_out_gcm_vtable);
	br_ssl_engine_set_aes_ctr(eng, &br_aes_ct64_ctr_vtable);
	br_ssl_engine_set_ghash(eng, br_ghash_ctmul64);
	br_ssl_engine_set_chapol(eng, &br_sslrec_in_chapol_vtable,
	    &br_sslrec_out_chapol_vtable);
	br_ssl_engine_set_chacha20(eng, br_chacha20_ct_run);
	br_ssl_engine_set_poly1305(eng, br_poly1305_ctmul_run);
	/*
	 * Offer only X25519, P-256 and P-384 for ECDHE.  BearSSL 0.6 lists
	 * them by ID (P-256, P-384, X25519) and cannot be told an order, so
	 * a server that follows the client's order picks P-256, which costs
	 * 2.2 million instructions more than X25519 (see docs/BENCHMARKS.md);
	 * most follow their own, X25519 first.
	 */
	ec_offered = *br_ec_get_default();
	ec_offered.supported_curves &= (1u << BR_EC_curve25519) |
	    (1u << BR_EC_secp256r1) | (1u << BR_EC_secp384r1);
	br_ssl_engine_set_ec(eng, &ec_offered);
	br_ssl_engine_set_x509(eng, &xc.vtable);
	br_ssl_engine_set_buffer(eng, iobuf, sizeof(iobuf), 1);
}

static const char *
x509_reason(int e)
{
	switch (e) {
	case BR_ERR_X509_EXPIRED:
		return "server certificate has expired or is not yet valid";
	case BR_ERR_X509_BAD_SERVER_NAME:
		return "server certificate does not match the host name";
	case BR_ERR_X509_NOT_TRUSTED:
		return "server certificate is not signed by a trusted CA "
		    "(see --cacert)";
	case BR_ERR_X509_NOT_CA:
		return "an issuer in the server's chain is not a CA";
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		return "server certificate key is too weak (RSA under 2048 bits)";
	case BR_ERR_X509_UNSUPPORTED:
	case BR_ERR_X509_BAD_SIGNATURE:
		return "server certificate signature is invalid or uses a "
		    "refused algorithm (SHA-1, MD5)";
	case BR_ERR_X509_EMPTY_CHAIN:
		return "server sent no certificate";
	case BR_ERR_X509_CRITICAL_EXTENSION:
		return "server certificate has an unsupported critical extension";
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		return "server certificate key usage forbids TLS server use";
	}
	return NULL;
}

/* Turn the engine's last error into an ERR_TLS message (once). */
static int
tls_fail(const char *host)
{
	int e = br_ssl_engine_last_error(&sc.eng);
	const char *why;

	if (err_class() != ERR_OK)	/* a socket error came first */
		return -1;
	if ((why = x509_reason(e)) != NULL)
		return err_set(ERR_TLS, "%s: %s", host, why);
	switch (e) {
	case BR_ERR_UNSUPPORTED_VERSION:
	case BR_ERR_BAD_VERSION:
	case BR_ERR_BAD_CIPHER_SUITE:
	case BR_ERR_INVALID_ALGORITHM:
		return err_set(ERR_TLS, "%s: server does not offer TLS 1.2 "
		    "with ECDHE and AES-GCM or ChaCha20 (error %d)", host, e);
	case BR_ERR_IO:
		return err_set(ERR_TLS, "%s: connection closed during the TLS "
		    "handshake", host);
	}
	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT)
		return err_set(ERR_TLS, "%s: server sent TLS alert %d", host,
		    e - BR_ERR_RECV_FATAL_ALERT);
	if (e >= BR_ERR_SEND_FATAL_ALERT)
		return err_set(ERR_TLS, "%s: TLS handshake failed (alert %d sent)",
		    host, e - BR_ERR_SEND_FATAL_ALERT);
	return err_set(ERR_TLS, "%s: TLS error %d", host, e);
}

static const char *cur_host = "";

static long
tls_read(void *ctx, unsigned char *buf, size_t len)
{
	int r;

	(void)ctx;
	r = br_sslio_read(&ioc, buf, len);
	if (r > 0)
		return r;
	if (err_class() != ERR_OK)
		return -1;
	if (br_ssl_engine_current_state(&sc.eng) == BR_SSL_CLOSED) {
		if (br_ssl_engine_last_error(&sc.eng) == BR_ERR_OK)
			return 0;	/* close_notify */
		if (br_ssl_engine_last_error(&sc.eng) == BR_ERR_IO && peer_eof)
			return -2;	/* TCP close, no close_notify */
	}
	return tls_fail(cur_host);
}

static int
tls_write(void *ctx, const unsigned char *buf, size_t len)
{
	(void)ctx;
	if (br_sslio_write_all(&ioc, buf, len) != 0 ||
	    br_sslio_flush(&ioc) != 0)
		return tls_fail(cur_host);
	return 0;
}

int
tls_load_cafile(const char *path)
{
	return ca_load_file(path) < 0 ? -1 : 0;
}

int
tls_open(int fd, const char *host, struct http_io *io)
{
	unsigned char seed[TLS_SEED_LEN];

	sock = fd;
	peer_eof = 0;
	cur_host = host;
	setup_x509();
	setup_engine();
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		return err_set(ERR_LOCAL, "getrandom: no entropy available");
	br_ssl_engine_inject_entropy(&sc.eng, seed, sizeof(seed));
	explicit_bzero(seed, sizeof(seed));
	if (!br_ssl_client_reset(&sc, host, 0))
		return tls_fail(host);
	br_sslio_init(&ioc, &sc.eng, low_read, NULL, low_write, NULL);
	/* Flushing with nothing to send runs the handshake to completion. */
	if (br_sslio_flush(&ioc) != 0)
		return tls_fail(host);
	io->read = tls_read;
	io->write = tls_write;
	io->ctx = NULL;
	return 0;
}

void
tls_close(void)
{
	unsigned char *rec;
	size_t len;
	int pending = err_class() != ERR_OK;

	if (sock >= 0 && br_ssl_engine_current_state(&sc.eng) != BR_SSL_CLOSED) {
		br_ssl_engine_close(&sc.eng);
		/* Send our close_notify if it fits the deadline; never wait
		 * for the server's. */
		while ((br_ssl_engine_current_state(&sc.eng) & BR_SSL_SENDREC) &&
		    (rec = br_ssl_engine_sendrec_buf(&sc.eng, &len)) != NULL &&
		    net_write(sock, rec, len) == 0)
			br_ssl_engine_sendrec_ack(&sc.eng, len);
		/* A failed goodbye is not the caller's error. */
		if (!pending)
			err_clear();
	}
	sock = -1;
	explicit_bzero(iobuf, sizeof(iobuf));
	explicit_bzero(&sc, sizeof(sc));
	explicit_bzero(&ioc, sizeof(ioc));
}

int
tls_clock_floored(void)
{
	return clock_floored;
}
