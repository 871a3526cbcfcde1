/*
 * http_fuzz.h — the response parser run three ways over one input: all
 * bytes in one call, in pseudo-random pieces, and (for inputs of a few
 * KiB) one byte per call.  http.h promises the same result whatever the
 * split, so every outcome must match exactly, and each must keep the
 * parser's own promises: a final status of 200..599, a body within its
 * cap (the buffer is exactly cap bytes, so AddressSanitizer sees one byte
 * too many), sticky DONE and ERROR, ERR_PROTO with a printable message.
 *
 * Input: byte 0 holds flags (bit 0: HEAD request; bits 1-2: body cap
 * 0, 16, 256 or 65536; bit 3: the close after the input is clean), byte 1
 * seeds the split, the rest is the response after an optional prefix.
 */
#ifndef HTTP_FUZZ_H
#define HTTP_FUZZ_H

#include <string.h>

#include "../../src/err.h"
#include "../../src/http.h"
#include "fuzz.h"

/* Longest input split one byte per call: beyond it that run costs more
 * than it finds, since the head is taken a byte at a time anyway. */
#define HTTP_FUZZ_BYTEWISE_MAX	4096
/* The whole response (prefix and fuzz data) is assembled here. */
#define HTTP_FUZZ_IN_MAX	(1024 * 1024)

struct http_outcome {
	int rc;
	size_t used;			/* bytes of input the response took */
	int status, keep_alive;
	size_t body_len;
	unsigned char *body;		/* exactly cap bytes, or NULL */
	enum err_class cls;
	char msg[ERR_MSG_MAX];
	char location[HTTP_LOCATION_MAX];
	char retry_after[HTTP_RETRY_AFTER_MAX];
};

static size_t
http_fuzz_piece(size_t left, uint32_t *rng)
{
	size_t n;

	*rng = *rng * 1103515245u + 12345u;
	n = (*rng >> 16) & 1 ? 1 + (*rng >> 17) % 7 : 1 + (*rng >> 17) % 700;
	return n < left ? n : left;
}

/* mode 0: whole; 1: one byte per call; else the seed of a random split. */
static void
http_fuzz_parse(const unsigned char *in, size_t len, int head, size_t cap,
    int clean, uint32_t mode, struct http_outcome *o)
{
	struct http_parser p;
	struct http_response r;
	size_t off = 0, n, u;
	int rc = HTTP_MORE;

	memset(&r, 0, sizeof(r));
	o->body = cap > 0 ? malloc(cap) : NULL;
	FUZZ_ASSERT(cap == 0 || o->body != NULL);
	r.body = o->body;
	r.body_cap = cap;
	err_clear();
	http_parser_init(&p, &r, head);
	while (off < len) {
		n = mode == 0 ? len - off : mode == 1 ? 1 :
		    http_fuzz_piece(len - off, &mode);
		u = (size_t)-1;
		rc = http_parser_feed(&p, in + off, n, &u);
		if (rc == HTTP_DONE) {
			FUZZ_ASSERT(u <= n);
			off += u;
			break;
		}
		if (rc == HTTP_ERROR)
			break;
		FUZZ_ASSERT(rc == HTTP_MORE && u == n);
		off += n;
	}
	if (rc == HTTP_MORE) {
		rc = http_parser_eof(&p, clean);
		FUZZ_ASSERT(rc == HTTP_DONE || rc == HTTP_ERROR);
	}
	/* Both ends are sticky. */
	if (rc == HTTP_DONE) {
		FUZZ_ASSERT(http_parser_feed(&p, in, len, &u) == HTTP_DONE);
		FUZZ_ASSERT(u == 0);
		FUZZ_ASSERT(http_parser_eof(&p, 0) == HTTP_DONE);
	} else {
		FUZZ_ASSERT(http_parser_feed(&p, in, len, &u) == HTTP_ERROR);
		FUZZ_ASSERT(http_parser_eof(&p, 1) == HTTP_ERROR);
	}
	o->rc = rc;
	o->used = rc == HTTP_DONE ? off : 0;
	o->status = r.status;
	o->keep_alive = r.keep_alive;
	o->body_len = r.body_len;
	o->cls = err_class();
	snprintf(o->msg, sizeof(o->msg), "%s", err_msg());
	FUZZ_ASSERT(memchr(r.location, '\0', sizeof(r.location)) != NULL);
	FUZZ_ASSERT(memchr(r.retry_after, '\0', sizeof(r.retry_after)) != NULL);
	memcpy(o->location, r.location, sizeof(o->location));
	memcpy(o->retry_after, r.retry_after, sizeof(o->retry_after));
}

