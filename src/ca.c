/*
 * ca.c — PEM bundle to trust anchors in one pass over the file: a base64
 * decoder and a DER walker that keep only the subject DN and the public
 * key of each certificate, copied into a static arena.
 *
 * BearSSL's own PEM and X.509 decoders would do, but they are interpreted
 * state machines that cost about 1,700 instructions per byte of PEM: 375
 * million, some 45 ms, for Debian's system bundle (about 150 roots), before every
 * connection.  This loader takes about 25 per byte.  It checks the
 * structure of every field it uses or steps over, but not the contents of
 * those it skips (dates, signature): nothing reads them in an anchor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "ca.h"
#include "err.h"

/* Read size: a bundle is read in a few dozen reads, the stack stays small. */
#define CA_READ_CHUNK	4096
/* The part kept of a line that starts with '-': enough for the longest
 * marker that means something here, "-----BEGIN X509 CERTIFICATE-----". */
#define CA_MARK_MAX	64

/* ASN.1 tags (X.690) that a certificate is walked with. */
#define DER_BOOLEAN	0x01
#define DER_INTEGER	0x02
#define DER_BIT_STRING	0x03
#define DER_OCTET_STRING 0x04
#define DER_OID		0x06
#define DER_SEQUENCE	0x30
#define DER_VERSION	0xa0	/* [0] EXPLICIT, tbsCertificate.version */
#define DER_EXTENSIONS	0xa3	/* [3] EXPLICIT, tbsCertificate.extensions */

static br_x509_trust_anchor anchors[CA_ANCHORS_MAX];
static size_t nanchors;
static int loaded;
static unsigned char arena[CA_ARENA_MAX];
static size_t arena_len;
static unsigned char der[CA_CERT_MAX];

/*
 * Base64 (RFC 4648): the value of each character, or what else it is.
 * Blanks and a CR are skipped anywhere in a body; '=' pads the end.
 */
#define B64_BAD		(-1)
#define B64_SKIP	(-2)
#define B64_PAD		(-3)
#define B64(c) ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' : \
	(c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26 : \
	(c) >= '0' && (c) <= '9' ? (c) - '0' + 52 : \
	(c) == '+' ? 62 : (c) == '/' ? 63 : (c) == '=' ? B64_PAD : \
	(c) == ' ' || (c) == '\t' || (c) == '\r' ? B64_SKIP : B64_BAD)
#define B64_4(c) B64(c), B64((c) + 1), B64((c) + 2), B64((c) + 3)
#define B64_16(c) B64_4(c), B64_4((c) + 4), B64_4((c) + 8), B64_4((c) + 12)
#define B64_64(c) B64_16(c), B64_16((c) + 16), B64_16((c) + 32), \
	B64_16((c) + 48)
static const signed char b64tab[256] = {
	B64_64(0), B64_64(64), B64_64(128), B64_64(192)
};

/* Object identifiers, as their DER contents. */
static const unsigned char oid_rsa[] = {	/* rsaEncryption */
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01
};
static const unsigned char oid_ec[] = {		/* id-ecPublicKey */
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01
};
static const unsigned char oid_p256[] = {	/* prime256v1 */
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
};
static const unsigned char oid_p384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const unsigned char oid_p521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };
static const unsigned char oid_bc[] = { 0x55, 0x1d, 0x13 }; /* basicConstraints */

enum pem_state { PEM_OUTSIDE, PEM_IN_CERT, PEM_IN_OTHER };

struct loader {
	const char *path;
	enum pem_state state;
	int bol;		/* at the beginning of a line */
	int marking;		/* this line began with '-': kept in mark[] */
	char mark[CA_MARK_MAX];
	size_t mlen;
	uint32_t bits;		/* base64 sextets not yet output */
	int nbits;		/* how many (0-3) */
	int pad;		/* '=' seen in this object */
	size_t dlen;		/* DER bytes in der[] */
	int certs;		/* certificates seen, for messages */
};

/* What an anchor keeps of a certificate: pointers into der[]. */
struct cert {
	const unsigned char *dn, *n, *e, *q;
	size_t dnlen, nlen, elen, qlen;
	int key_type, curve, is_ca;
};

