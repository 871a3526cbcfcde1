/*
 * test_ca.c — ca.c, the --cacert loader: what it keeps of each certificate,
 * the PEM it accepts, and every refusal with its message.  The
 * certificates below are public halves of throwaway keys made for these
 * tests with openssl(1); each test writes its bundle to a file in its own
 * mkdtemp(3) directory and removes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "../../src/ca.h"
#include "../../src/err.h"

/* The mkdtemp(3) directory, "/tmp/t_ca.XXXXXX", and its one file. */
#define TDIR_MAX	64
#define TP_MAX		128
/* A bundle a test builds: CA_ANCHORS_MAX + 1 copies of the EC CA fit. */
#define TBUF_MAX	((CA_ANCHORS_MAX + 1) * 720)

static char tdir[TDIR_MAX];
static char tfile[TP_MAX];
static char tbuf[TBUF_MAX];

/* EC P-256, "O=turso-token tests, CN=turso-token unit CA", CA:TRUE. */
static const char ec_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIB2zCCAYGgAwIBAgIUJqamr/iWKSaUFPEfVUgG1n87OjMwCgYIKoZIzj0EAwIw\n"
	"OjEaMBgGA1UECgwRdHVyc28tdG9rZW4gdGVzdHMxHDAaBgNVBAMME3R1cnNvLXRv\n"
	"a2VuIHVuaXQgQ0EwIBcNMjYxMTI4MDIwNDIwWhgPMjA1MTA3MjAwMjA0MjBaMDox\n"
	"GjAYBgNVBAoMEXR1cnNvLXRva2VuIHRlc3RzMRwwGgYDVQQDDBN0dXJzby10b2tl\n"
	"biB1bml0IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgffPzfoiylqdVO61\n"
	"0BBdVgrml/hV/XEwX6YeI3GIlJdCxqIfKuvHI/KJ2tlsYLxVaRXzu3fIACAnKnbA\n"
	"4AHxZaNjMGEwHQYDVR0OBBYEFFPlOd02us0tzeOtIMe5dEq+kqPIMB8GA1UdIwQY\n"
	"MBaAFFPlOd02us0tzeOtIMe5dEq+kqPIMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0P\n"
	"AQH/BAQDAgIEMAoGCCqGSM49BAMCA0gAMEUCIQCCwoukVFQ+GqJuxFYmFilW2EgA\n"
	"vrnFUA4+I37lI2GCvAIgZ9iZpgYRuJy1uKesVWRT6OXSTHjWpfymn2N40LAwNaQ=\n"
	"-----END CERTIFICATE-----\n";

/* Its subject, the whole DER Name: what the anchor's DN must be. */
static const unsigned char ec_ca_dn[] = {
	0x30, 0x3a, 0x31, 0x1a, 0x30, 0x18, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c,
	0x11, 't', 'u', 'r', 's', 'o', '-', 't', 'o', 'k', 'e', 'n', ' ',
	't', 'e', 's', 't', 's', 0x31, 0x1c, 0x30, 0x1a, 0x06, 0x03, 0x55,
	0x04, 0x03, 0x0c, 0x13, 't', 'u', 'r', 's', 'o', '-', 't', 'o', 'k',
	'e', 'n', ' ', 'u', 'n', 'i', 't', ' ', 'C', 'A'
};

/* RSA-2048, "CN=turso-token unit RSA CA", CA:TRUE; the modulus starts
 * 0xc6, so DER puts a 0x00 before it that the anchor must not keep. */
