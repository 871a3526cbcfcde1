/*
 * http.h — HTTP/1.1 request writer and incremental, bounded response parser.
 *
 * The parser is a pure state machine: bytes in, events and a body out.
 * It never reads a socket itself, so it can be unit-tested and fuzzed
 * byte by byte.  http_exchange() drives it over any byte stream (plain
 * socket or TLS) through struct http_io.
 *
 * Framing follows RFC 9112: 1xx responses are skipped, 204 and 304 have
 * no body, otherwise Transfer-Encoding: chunked, else Content-Length, else
 * the body runs until the peer closes — accepted only when the close was
 * clean (TLS close_notify), since a bare TCP close could be a truncation.
 * Conflicting or repeated framing headers, a Transfer-Encoding other than
 * a single "chunked", bad sizes and any bound crossed are errors of class
 * ERR_PROTO with a message naming the problem.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

/* Status line plus headers: Turso's real answers use under 1 KiB. */
#define HTTP_HEAD_MAX		(16 * 1024)
/* Header fields in one response; a real answer carries about 15. */
#define HTTP_HEADERS_MAX	100
/* One request: start line, headers with a JWT bearer (under 2 KiB), and
 * the largest body we send (a create with every scope, under 1 KiB). */
#define HTTP_REQUEST_MAX	(8 * 1024)
/* Kept values of interest; longer values are cut, not rejected. */
#define HTTP_LOCATION_MAX	512
#define HTTP_RETRY_AFTER_MAX	64
/* 1xx interim responses skipped before giving up. */
#define HTTP_INTERIM_MAX	8

struct http_request {
	const char *method;		/* "GET", "POST", "DELETE" */
	const char *host;		/* Host header value, port included if not default */
	const char *target;		/* origin-form, already percent-encoded */
	const char *bearer;		/* secret, or NULL: "Authorization: Bearer <bearer>" */
	const char *user_agent;		/* "turso-token/VERSION" */
	const unsigned char *body;	/* NULL for none */
	size_t body_len;		/* sent as Content-Length when body != NULL */
	const char *content_type;	/* sent when body != NULL */
};

/*
 * Build the request into out (cap bytes).  Always sends Host, User-Agent
 * and Accept: application/json; Authorization when bearer != NULL;
 * Content-Type and Content-Length when body != NULL, and "Content-Length: 0"
 * for a POST without body.  Returns the length, or -1 with ERR_LOCAL set
 * when it does not fit or when any value holds CR, LF or NUL.  The caller
 * erases out after sending, since it holds the bearer.
 */
long http_build_request(unsigned char *out, size_t cap,
    const struct http_request *req);

/* What the parser keeps of a response. */
struct http_response {
	int status;				/* 100..599, final (non-1xx) status */
	int keep_alive;				/* 1 if the connection may be reused */
	char location[HTTP_LOCATION_MAX];	/* Location value, "" if none */
	char retry_after[HTTP_RETRY_AFTER_MAX];	/* Retry-After value, "" if none */
	unsigned char *body;			/* caller's buffer */
	size_t body_cap;			/* its size; a larger body is ERR_PROTO */
	size_t body_len;			/* bytes of body received */
};

enum http_state_result {
	HTTP_MORE = 0,		/* consumed everything given, needs more */
	HTTP_DONE = 1,		/* response complete; *used tells how much was consumed */
	HTTP_ERROR = -1		/* err_set() was called (ERR_PROTO) */
};

/* Parser state.  Opaque in spirit; on the caller's stack. */
struct http_parser {
	struct http_response *resp;
	int method_is_head;		/* no body expected whatever the headers */
	int state;
	int headers_seen;
	size_t head_len;		/* bytes of the current head so far */
	size_t framing_len;		/* bytes of all chunk size lines */
	char line[HTTP_HEAD_MAX];	/* current header line being assembled */
	size_t line_len;
	int saw_cl, saw_te, chunked, http10, conn_close, conn_keep;
	unsigned long long content_length;
	unsigned long long remaining;	/* of the current chunk or of the body */
	int interim;
};

/* Start parsing a response into resp (whose body/body_cap are set). */
void http_parser_init(struct http_parser *p, struct http_response *resp,
    int method_is_head);

/*
 * Feed len bytes.  On HTTP_DONE, *used is the number of bytes that were
 * part of this response (the rest belong to a next response, which this
 * program never pipelines, so callers treat them as an error).  Once
 * DONE, later calls return HTTP_DONE with *used 0; once HTTP_ERROR, they
 * return HTTP_ERROR.  used may be NULL.
 */
int http_parser_feed(struct http_parser *p, const unsigned char *data,
    size_t len, size_t *used);

/*
 * The peer closed.  clean is 1 for a TLS close_notify (or a plain-TCP FIN
 * on loopback http), 0 for a TCP close without close_notify.  Returns
 * HTTP_DONE if that close legitimately ends a close-delimited body, else
 * HTTP_ERROR with a message ("connection closed before the response was
 * complete", "... without TLS close_notify ...").
 */
int http_parser_eof(struct http_parser *p, int clean);

/*
 * A byte stream.  read returns >0 bytes, 0 for a clean close, -2 for a
 * close without close_notify, -1 for any other error (err_set() done by the
 * stream: ERR_NET for timeouts, ERR_TLS for TLS failures).  write sends all
 * of buf or returns -1 with the error set.
 */
struct http_io {
	long (*read)(void *ctx, unsigned char *buf, size_t len);
	int (*write)(void *ctx, const unsigned char *buf, size_t len);
	void *ctx;
};

/*
 * Send req and read the response into resp.  Returns 0 when a complete
 * response was received (whatever its status), -1 otherwise with the
 * error set.  The request buffer (with the bearer) is erased before return.
 */
int http_exchange(const struct http_io *io, const struct http_request *req,
    struct http_response *resp);

#endif