/* A cursor over DER contents. */
struct der {
	const unsigned char *p;
	size_t len;
};

/* A copy of len bytes in the arena, or NULL if they do not fit. */
static void *
arena_copy(const void *src, size_t len)
{
	unsigned char *p;

	if (len > sizeof(arena) - arena_len)
		return NULL;
	p = arena + arena_len;
	memcpy(p, src, len);
	arena_len += len;
	return p;
}

/*
 * Take the next element of c, which must have tag; val is set to its
 * contents and c moves past it.  Single-byte tags and definite lengths
 * only (DER); the length must fit in what is left.
 */
static int
der_take(struct der *c, int tag, struct der *val)
{
	const unsigned char *p = c->p, *end = c->p + c->len;
	size_t len, n;

	if (end - p < 2 || *p++ != tag)
		return -1;
	len = *p++;
	if (len & 0x80) {
		/* Two length bytes cover CA_CERT_MAX. */
		n = len & 0x7f;
		if (n == 0 || n > 2 || (size_t)(end - p) < n)
			return -1;
		for (len = 0; n > 0; n--)
			len = len << 8 | *p++;
	}
	if (len > (size_t)(end - p))
		return -1;
	val->p = p;
	val->len = len;
	c->p = p + len;
	c->len = (size_t)(end - c->p);
	return 0;
}

static int
der_peek(const struct der *c)
{
	return c->len > 0 ? c->p[0] : -1;
}

static int
oid_is(const struct der *oid, const unsigned char *want, size_t len)
{
	return oid->len == len && memcmp(oid->p, want, len) == 0;
}

/* A positive INTEGER without its leading zero bytes, as BearSSL keeps it. */
static int
der_uint(struct der *c, const unsigned char **p, size_t *len)
{
	struct der v;

	if (der_take(c, DER_INTEGER, &v) != 0 || v.len == 0 || v.p[0] & 0x80)
		return -1;
	while (v.len > 0 && v.p[0] == 0) {
		v.p++;
		v.len--;
	}
	if (v.len == 0)
		return -1;
	*p = v.p;
	*len = v.len;
	return 0;
}

/*
 * SubjectPublicKeyInfo.  Returns 0 with the key in ct, 1 for a well-formed
 * key that BearSSL cannot use (another algorithm or curve, RSA over 4096
 * bits), -1 if malformed.
 */
static int
parse_key(struct der spki, struct cert *ct)
{
	struct der alg, oid, curve, bits, rsa;

	if (der_take(&spki, DER_SEQUENCE, &alg) != 0 ||
	    der_take(&alg, DER_OID, &oid) != 0 ||
	    der_take(&spki, DER_BIT_STRING, &bits) != 0 || spki.len != 0 ||
	    bits.len < 1 || bits.p[0] != 0)
		return -1;
	bits.p++;		/* no unused bits: whole bytes follow */
	bits.len--;
	if (oid_is(&oid, oid_rsa, sizeof(oid_rsa))) {
		if (der_take(&bits, DER_SEQUENCE, &rsa) != 0 || bits.len != 0 ||
		    der_uint(&rsa, &ct->n, &ct->nlen) != 0 ||
		    der_uint(&rsa, &ct->e, &ct->elen) != 0 || rsa.len != 0)
			return -1;
		ct->key_type = BR_KEYTYPE_RSA;
		return ct->nlen + ct->elen > BR_X509_BUFSIZE_KEY;
	}
	if (!oid_is(&oid, oid_ec, sizeof(oid_ec)))
		return 1;
	if (der_take(&alg, DER_OID, &curve) != 0 || alg.len != 0)
		return 1;	/* explicit curve parameters: not supported */
	if (oid_is(&curve, oid_p256, sizeof(oid_p256)))
		ct->curve = BR_EC_secp256r1;
	else if (oid_is(&curve, oid_p384, sizeof(oid_p384)))
		ct->curve = BR_EC_secp384r1;
	else if (oid_is(&curve, oid_p521, sizeof(oid_p521)))
		ct->curve = BR_EC_secp521r1;
	else
		return 1;
	ct->key_type = BR_KEYTYPE_EC;
	ct->q = bits.p;
	ct->qlen = bits.len;
	return bits.len == 0 ? -1 : bits.len > BR_X509_BUFSIZE_KEY;
}