/* What any single outcome must satisfy. */
static void
http_fuzz_check(const struct http_outcome *o, int head, size_t cap)
{
	FUZZ_ASSERT(o->body_len <= cap);
	if (o->rc == HTTP_ERROR) {
		FUZZ_ASSERT(o->cls == ERR_PROTO);
		FUZZ_ASSERT(o->msg[0] != '\0' && fuzz_printable(o->msg));
		return;
	}
	FUZZ_ASSERT(o->rc == HTTP_DONE && o->cls == ERR_OK);
	FUZZ_ASSERT(o->status >= 200 && o->status <= 599);
	FUZZ_ASSERT(o->keep_alive == 0 || o->keep_alive == 1);
	if (head || o->status == 204 || o->status == 304)
		FUZZ_ASSERT(o->body_len == 0);
	/* The parser adds a NUL after the body when there is room. */
	if (o->body != NULL && o->body_len < cap)
		FUZZ_ASSERT(o->body[o->body_len] == '\0');
}

static void
http_fuzz_same(const struct http_outcome *a, const struct http_outcome *b)
{
	FUZZ_ASSERT(a->rc == b->rc);
	FUZZ_ASSERT(a->cls == b->cls);
	FUZZ_ASSERT(strcmp(a->msg, b->msg) == 0);
	if (a->rc != HTTP_DONE)
		return;
	FUZZ_ASSERT(a->used == b->used);
	FUZZ_ASSERT(a->status == b->status);
	FUZZ_ASSERT(a->keep_alive == b->keep_alive);
	FUZZ_ASSERT(a->body_len == b->body_len);
	FUZZ_ASSERT(a->body_len == 0 ||
	    memcmp(a->body, b->body, a->body_len) == 0);
	FUZZ_ASSERT(strcmp(a->location, b->location) == 0);
	FUZZ_ASSERT(strcmp(a->retry_after, b->retry_after) == 0);
}

/*
 * Run the three ways over prefix + data[2..]; returns the whole-input
 * outcome for the caller's own checks (free its body).
 */
static void
http_fuzz_run(const uint8_t *data, size_t size, const char *prefix,
    int allow_head, struct http_outcome *whole, const unsigned char **in,
    size_t *in_len)
{
	static const size_t caps[] = { 0, 16, 256, 65536 };
	static unsigned char buf[HTTP_FUZZ_IN_MAX];
	struct http_outcome o;
	size_t plen = strlen(prefix), len;
	int head, clean;
	size_t cap;
	uint32_t seed;

	*in = buf;
	*in_len = 0;
	whole->rc = HTTP_MORE;
	whole->body = NULL;
	if (size < 2 || size - 2 > sizeof(buf) - plen)
		return;
	head = allow_head && (data[0] & 1);
	cap = caps[(data[0] >> 1) & 3];
	clean = (data[0] >> 3) & 1;
	seed = (uint32_t)data[1] << 8 | 0x5a;
	memcpy(buf, prefix, plen);
	memcpy(buf + plen, data + 2, size - 2);
	len = plen + size - 2;
	*in_len = len;

	http_fuzz_parse(buf, len, head, cap, clean, 0, whole);
	http_fuzz_check(whole, head, cap);
	http_fuzz_parse(buf, len, head, cap, clean, seed, &o);
	http_fuzz_check(&o, head, cap);
	http_fuzz_same(whole, &o);
	free(o.body);
	if (len <= HTTP_FUZZ_BYTEWISE_MAX) {
		http_fuzz_parse(buf, len, head, cap, clean, 1, &o);
		http_fuzz_check(&o, head, cap);
		http_fuzz_same(whole, &o);
		free(o.body);
	}
	err_clear();
}

#endif