static const char rsa_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIDJzCCAg+gAwIBAgIUN4bi5KPiuA6uedDRtYKFrhtxITcwDQYJKoZIhvcNAQEL\n"
	"BQAwIjEgMB4GA1UEAwwXdHVyc28tdG9rZW4gdW5pdCBSU0EgQ0EwIBcNMjYxMTI4\n"
	"MDIwNDIwWhgPMjA1MTA3MjAwMjA0MjBaMCIxIDAeBgNVBAMMF3R1cnNvLXRva2Vu\n"
	"IHVuaXQgUlNBIENBMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxg2g\n"
	"s7plUf3vH9WA3x/AqeKVeQXmXR6f/OabO+2dqcc0qP6ewbljnOr9/JU4udL9g3n2\n"
	"iHXdwbZTlQDUI0yzMu4wv47+m8I5nUKYHYx9ovuvUOb41LXaqXgUiQOCaOKQcxGR\n"
	"oHfSSRtpWtYeMOnbK9FojSdnAePNe43Ltz1zbRnTILKVoKS6h2HfFAQBy6Kq1y7I\n"
	"kwgTVKBbR672giPU66SEjUDyJYoKZwTfTGSvfmede+qKlMmdth7hvWDn0pDV4mj+\n"
	"Ec8B/1EciOnXzox76Wqaw7O4mnijqq09Cikw4F/KqBAPNrzT+8e19IcMygNSdoK2\n"
	"YJwQku/pnsvmmvwREQIDAQABo1MwUTAdBgNVHQ4EFgQUPaLm2wCgI6x5MLRTTi3V\n"
	"ET7aAaEwHwYDVR0jBBgwFoAUPaLm2wCgI6x5MLRTTi3VET7aAaEwDwYDVR0TAQH/\n"
	"BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEADs3OHm4uSt1iamPfV+LYE47IXgYO\n"
	"IocnqHMhaoobi5YJKs867WGu5yY0AHHfkDrAhR9/pzYiN/HIragFpbBataMWzyF9\n"
	"rgGmUbHgy7ld9W5OQXCo/3CfjRcZ+CCddEfsnNUfbG/+8uaGo5ldpLgA2M8Hi29p\n"
	"VWwyI+XUMSI3Llds2JndWKOyAnnIDqXVJEjanvPj2yBW1rAn3NFqUGVRMYT/Zq9M\n"
	"jO/FwnaSYwQ8FulxM6A9aZSzEAtmi1oSQTis07rppHnHEO8UcXoCVExWGhwse0i+\n"
	"cgENcgnTZQWnUR958XwA+x9vOGwYWZlZT7gi98P5oh3U95xR/6bnCyx5iw==\n"
	"-----END CERTIFICATE-----\n";

/* Ed25519: well formed, but no key BearSSL can verify with. */
static const char ed_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBXTCCAQ+gAwIBAgIUJbBj4+DBjPryDJTrskDWKukyf44wBQYDK2VwMCMxITAf\n"
	"BgNVBAMMGHR1cnNvLXRva2VuIHVuaXQgRWQyNTUxOTAgFw0yNjExMjgwMjA0MjBa\n"
	"GA8yMDUxMDcyMDAyMDQyMFowIzEhMB8GA1UEAwwYdHVyc28tdG9rZW4gdW5pdCBF\n"
	"ZDI1NTE5MCowBQYDK2VwAyEAsIPa3yp+JH7zrMP+9+xJbyFtH6sDLzRvK3PamjzF\n"
	"YYajUzBRMB0GA1UdDgQWBBTlsdg7QFNJaDSlBVxyWNnGBWvGszAfBgNVHSMEGDAW\n"
	"gBTlsdg7QFNJaDSlBVxyWNnGBWvGszAPBgNVHRMBAf8EBTADAQH/MAUGAytlcANB\n"
	"AOZfGiGCHmRLKns1qYZzvckoXAs0cqJkKCpM4gEE/mQrXgEB3avi3unwWwafKo77\n"
	"T8iGaS2dkFUESqhZj5nd0AY=\n"
	"-----END CERTIFICATE-----\n";

/*
 * An RSA leaf for api.turso.tech whose notAfter holds a byte that is no
 * digit (a fuzzed file): the loader built on BearSSL's X.509 decoder kept
 * pushing bytes into the decoder after it had failed, and crashed.
 */