/* Extensions: only basicConstraints' cA flag matters to an anchor. */
static int
parse_extensions(struct der exts, struct cert *ct)
{
	struct der seq, ext, oid, crit, val, bc, ca;

	if (der_take(&exts, DER_SEQUENCE, &seq) != 0 || exts.len != 0)
		return -1;
	while (seq.len > 0) {
		if (der_take(&seq, DER_SEQUENCE, &ext) != 0 ||
		    der_take(&ext, DER_OID, &oid) != 0)
			return -1;
		if (der_peek(&ext) == DER_BOOLEAN &&
		    (der_take(&ext, DER_BOOLEAN, &crit) != 0 || crit.len != 1))
			return -1;
		if (der_take(&ext, DER_OCTET_STRING, &val) != 0 || ext.len != 0)
			return -1;
		if (!oid_is(&oid, oid_bc, sizeof(oid_bc)))
			continue;
		if (der_take(&val, DER_SEQUENCE, &bc) != 0)
			return -1;
		if (der_peek(&bc) == DER_BOOLEAN) {
			if (der_take(&bc, DER_BOOLEAN, &ca) != 0 || ca.len != 1)
				return -1;
			ct->is_ca = ca.p[0] != 0;
		}
	}
	return 0;
}

/*
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
 * signatureValue } (RFC 5280 §4.1), nothing after it.  Returns as
 * parse_key() does.
 */
static int
parse_cert(const unsigned char *buf, size_t len, struct cert *ct)
{
	struct der c = { buf, len }, cert, tbs, x, v;
	const unsigned char *dn;
	int r;

	memset(ct, 0, sizeof(*ct));
	if (der_take(&c, DER_SEQUENCE, &cert) != 0 || c.len != 0 ||
	    der_take(&cert, DER_SEQUENCE, &tbs) != 0 ||
	    der_take(&cert, DER_SEQUENCE, &x) != 0 ||
	    der_take(&cert, DER_BIT_STRING, &x) != 0 || cert.len != 0)
		return -1;
	/* Versions 1 to 3 (encoded 0 to 2); absent means 1. */
	if (der_peek(&tbs) == DER_VERSION &&
	    (der_take(&tbs, DER_VERSION, &x) != 0 ||
	    der_take(&x, DER_INTEGER, &v) != 0 || x.len != 0 ||
	    v.len != 1 || v.p[0] > 2))
		return -1;
	/* serialNumber, signature, issuer, validity: not kept. */
	if (der_take(&tbs, DER_INTEGER, &x) != 0 ||
	    der_take(&tbs, DER_SEQUENCE, &x) != 0 ||
	    der_take(&tbs, DER_SEQUENCE, &x) != 0 ||
	    der_take(&tbs, DER_SEQUENCE, &x) != 0)
		return -1;
	/* The subject: its whole encoding is the anchor's DN. */
	dn = tbs.p;
	if (der_take(&tbs, DER_SEQUENCE, &x) != 0)
		return -1;
	ct->dn = dn;
	ct->dnlen = (size_t)(tbs.p - dn);
	if (der_take(&tbs, DER_SEQUENCE, &x) != 0 || (r = parse_key(x, ct)) < 0)
		return -1;
	/* issuerUniqueID [1] and subjectUniqueID [2], either form. */
	while (der_peek(&tbs) == 0x81 || der_peek(&tbs) == 0xa1 ||
	    der_peek(&tbs) == 0x82 || der_peek(&tbs) == 0xa2)
		if (der_take(&tbs, der_peek(&tbs), &x) != 0)
			return -1;
	if (der_peek(&tbs) == DER_EXTENSIONS &&
	    (der_take(&tbs, DER_EXTENSIONS, &x) != 0 ||
	    parse_extensions(x, ct) != 0))
		return -1;
	return tbs.len != 0 ? -1 : r;
}

