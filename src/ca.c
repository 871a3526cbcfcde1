/* ca.c — PEM bundle to trust anchors, streaming, into a static arena. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ca.h"
#include "err.h"

/* Read size: a bundle is read in a few dozen reads, the stack stays small. */
#define CA_READ_CHUNK	4096

static br_x509_trust_anchor anchors[CA_ANCHORS_MAX];
static size_t nanchors;
static int loaded;
static unsigned char arena[CA_ARENA_MAX];
static size_t arena_len;

/* The certificate being decoded. */
struct loader {
	const char *path;
	br_x509_decoder_context xc;
	int in_cert;		/* inside a CERTIFICATE object */
	size_t dn_start, dn_len;
	int overflow;		/* arena full while copying the DN */
	int certs;		/* certificates seen, for messages */
};

static void *
arena_take(size_t len)
{
	void *p;

	if (len > sizeof(arena) - arena_len)
		return NULL;
	p = arena + arena_len;
	arena_len += len;
	return p;
}

static void
append_dn(void *ctx, const void *buf, size_t len)
{
	struct loader *l = ctx;
	unsigned char *p;

	if ((p = arena_take(len)) == NULL) {
		l->overflow = 1;
		return;
	}
	memcpy(p, buf, len);
	l->dn_len += len;
}

static void
push_der(void *ctx, const void *buf, size_t len)
{
	struct loader *l = ctx;

	br_x509_decoder_push(&l->xc, buf, len);
}

static void
begin_object(struct loader *l, const char *name)
{
	/* "CERTIFICATE" and OpenSSL's "TRUSTED CERTIFICATE" hold the same
	 * DER certificate first; anything else (keys, CRLs) is skipped. */
	l->in_cert = strcmp(name, "CERTIFICATE") == 0 ||
	    strcmp(name, "X509 CERTIFICATE") == 0;
	if (!l->in_cert)
		return;
	l->dn_start = arena_len;
	l->dn_len = 0;
	br_x509_decoder_init(&l->xc, append_dn, l);
}

/* Copy the key of a decoded certificate into the arena. */
static int
keep_key(struct loader *l, br_x509_trust_anchor *ta, const br_x509_pkey *pk)
{
	unsigned char *n, *e, *q;

	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		n = arena_take(pk->key.rsa.nlen);
		e = arena_take(pk->key.rsa.elen);
		if (n == NULL || e == NULL)
			return -1;
		memcpy(n, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(e, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.n = n;
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = e;
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
		return 0;
	}
	if ((q = arena_take(pk->key.ec.qlen)) == NULL)
		return -1;
	(void)l;
	memcpy(q, pk->key.ec.q, pk->key.ec.qlen);
	ta->pkey.key.ec.curve = pk->key.ec.curve;
	ta->pkey.key.ec.q = q;
	ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	return 0;
}

static int
end_object(struct loader *l)
{
	br_x509_trust_anchor *ta;
	const br_x509_pkey *pk;
	int e;

	if (!l->in_cert)
		return 0;
	l->in_cert = 0;
	l->certs++;
	if (l->overflow)
		return err_set(ERR_LOCAL, "%s: bundle larger than %d bytes of "
		    "anchors", l->path, CA_ARENA_MAX);
	if ((e = br_x509_decoder_last_error(&l->xc)) != 0)
		return err_set(ERR_LOCAL, "%s: certificate %d is malformed "
		    "(BearSSL error %d)", l->path, l->certs, e);
	if (nanchors == CA_ANCHORS_MAX)
		return err_set(ERR_LOCAL, "%s: more than %d certificates",
		    l->path, CA_ANCHORS_MAX);
	ta = &anchors[nanchors];
	ta->dn.data = arena + l->dn_start;
	ta->dn.len = l->dn_len;
	ta->flags = br_x509_decoder_isCA(&l->xc) ? BR_X509_TA_CA : 0;
	if ((pk = br_x509_decoder_get_pkey(&l->xc)) == NULL ||
	    keep_key(l, ta, pk) != 0)
		return err_set(ERR_LOCAL, "%s: bundle larger than %d bytes of "
		    "anchors", l->path, CA_ARENA_MAX);
	nanchors++;
	return 0;
}

/* Feed a chunk to the PEM decoder, handling every event it stops at. */
static int
feed(struct loader *l, br_pem_decoder_context *pc, const unsigned char *buf,
    size_t len)
{
	size_t n;

	while (len > 0) {
		n = br_pem_decoder_push(pc, buf, len);
		buf += n;
		len -= n;
		switch (br_pem_decoder_event(pc)) {
		case BR_PEM_BEGIN_OBJ:
			begin_object(l, br_pem_decoder_name(pc));
			br_pem_decoder_setdest(pc, l->in_cert ? push_der : NULL, l);
			break;
		case BR_PEM_END_OBJ:
			if (end_object(l) != 0)
				return -1;
			break;
		case BR_PEM_ERROR:
			return err_set(ERR_LOCAL, "%s: malformed PEM", l->path);
		}
	}
	return 0;
}

int
ca_load_file(const char *path)
{
	static br_pem_decoder_context pc;
	struct loader l;
	unsigned char buf[CA_READ_CHUNK];
	ssize_t r;
	int fd;

	memset(&l, 0, sizeof(l));
	l.path = path;
	nanchors = 0;
	arena_len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(ERR_LOCAL, "%s: %s", path, strerror(errno));
	br_pem_decoder_init(&pc);
	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (feed(&l, &pc, buf, (size_t)r) != 0) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	if (r < 0)
		return err_set(ERR_LOCAL, "%s: %s", path, strerror(errno));
	if (l.in_cert)
		return err_set(ERR_LOCAL, "%s: truncated PEM", path);
	if (nanchors == 0)
		return err_set(ERR_LOCAL, "%s: no certificate found", path);
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