static const char bad_date[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIDdzCCAl+gAwIBAgIUCe46r5Qg/1fUu8+6H/C8SKVAHJ0wDQYJKoZIhvcNAQEL\n"
	"BQAwPjEgMB4GA1UEAwwXdHVyc28tdG9rZW4gdGVzdCBSU0EgQ0ExGjAYBgNVBAoM\n"
	"EXR1cnNvLXRva2VuIHRlc3RzMB4XDTI2MTEyNzAxMzkwNloXDTI2ATIyODAxMzkw\n"
	"NlowGTEXMBUGA1UEAwwOYXBpLnR1cnNvLnRlY2gwggEiMA0GCSqGSIb3DQEBAQUA\n"
	"A4IBDwAwggEKAoIBAQDYMvsUDSGry/GiI4j01aEpgedu2BggqWYwoaj7JwsTASHl\n"
	"lM4wQN2VaacOTKDHwz2ZCFLnil4AdtsF/h5misybhJiFyE7uyeqWUjQ2LeYq0n5/\n"
	"EhxHCU1pE+ZSuXzpn3esy6goXn0HHLzEc9yT/SjoxY2cU8ZFop+4Fl4cDTSGdWYD\n"
	"uAwoQ2mEWdmLvBX8zWdt6u1ax5ddwaoRxn3EngZ+XSFQyzTQy7OQdiTKXdlW6XIp\n"
	"Tl5Lyg6QFD5GdP3BRjmtchAJTG9RNroeW1uJicW9cu1j6DxMoTCc+e7wpOgVmDz5\n"
	"tU7ori3+U+SkYz8nrsOKZ9TAcbAB3RlXTXaQpGqdAgMBAAGjgZEwgY4wDAYDVR0T\n"
	"AQH/BAIwADAOBgNVHQ8BAf8EBAMCBaAwEwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYD\n"
	"VR0OBBYEFADYkirbl7XBeVMl8U8a8WXvCAncMB8GA1UdIwQYMBaAFBYT4I+J+wzE\n"
	"yVMdyrGVIEYAIJBsMBkGA1UdEQQSMBCCDmFwaS50dXJzby50ZWNoMA0GCSqGSIb3\n"
	"DQEBCwUAA4IBAQAsYsqp0lNZbOdd2e0Ugcee55kvAP08/74ZvQQx5LDmzJY1Ax2P\n"
	"9yYmv6rzBZnBPrdRD7QxqJlHhHQqAsNrp3tTNCahXhpEf29kikz9+8DThb6FKXwe\n"
	"n+iWfLf+GiEvo70sJdoykuh1HTeRX7CLjzCEUxPQHoXggHWs3EqqTofxaMxaTrFT\n"
	"/j1bD5fA0tepVmPXrkcJJZxg+WXwUxkkgIHuSOpPaP4UexPc/h/YVewDsaaWbAHi\n"
	"bDEI6gXtlRMbIehbYrVPONAcuFBG/0rXo6rgFiZfkg2FjMplDlHZzZhzO1CWpwtn\n"
	"vzEDsPgDUO1Z0IsfH2++JU1xxgh4NMAuNQhw\n"
	"-----END CERTIFICATE-----\n";

/* Write text to the test file, in a fresh directory; returns its path. */
static const char *
bundle(const char *text, size_t len)
{
	int fd;

	snprintf(tdir, sizeof(tdir), "/tmp/t_ca.XXXXXX");
	if (mkdtemp(tdir) == NULL) {
		fprintf(stderr, "  mkdtemp: %s\n", strerror(errno));
		exit(2);
	}
	snprintf(tfile, sizeof(tfile), "%s/bundle.pem", tdir);
	if ((fd = open(tfile, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 ||
	    write(fd, text, len) != (ssize_t)len || close(fd) != 0) {
		fprintf(stderr, "  %s: %s\n", tfile, strerror(errno));
		exit(2);
	}
	return tfile;
}

static void
cleanup(void)
{
	unlink(tfile);
	rmdir(tdir);
}

/* Load text; returns what ca_load_file() did. */
static int
load(const char *text)
{
	int r;

	r = ca_load_file(bundle(text, strlen(text)));
	cleanup();
	return r;
}

/* The message of a refused load, without the file name before it. */
static const char *
why(void)
{
	const char *m = err_msg(), *p = strstr(m, ".pem: ");

	return p != NULL ? p + 6 : m;
}

/* Concatenate parts into tbuf. */
static const char *
cat(const char *a, const char *b, const char *c)
{
	snprintf(tbuf, sizeof(tbuf), "%s%s%s", a, b, c != NULL ? c : "");
	return tbuf;
}

TEST(ca_ec_anchor)
{
	const br_x509_trust_anchor *ta;
	size_t n;

	CHECK_INT(load(ec_ca), 1);
	ta = ca_anchors(&n);
	CHECK_INT(n, 1);
	CHECK_INT(ta->flags, BR_X509_TA_CA);
	CHECK_INT(ta->dn.len, sizeof(ec_ca_dn));
	CHECK(memcmp(ta->dn.data, ec_ca_dn, sizeof(ec_ca_dn)) == 0);
	CHECK_INT(ta->pkey.key_type, BR_KEYTYPE_EC);
	CHECK_INT(ta->pkey.key.ec.curve, BR_EC_secp256r1);
	CHECK_INT(ta->pkey.key.ec.qlen, 65);
	CHECK_INT(ta->pkey.key.ec.q[0], 0x04);
	CHECK_INT(ta->pkey.key.ec.q[1], 0x81);
	CHECK_INT(ta->pkey.key.ec.q[64], 0x65);
}

TEST(ca_rsa_anchor)
{
	const br_x509_trust_anchor *ta;
	size_t n;

	CHECK_INT(load(rsa_ca), 1);
	ta = ca_anchors(&n);
	CHECK_INT(n, 1);
	CHECK_INT(ta->flags, BR_X509_TA_CA);
	CHECK_INT(ta->pkey.key_type, BR_KEYTYPE_RSA);
	CHECK_INT(ta->pkey.key.rsa.nlen, 256);
	CHECK_INT(ta->pkey.key.rsa.n[0], 0xc6);
	CHECK_INT(ta->pkey.key.rsa.n[255], 0x11);
	CHECK_INT(ta->pkey.key.rsa.elen, 3);
	CHECK(memcmp(ta->pkey.key.rsa.e, "\x01\x00\x01", 3) == 0);
}

TEST(ca_bundle_in_order)
{
	const br_x509_trust_anchor *ta;
	size_t n;

	CHECK_INT(load(cat(rsa_ca, ec_ca, rsa_ca)), 3);
	ta = ca_anchors(&n);
	CHECK_INT(n, 3);
	CHECK_INT(ta[0].pkey.key_type, BR_KEYTYPE_RSA);
	CHECK_INT(ta[1].pkey.key_type, BR_KEYTYPE_EC);
	CHECK_INT(ta[2].pkey.key_type, BR_KEYTYPE_RSA);
	CHECK(memcmp(ta[1].dn.data, ec_ca_dn, sizeof(ec_ca_dn)) == 0);
}

/* A leaf is kept, without the CA flag. */
TEST(ca_leaf_not_ca)
{
	const br_x509_trust_anchor *ta;
	size_t n;

	CHECK_INT(load(bad_date), 1);
	ta = ca_anchors(&n);
	CHECK_INT(ta->flags, 0);
	CHECK_INT(ta->pkey.key_type, BR_KEYTYPE_RSA);
}

/* CRLF line ends, text around objects, no newline at the very end. */
TEST(ca_lenient_layout)
{
	static char crlf[2048];
	const br_x509_trust_anchor *ta;
	size_t i, j = 0, n;

	for (i = 0; ec_ca[i] != '\0'; i++) {
		if (ec_ca[i] == '\n')
			crlf[j++] = '\r';
		crlf[j++] = ec_ca[i];
	}
	crlf[j - 2] = '\0';	/* drop the last CRLF */
	CHECK_INT(load(cat("Subject: turso-token unit CA\n--- a comment\n",
	    crlf, NULL)), 1);
	ta = ca_anchors(&n);
	CHECK(memcmp(ta->dn.data, ec_ca_dn, sizeof(ec_ca_dn)) == 0);
	/* The whole body on one line, and blanks inside it. */
	CHECK_INT(load("-----BEGIN X509 CERTIFICATE-----\n"
	    "MIIB2zCCAYGgAwIBAgIUJqamr/iWKSaUFPEfVUgG1n87OjMwCgYIKoZIzj0EAwIwOjEa"
	    "MBgGA1UECgwRdHVyc28tdG9rZW4gdGVzdHMxHDAaBgNVBAMME3R1cnNvLXRva2VuIHVu"
	    "aXQgQ0EwIBcNMjYxMTI4MDIwNDIwWhgPMjA1MTA3MjAwMjA0MjBaMDoxGjAYBgNVBAoM"
	    "EXR1cnNvLXRva2VuIHRlc3RzMRwwGgYDVQQDDBN0dXJzby10b2tlbiB1bml0IENBMFkw"
	    "EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgffPzfoiylqdVO610BBdVgrml/hV/XEwX6Ye"
	    "I3GIlJdCxqIfKuvHI/KJ2tlsYLxVaRXzu3fIACAnKnbA4AHxZaNjMGEwHQYDVR0OBBYE"
	    "FFPlOd02us0tzeOtIMe5dEq+kqPIMB8GA1UdIwQYMBaAFFPlOd02us0tzeOtIMe5dEq+"
	    "kqPIMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIEMAoGCCqGSM49BAMCA0gA"
	    "MEUCIQCCwoukVFQ+GqJuxFYmFilW2EgAvrnFUA4+I37lI2GCvAIgZ9iZpgYRuJy1uKes"
	    "VWRT6OXSTHjWpfymn2N40LAwNaQ = \n"
	    "-----END X509 CERTIFICATE-----\n"), 1);
}

/* Keys, CRLs and OpenSSL's TRUSTED CERTIFICATE are passed over unread. */
TEST(ca_other_objects_skipped)
{
	CHECK_INT(load(cat("-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n"
	    "-----END PRIVATE KEY-----\n", ec_ca,
	    "-----BEGIN TRUSTED CERTIFICATE-----\n!!\n"
	    "-----END TRUSTED CERTIFICATE-----\n")), 1);
}

TEST(ca_unusable_key_skipped)
{
	size_t n;

	CHECK_INT(load(cat(ed_ca, ec_ca, NULL)), 1);
	ca_anchors(&n);
	CHECK_INT(n, 1);
	CHECK_INT(load(ed_ca), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	CHECK(strstr(why(), "no certificate with a key this program can "
	    "use") == why());
}

/* A fuzzed date used to crash the loader; an anchor's dates go unread. */
TEST(ca_bad_date_no_crash)
{
	CHECK_INT(load(cat(ec_ca, bad_date, rsa_ca)), 3);
}

TEST(ca_refusals)
{
	static char big[CA_CERT_MAX * 2];
	size_t n;

	CHECK_INT(load(""), -1);
	CHECK_STR(why(), "no certificate found");
	err_clear();
	CHECK_INT(load("just text\n"), -1);
	CHECK_STR(why(), "no certificate found");
	err_clear();
	/* A character base64 does not have. */
	CHECK_INT(load("-----BEGIN CERTIFICATE-----\nMIIB*zCC\n"
	    "-----END CERTIFICATE-----\n"), -1);
	CHECK_STR(why(), "malformed PEM");
	err_clear();
	/* Data after the padding, and a lone sextet. */
	CHECK_INT(load("-----BEGIN CERTIFICATE-----\nMA==MA==\n"
	    "-----END CERTIFICATE-----\n"), -1);
	CHECK_STR(why(), "malformed PEM");
	err_clear();
	CHECK_INT(load("-----BEGIN CERTIFICATE-----\nMABC\nM\n"
	    "-----END CERTIFICATE-----\n"), -1);
	CHECK_STR(why(), "malformed PEM");
	err_clear();
	/* Another BEGIN before the END. */
	CHECK_INT(load(cat("-----BEGIN CERTIFICATE-----\nMIIB\n", ec_ca, NULL)),
	    -1);
	CHECK_STR(why(), "malformed PEM");
	err_clear();
	/* No END. */
	CHECK_INT(load("-----BEGIN CERTIFICATE-----\nMIIB2zCC\n"), -1);
	CHECK_STR(why(), "truncated PEM");
	err_clear();
	/* Good base64, bad DER: the second line of the EC CA left out. */
	CHECK_INT(load(cat(ec_ca, "-----BEGIN CERTIFICATE-----\n"
	    "MIIB2zCCAYGgAwIBAgIUJqamr/iWKSaUFPEfVUgG1n87OjMwCgYIKoZIzj0EAwIw\n"
	    "a2VuIHVuaXQgQ0EwIBcNMjYxMTI4MDIwNDIwWhgPMjA1MTA3MjAwMjA0MjBaMDox\n"
	    "-----END CERTIFICATE-----\n", NULL)), -1);
	CHECK_STR(why(), "certificate 2 is malformed");
	err_clear();
	/* Over CA_CERT_MAX of DER in one object. */
	memset(big, 'A', sizeof(big));
	memcpy(big, "-----BEGIN CERTIFICATE-----\n", 28);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT(load(big), -1);
	CHECK(strstr(why(), "certificate 1 is larger than") != NULL);
	err_clear();
	/* A failed load leaves the embedded roots in force. */
	ca_anchors(&n);
	CHECK_INT(n, roots_count);
	CHECK(n > 100);
}

TEST(ca_too_many)
{
	size_t i, len = 0, one = strlen(ec_ca);

	for (i = 0; i <= CA_ANCHORS_MAX; i++) {
		memcpy(tbuf + len, ec_ca, one);
		len += one;
	}
	CHECK_INT(ca_load_file(bundle(tbuf, len)), -1);
	cleanup();
	CHECK(strstr(why(), "more than") != NULL);
	err_clear();
	CHECK_INT(ca_load_file(bundle(tbuf, len - one)), CA_ANCHORS_MAX);
	cleanup();
}

TEST(ca_unreadable)
{
	CHECK_INT(ca_load_file("/nonexistent/t_ca/bundle.pem"), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	CHECK(strstr(err_msg(), "No such file") != NULL);
}

const struct t_case t_cases_ca[] = {
	T(ca_ec_anchor),
	T(ca_rsa_anchor),
	T(ca_bundle_in_order),
	T(ca_leaf_not_ca),
	T(ca_lenient_layout),
	T(ca_other_objects_skipped),
	T(ca_unusable_key_skipped),
	T(ca_bad_date_no_crash),
	T(ca_refusals),
	T(ca_too_many),
	T(ca_unreadable),
	T_END
};