/* Keep the anchor of the certificate in der[], if BearSSL can use it. */
static int
end_cert(struct loader *l)
{
	br_x509_trust_anchor *ta;
	struct cert ct;
	int r;

	l->certs++;
	if ((r = parse_cert(der, l->dlen, &ct)) < 0)
		return err_set(ERR_LOCAL, "%s: certificate %d is malformed",
		    l->path, l->certs);
	if (r > 0)
		return 0;
	if (nanchors == CA_ANCHORS_MAX)
		return err_set(ERR_LOCAL, "%s: more than %d certificates",
		    l->path, CA_ANCHORS_MAX);
	ta = &anchors[nanchors];
	memset(ta, 0, sizeof(*ta));
	ta->flags = ct.is_ca ? BR_X509_TA_CA : 0;
	ta->dn.len = ct.dnlen;
	ta->pkey.key_type = (unsigned char)ct.key_type;
	if ((ta->dn.data = arena_copy(ct.dn, ct.dnlen)) == NULL)
		goto full;
	if (ct.key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.nlen = ct.nlen;
		ta->pkey.key.rsa.elen = ct.elen;
		if ((ta->pkey.key.rsa.n = arena_copy(ct.n, ct.nlen)) == NULL ||
		    (ta->pkey.key.rsa.e = arena_copy(ct.e, ct.elen)) == NULL)
			goto full;
	} else {
		ta->pkey.key.ec.curve = ct.curve;
		ta->pkey.key.ec.qlen = ct.qlen;
		if ((ta->pkey.key.ec.q = arena_copy(ct.q, ct.qlen)) == NULL)
			goto full;
	}
	nanchors++;
	return 0;
full:
	return err_set(ERR_LOCAL, "%s: bundle larger than %d bytes of anchors",
	    l->path, CA_ARENA_MAX);
}

/* A marker line, "-----BEGIN LABEL-----" or "-----END LABEL-----". */
static int
is_mark(const struct loader *l, const char *kind, const char *label)
{
	size_t k = strlen(kind), n = label != NULL ? strlen(label) : 0;

	if (l->mlen < k || memcmp(l->mark, kind, k) != 0)
		return 0;
	if (label == NULL)
		return 1;
	return l->mlen == k + n + 5 && memcmp(l->mark + k, label, n) == 0 &&
	    memcmp(l->mark + k + n, "-----", 5) == 0;
}

static int
begin_cert(struct loader *l)
{
	l->state = PEM_IN_CERT;
	l->bits = 0;
	l->nbits = 0;
	l->pad = 0;
	l->dlen = 0;
	return 0;
}

/* The last base64 group, then the certificate. */
static int
finish_cert(struct loader *l)
{
	int ok;

	/* 2 sextets make a byte and 3 make two; "=" pads are optional but
	 * must fit.  One sextet alone is not base64. */
	ok = (l->nbits == 0 && l->pad == 0) ||
	    (l->nbits == 2 && (l->pad == 0 || l->pad == 2)) ||
	    (l->nbits == 3 && (l->pad == 0 || l->pad == 1));
	if (!ok)
		return err_set(ERR_LOCAL, "%s: malformed PEM", l->path);
	if (l->nbits > 0 && l->dlen + 2 > sizeof(der))
		return err_set(ERR_LOCAL, "%s: certificate %d is larger than %d "
		    "bytes", l->path, l->certs + 1, CA_CERT_MAX);
	if (l->nbits == 2)
		der[l->dlen++] = (unsigned char)(l->bits >> 4);
	else if (l->nbits == 3) {
		der[l->dlen++] = (unsigned char)(l->bits >> 10);
		der[l->dlen++] = (unsigned char)(l->bits >> 2);
	}
	l->state = PEM_OUTSIDE;
	return end_cert(l);
}

/* A line that began with '-' has ended: it may open or close an object. */
static int
end_mark(struct loader *l)
{
	/* Trailing blanks and a CR are not part of the marker. */
	while (l->mlen > 0 && (l->mark[l->mlen - 1] == '\r' ||
	    l->mark[l->mlen - 1] == ' ' || l->mark[l->mlen - 1] == '\t'))
		l->mlen--;
	switch (l->state) {
	case PEM_OUTSIDE:
		if (is_mark(l, "-----BEGIN ", "CERTIFICATE") ||
		    is_mark(l, "-----BEGIN ", "X509 CERTIFICATE"))
			return begin_cert(l);
		/* Keys, CRLs, OpenSSL's TRUSTED CERTIFICATE (whose trust
		 * settings we would not honour): skipped. */
		if (is_mark(l, "-----BEGIN ", NULL))
			l->state = PEM_IN_OTHER;
		return 0;
	case PEM_IN_OTHER:
		if (is_mark(l, "-----END ", NULL))
			l->state = PEM_OUTSIDE;
		return 0;
	case PEM_IN_CERT:
		if (is_mark(l, "-----END ", NULL))
			return finish_cert(l);
		break;
	}
	return err_set(ERR_LOCAL, "%s: malformed PEM", l->path);
}

/* Copy what fits of a marker line's bytes into mark[]. */
static void
keep_mark(struct loader *l, const unsigned char *p, size_t n)
{
	/* A longer line is no marker we know: its start is enough. */
	if (n > sizeof(l->mark) - l->mlen)
		n = sizeof(l->mark) - l->mlen;
	memcpy(l->mark + l->mlen, p, n);
	l->mlen += n;
}

/* Part of a line of a certificate's base64 body. */
static int
body(struct loader *l, const unsigned char *p, size_t n)
{
	uint32_t bits = l->bits;
	int nbits = l->nbits, v;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((v = b64tab[p[i]]) < 0) {
			if (v == B64_SKIP || (v == B64_PAD && ++l->pad <= 2))
				continue;
			return err_set(ERR_LOCAL, "%s: malformed PEM", l->path);
		}
		if (l->pad > 0)
			return err_set(ERR_LOCAL, "%s: malformed PEM", l->path);
		bits = bits << 6 | (uint32_t)v;
		if (++nbits < 4)
			continue;
		if (l->dlen + 3 > sizeof(der))
			return err_set(ERR_LOCAL, "%s: certificate %d is larger "
			    "than %d bytes", l->path, l->certs + 1, CA_CERT_MAX);
		der[l->dlen++] = (unsigned char)(bits >> 16);
		der[l->dlen++] = (unsigned char)(bits >> 8);
		der[l->dlen++] = (unsigned char)bits;
		bits = 0;
		nbits = 0;
	}
	l->bits = bits;
	l->nbits = nbits;
	return 0;
}

/* A chunk of the file, cut anywhere: a line may go on in the next one. */
static int
feed(struct loader *l, const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len, *nl;

	while (p < end) {
		if (l->bol) {
			l->bol = 0;
			l->marking = *p == '-';
			l->mlen = 0;
		}
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (l->marking)
			keep_mark(l, p, (size_t)(nl - p));
		else if (l->state == PEM_IN_CERT &&
		    body(l, p, (size_t)(nl - p)) != 0)
			return -1;
		if ((p = nl) == end)
			break;
		if (l->marking && end_mark(l) != 0)
			return -1;
		l->bol = 1;
		l->marking = 0;
		p++;
	}
	return 0;
}

int
ca_load_file(const char *path)
{
	struct loader l;
	unsigned char buf[CA_READ_CHUNK];
	ssize_t r;
	int fd;

	memset(&l, 0, sizeof(l));
	l.path = path;
	l.bol = 1;
	nanchors = 0;
	arena_len = 0;
	loaded = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(ERR_LOCAL, "%s: %s", path, strerror(errno));
	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (feed(&l, buf, (size_t)r) != 0) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	if (r < 0)
		return err_set(ERR_LOCAL, "%s: %s", path, strerror(errno));
	/* A last line without a newline still counts. */
	if (l.marking && end_mark(&l) != 0)
		return -1;
	if (l.state == PEM_IN_CERT)
		return err_set(ERR_LOCAL, "%s: truncated PEM", path);
	if (l.certs == 0)
		return err_set(ERR_LOCAL, "%s: no certificate found", path);
	if (nanchors == 0)
		return err_set(ERR_LOCAL, "%s: no certificate with a key this "
		    "program can use (RSA up to 4096 bits, EC P-256, P-384, "
		    "P-521)", path);
	loaded = 1;
	return (int)nanchors;
}

const br_x509_trust_anchor *
ca_anchors(size_t *count)
{
	if (loaded) {
		*count = nanchors;
		return anchors;
	}
	*count = roots_count;
	return roots_anchors;
}
