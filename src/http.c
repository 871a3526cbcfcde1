/*
 * http.c — HTTP/1.1 request writer and incremental, bounded response
 * parser (RFC 9112).
 *
 * Every byte of a response is hostile until proved otherwise.  The parser
 * takes one byte of the head at a time into a fixed line buffer, so a
 * response split anywhere (one byte per TLS record, say) parses exactly
 * as the same bytes given at once.  Body bytes are copied in runs.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "http.h"

/*
 * One read from the stream.  A TLS record carries at most 16 KiB of
 * plaintext; 4 KiB reads keep the stack of http_exchange() small (the
 * parser already takes 16 KiB of it) at the cost of a few more calls.
 */
#define HTTP_READ_CHUNK		4096
/*
 * A chunk size line: at most 16 hex digits, then extensions we ignore.
 * Nobody needs kilobytes of chunk extensions; the cap stops a server
 * from streaming an endless one.
 */
#define HTTP_CHUNK_LINE_MAX	4096
/*
 * All chunk size lines of one body together.  A 1 MiB body in 8 KiB
 * chunks takes about a kilobyte of them; the cap stops a server sending
 * endless 4 KiB extensions on one-byte chunks under the body cap.
 */
#define HTTP_CHUNK_FRAMING_MAX	(64 * 1024)
/* 16 hex digits fill 64 bits, so a size of that length cannot overflow. */
#define HTTP_CHUNK_DIGITS_MAX	16
/* 18 decimal digits stay below 2^63, so Content-Length cannot overflow. */
#define HTTP_CL_DIGITS_MAX	18

enum {
	S_STATUS,	/* status line of a (possibly interim) response */
	S_HEADER,	/* header fields */
	S_BODY_CL,	/* Content-Length body, `remaining` bytes left */
	S_BODY_CLOSE,	/* body until the peer closes */
	S_CHUNK_SIZE,	/* chunk size line */
	S_CHUNK_DATA,	/* chunk data, `remaining` bytes left */
	S_CHUNK_CR,	/* CR (or bare LF) after chunk data */
	S_CHUNK_LF,	/* LF after that CR */
	S_TRAILER,	/* trailer fields after the last chunk */
	S_DONE,
	S_ERROR
};

static int
fail(struct http_parser *p)
{
	p->state = S_ERROR;
	return HTTP_ERROR;
}

static size_t
body_cap(const struct http_parser *p)
{
	/* Without a buffer, any body byte is too many. */
	return p->resp->body != NULL ? p->resp->body_cap : 0;
}

static int
too_large(struct http_parser *p)
{
	err_set(ERR_PROTO, "response body larger than %zu bytes", body_cap(p));
	return fail(p);
}

static void
finish(struct http_parser *p)
{
	struct http_response *r = p->resp;

	/* A convenience for callers; they must still use body_len. */
	if (r->body != NULL && r->body_len < r->body_cap)
		r->body[r->body_len] = '\0';
	p->state = S_DONE;
}

static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Field values may hold HTAB, visible ASCII and obs-text, nothing else. */
static int
is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive: does s (n bytes) equal the lower-case literal lit? */
static int
ci_eq(const char *s, size_t n, const char *lit)
{
	size_t i;

	if (strlen(lit) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != lit[i])
			return 0;
	return 1;
}

static void
keep_value(char *dst, size_t cap, const char *v, size_t n)
{
	if (n > cap - 1)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* Start a new head (status line and fields) after a 1xx or at init. */
static void
head_reset(struct http_parser *p)
{
	p->state = S_STATUS;
	p->head_len = 0;
	p->line_len = 0;
	p->headers_seen = 0;
}

void
http_parser_init(struct http_parser *p, struct http_response *resp,
    int method_is_head)
{
	p->resp = resp;
	p->method_is_head = method_is_head;
	p->saw_cl = p->saw_te = p->chunked = 0;
	p->http10 = p->conn_close = p->conn_keep = 0;
	p->content_length = 0;
	p->remaining = 0;
	p->interim = 0;
	p->framing_len = 0;
	head_reset(p);
	resp->status = 0;
	resp->keep_alive = 0;
	resp->location[0] = '\0';
	resp->retry_after[0] = '\0';
	resp->body_len = 0;
}

static int
parse_status(struct http_parser *p, const char *s, size_t n)
{
	int code;
	size_t i;

	/* "HTTP/" was checked byte by byte as it arrived, if present. */
	if (n < 5) {
		err_set(ERR_PROTO,
		    "response does not start with a status line");
		return fail(p);
	}
	if (n < 8 || s[5] != '1' || s[6] != '.' ||
	    (s[7] != '0' && s[7] != '1')) {
		err_set(ERR_PROTO, "unsupported HTTP version in status line");
		return fail(p);
	}
	if (n < 9 || s[8] != ' ') {
		err_set(ERR_PROTO, "malformed status line");
		return fail(p);
	}
	for (i = 9; i < 12; i++)
		if (i >= n || s[i] < '0' || s[i] > '9')
			break;
	if (i < 12 || (n > 12 && s[12] != ' ')) {
		err_set(ERR_PROTO, "status code is not three digits");
		return fail(p);
	}
	code = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (code < 100 || code > 599) {
		err_set(ERR_PROTO, "status code %d out of range", code);
		return fail(p);
	}
	for (i = 12; i < n; i++) {
		if (is_ctl((unsigned char)s[i])) {
			err_set(ERR_PROTO,
			    "control character in reason phrase");
			return fail(p);
		}
	}
	if (code == 101) {
		/* We never ask to switch protocols. */
		err_set(ERR_PROTO,
		    "unexpected 101 Switching Protocols response");
		return fail(p);
	}
	if (code < 200 && ++p->interim > HTTP_INTERIM_MAX) {
		err_set(ERR_PROTO, "more than %d interim 1xx responses",
		    HTTP_INTERIM_MAX);
		return fail(p);
	}
	p->resp->status = code;
	p->http10 = s[7] == '0';
	p->state = S_HEADER;
	return HTTP_MORE;
}

static int
parse_content_length(struct http_parser *p, const char *v, size_t n)
{
	unsigned long long cl = 0;
	size_t i;

	/* A repeat, even identical, means someone is confused about framing. */
	if (p->saw_cl) {
		err_set(ERR_PROTO, "repeated Content-Length in response");
		return fail(p);
	}
	p->saw_cl = 1;
	if (n == 0) {
		err_set(ERR_PROTO, "empty Content-Length in response");
		return fail(p);
	}
	if (n > HTTP_CL_DIGITS_MAX) {
		err_set(ERR_PROTO, "Content-Length longer than %d digits",
		    HTTP_CL_DIGITS_MAX);
		return fail(p);
	}
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9') {
			err_set(ERR_PROTO, "Content-Length is not a number");
			return fail(p);
		}
		cl = cl * 10 + (unsigned)(v[i] - '0');
	}
	p->content_length = cl;
	return HTTP_MORE;
}

static int
parse_transfer_encoding(struct http_parser *p, const char *v, size_t n)
{
	if (p->saw_te) {
		err_set(ERR_PROTO, "repeated Transfer-Encoding in response");
		return fail(p);
	}
	p->saw_te = 1;
	/* Anything but a lone "chunked" is a coding we cannot undo. */
	if (!ci_eq(v, n, "chunked")) {
		err_set(ERR_PROTO, "unsupported Transfer-Encoding in response");
		return fail(p);
	}
	p->chunked = 1;
	return HTTP_MORE;
}

/* Connection is a comma-separated token list; we care about two. */
static void
parse_connection(struct http_parser *p, const char *v, size_t n)
{
	size_t i = 0, start, end;

	while (i < n) {
		while (i < n && (is_ows((unsigned char)v[i]) || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i;
		while (end > start && is_ows((unsigned char)v[end - 1]))
			end--;
		if (ci_eq(v + start, end - start, "close"))
			p->conn_close = 1;
		else if (ci_eq(v + start, end - start, "keep-alive"))
			p->conn_keep = 1;
	}
}

/* One field line (not the empty one) of a head or of the trailers. */
static int
parse_field(struct http_parser *p, const char *s, size_t n)
{
	const char *what = p->state == S_TRAILER ? "trailer" : "header";
	size_t name_len, vs, ve, i;

	if (++p->headers_seen > HTTP_HEADERS_MAX) {
		err_set(ERR_PROTO, "more than %d %s fields in response",
		    HTTP_HEADERS_MAX, what);
		return fail(p);
	}
	if (is_ows((unsigned char)s[0])) {
		err_set(ERR_PROTO,
		    "obsolete line folding in response %s", what);
		return fail(p);
	}
	for (name_len = 0; name_len < n; name_len++)
		if (!is_tchar((unsigned char)s[name_len]))
			break;
	if (name_len == 0 || name_len == n || s[name_len] != ':') {
		err_set(ERR_PROTO, "malformed response %s field", what);
		return fail(p);
	}
	vs = name_len + 1;
	ve = n;
	while (vs < ve && is_ows((unsigned char)s[vs]))
		vs++;
	while (ve > vs && is_ows((unsigned char)s[ve - 1]))
		ve--;
	for (i = vs; i < ve; i++) {
		if (is_ctl((unsigned char)s[i])) {
			err_set(ERR_PROTO, "control character in response %s",
			    what);
			return fail(p);
		}
	}
	/* Trailers and the fields of 1xx responses are checked, not used. */
	if (p->state == S_TRAILER || p->resp->status < 200)
		return HTTP_MORE;
	if (ci_eq(s, name_len, "content-length"))
		return parse_content_length(p, s + vs, ve - vs);
	if (ci_eq(s, name_len, "transfer-encoding"))
		return parse_transfer_encoding(p, s + vs, ve - vs);
	if (ci_eq(s, name_len, "connection"))
		parse_connection(p, s + vs, ve - vs);
	else if (ci_eq(s, name_len, "location"))
		keep_value(p->resp->location, sizeof(p->resp->location),
		    s + vs, ve - vs);
	else if (ci_eq(s, name_len, "retry-after"))
		keep_value(p->resp->retry_after, sizeof(p->resp->retry_after),
		    s + vs, ve - vs);
	return HTTP_MORE;
}

/* The empty line ended a head: decide how the body is framed. */
static int
head_done(struct http_parser *p)
{
	struct http_response *r = p->resp;

	if (r->status < 200) {
		head_reset(p);
		return HTTP_MORE;
	}
	if (p->saw_te && p->saw_cl) {
		err_set(ERR_PROTO,
		    "both Transfer-Encoding and Content-Length in response");
		return fail(p);
	}
	if (p->http10)
		r->keep_alive = p->conn_keep && !p->conn_close;
	else
		r->keep_alive = !p->conn_close;
	if (p->method_is_head || r->status == 204 || r->status == 304) {
		finish(p);
		return HTTP_MORE;
	}
	if (p->chunked) {
		/* RFC 9112 6.1: chunked in HTTP/1.0 means faulty framing. */
		if (p->http10)
			r->keep_alive = 0;
		p->line_len = 0;
		p->state = S_CHUNK_SIZE;
		return HTTP_MORE;
	}
	if (p->saw_cl) {
		if (p->content_length > body_cap(p))
			return too_large(p);
		p->remaining = p->content_length;
		if (p->remaining == 0)
			finish(p);
		else
			p->state = S_BODY_CL;
		return HTTP_MORE;
	}
	r->keep_alive = 0;
	p->state = S_BODY_CLOSE;
	return HTTP_MORE;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_chunk_size(struct http_parser *p, const char *s, size_t n)
{
	unsigned long long size = 0;
	size_t i;
	int d;

	for (i = 0; i < n && (d = hex_value((unsigned char)s[i])) >= 0; i++) {
		if (i == HTTP_CHUNK_DIGITS_MAX) {
			err_set(ERR_PROTO,
			    "chunk size longer than %d hex digits",
			    HTTP_CHUNK_DIGITS_MAX);
			return fail(p);
		}
		size = size << 4 | (unsigned)d;
	}
	if (i == 0) {
		err_set(ERR_PROTO, "chunk size is not hexadecimal");
		return fail(p);
	}
	while (i < n && is_ows((unsigned char)s[i]))
		i++;
	/* Extensions after ';' carry nothing we use. */
	if (i < n && s[i] != ';') {
		err_set(ERR_PROTO, "chunk size is not hexadecimal");
		return fail(p);
	}
	if (size > body_cap(p) - p->resp->body_len)
		return too_large(p);
	if (size == 0) {
		p->head_len = 0;
		p->headers_seen = 0;
		p->state = S_TRAILER;
		return HTTP_MORE;
	}
	p->remaining = size;
	p->state = S_CHUNK_DATA;
	return HTTP_MORE;
}

/* A complete line (terminator removed) is in p->line. */
static int
line_done(struct http_parser *p)
{
	const char *s = p->line;
	size_t n = p->line_len;

	p->line_len = 0;
	switch (p->state) {
	case S_STATUS:
		return parse_status(p, s, n);
	case S_HEADER:
		if (n == 0)
			return head_done(p);
		return parse_field(p, s, n);
	case S_TRAILER:
		if (n == 0) {
			finish(p);
			return HTTP_MORE;
		}
		return parse_field(p, s, n);
	default:
		return parse_chunk_size(p, s, n);
	}
}

/*
 * Take one byte of a line-oriented part.  Returns 1 when a line is
 * complete, 0 when more is needed, HTTP_ERROR on bad input.
 */
static int
line_byte(struct http_parser *p, unsigned char c)
{
	static const char prefix[] = "HTTP/";
	int chunk = p->state == S_CHUNK_SIZE;
	const char *what = chunk ? "chunk size line" :
	    p->state == S_TRAILER ? "trailer section" : "head";

	if (!chunk && ++p->head_len > HTTP_HEAD_MAX) {
		err_set(ERR_PROTO, "response %s larger than %d bytes", what,
		    HTTP_HEAD_MAX);
		return fail(p);
	}
	if (c == '\0') {
		err_set(ERR_PROTO, "NUL byte in response %s", what);
		return fail(p);
	}
	/* A CR is only ever the first half of a line end. */
	if (p->line_len > 0 && p->line[p->line_len - 1] == '\r' && c != '\n') {
		err_set(ERR_PROTO, "bare CR in response %s", what);
		return fail(p);
	}
	if (c == '\n') {
		if (p->line_len > 0 && p->line[p->line_len - 1] == '\r')
			p->line_len--;
		return 1;
	}
	/* Refuse an HTTP/0.9-style body at once instead of buffering it. */
	if (p->state == S_STATUS && p->line_len < sizeof(prefix) - 1 &&
	    c != (unsigned char)prefix[p->line_len]) {
		err_set(ERR_PROTO,
		    "response does not start with a status line");
		return fail(p);
	}
	if (chunk && ++p->framing_len > HTTP_CHUNK_FRAMING_MAX) {
		err_set(ERR_PROTO, "chunk size lines larger than %d bytes in "
		    "all", HTTP_CHUNK_FRAMING_MAX);
		return fail(p);
	}
	if (chunk && p->line_len >= HTTP_CHUNK_LINE_MAX) {
		err_set(ERR_PROTO, "chunk size line longer than %d bytes",
		    HTTP_CHUNK_LINE_MAX);
		return fail(p);
	}
	/* Unreachable given the counts above: the buffer's own guard. */
	if (p->line_len >= sizeof(p->line)) {
		err_set(ERR_PROTO, "response %s larger than %d bytes", what,
		    HTTP_HEAD_MAX);
		return fail(p);
	}
	p->line[p->line_len++] = (char)c;
	return 0;
}

/* Copy up to n body bytes; returns how many were taken. */
static size_t
body_bytes(struct http_parser *p, const unsigned char *d, size_t n)
{
	struct http_response *r = p->resp;

	if (p->state != S_BODY_CLOSE && n > p->remaining)
		n = (size_t)p->remaining;
	/* Caps were checked against the framing before we got here. */
	memcpy(r->body + r->body_len, d, n);
	r->body_len += n;
	if (p->state == S_BODY_CLOSE)
		return n;
	p->remaining -= n;
	if (p->remaining == 0) {
		if (p->state == S_BODY_CL)
			finish(p);
		else
			p->state = S_CHUNK_CR;
	}
	return n;
}

/* One byte of the line end that must follow chunk data. */
static int
chunk_end_byte(struct http_parser *p, unsigned char c)
{
	if (p->state == S_CHUNK_CR && c == '\r') {
		p->state = S_CHUNK_LF;
		return HTTP_MORE;
	}
	if (c == '\n') {
		p->line_len = 0;
		p->state = S_CHUNK_SIZE;
		return HTTP_MORE;
	}
	err_set(ERR_PROTO, "missing CRLF after chunk data");
	return fail(p);
}

int
http_parser_feed(struct http_parser *p, const unsigned char *data, size_t len,
    size_t *used)
{
	size_t i = 0;
	int r;

	if (used != NULL)
		*used = 0;
	if (p->state == S_ERROR)
		return HTTP_ERROR;
	if (p->state == S_DONE)
		return HTTP_DONE;
	while (i < len) {
		switch (p->state) {
		case S_BODY_CLOSE:
			if (len - i > body_cap(p) - p->resp->body_len)
				return too_large(p);
			/* FALLTHROUGH */
		case S_BODY_CL:
		case S_CHUNK_DATA:
			i += body_bytes(p, data + i, len - i);
			break;
		case S_CHUNK_CR:
		case S_CHUNK_LF:
			if (chunk_end_byte(p, data[i++]) == HTTP_ERROR)
				return HTTP_ERROR;
			break;
		default:
			r = line_byte(p, data[i++]);
			if (r == HTTP_ERROR)
				return HTTP_ERROR;
			if (r == 1 && line_done(p) == HTTP_ERROR)
				return HTTP_ERROR;
			break;
		}
		if (p->state == S_DONE) {
			if (used != NULL)
				*used = i;
			return HTTP_DONE;
		}
	}
	if (used != NULL)
		*used = len;
	return HTTP_MORE;
}

int
http_parser_eof(struct http_parser *p, int clean)
{
	if (p->state == S_DONE)
		return HTTP_DONE;
	if (p->state == S_ERROR)
		return HTTP_ERROR;
	if (p->state != S_BODY_CLOSE) {
		err_set(ERR_PROTO,
		    "connection closed before the response was complete");
		return fail(p);
	}
	if (!clean) {
		/* Without close_notify an attacker may have cut the body. */
		err_set(ERR_PROTO, "connection closed without TLS close_notify "
		    "before the end of a body delimited by the close");
		return fail(p);
	}
	finish(p);
	return HTTP_DONE;
}

static void
put_field(struct buf *o, const char *name, const char *value)
{
	buf_str(o, name);
	buf_put(o, ": ", 2);
	buf_str(o, value);
	buf_put(o, "\r\n", 2);
}

/* A header value must not end the line or the string early. */
static int
check_value(const char *what, const char *v)
{
	if (v == NULL)
		return err_set(ERR_LOCAL, "request has no %s", what);
	/* Never print v: it may be the bearer. */
	if (strpbrk(v, "\r\n") != NULL)
		return err_set(ERR_LOCAL, "request %s holds CR or LF", what);
	return 0;
}

static int
check_request(const struct http_request *req)
{
	const char *s;

	if (req->method == NULL || req->method[0] == '\0')
		return err_set(ERR_LOCAL, "request has no method");
	for (s = req->method; *s != '\0'; s++)
		if (!is_tchar((unsigned char)*s))
			return err_set(ERR_LOCAL,
			    "request method is not a token");
	if (req->target == NULL || req->target[0] != '/')
		return err_set(ERR_LOCAL, "request target is not a path");
	for (s = req->target; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s == 0x7f)
			return err_set(ERR_LOCAL,
			    "request target holds a space or control "
			    "character");
	if (check_value("host", req->host) == -1 ||
	    check_value("user agent", req->user_agent) == -1)
		return -1;
	if (req->host[0] == '\0')
		return err_set(ERR_LOCAL, "request has an empty host");
	if (req->bearer != NULL && check_value("bearer token",
	    req->bearer) == -1)
		return -1;
	if (req->body != NULL &&
	    check_value("content type", req->content_type) == -1)
		return -1;
	return 0;
}

long
http_build_request(unsigned char *out,
    size_t cap, const struct http_request *req)
{
	struct buf o = BUF_INIT(out, cap);
	char num[32];
	int n;

	if (check_request(req) == -1)
		return -1;
	buf_str(&o, req->method);
	buf_put(&o, " ", 1);
	buf_str(&o, req->target);
	buf_str(&o, " HTTP/1.1\r\n");
	put_field(&o, "Host", req->host);
	put_field(&o, "User-Agent", req->user_agent);
	put_field(&o, "Accept", "application/json");
	if (req->bearer != NULL) {
		buf_str(&o, "Authorization: Bearer ");
		buf_str(&o, req->bearer);
		buf_put(&o, "\r\n", 2);
	}
	if (req->body != NULL)
		put_field(&o, "Content-Type", req->content_type);
	if (req->body != NULL || strcmp(req->method, "POST") == 0) {
		n = snprintf(num, sizeof(num), "%zu",
		    req->body != NULL ? req->body_len : 0);
		if (n < 0 || (size_t)n >= sizeof(num))
			return err_set(ERR_LOCAL,
			    "request body length too large");
		put_field(&o, "Content-Length", num);
	}
	buf_put(&o, "\r\n", 2);
	if (req->body != NULL)
		buf_put(&o, req->body, req->body_len);
	if (o.over || o.len > (size_t)LONG_MAX) {
		/* What was written may hold part of the bearer. */
		explicit_bzero(out, o.len);
		return err_set(ERR_LOCAL, "request larger than %zu bytes", cap);
	}
	return (long)o.len;
}

int
http_exchange(const struct http_io *io, const struct http_request *req,
    struct http_response *resp)
{
	unsigned char req_buf[HTTP_REQUEST_MAX];
	unsigned char in[HTTP_READ_CHUNK];
	struct http_parser p;
	long n;
	size_t used;
	int r = 0, ret = -1;

	n = http_build_request(req_buf, sizeof(req_buf), req);
	if (n >= 0) {
		r = io->write(io->ctx, req_buf, (size_t)n);
		if (r != 0)
			err_set(ERR_NET, "cannot send the request");
	}
	explicit_bzero(req_buf, sizeof(req_buf));
	if (n < 0 || r != 0)
		return -1;

	http_parser_init(&p, resp, strcmp(req->method, "HEAD") == 0);
	for (;;) {
		n = io->read(io->ctx, in, sizeof(in));
		if (n == 0 || n == -2) {
			if (http_parser_eof(&p, n == 0) == HTTP_DONE)
				ret = 0;
			break;
		}
		if (n < 0 || (size_t)n > sizeof(in)) {
			/* The stream set the cause; this only backs it up. */
			err_set(ERR_NET, "cannot read the response");
			break;
		}
		r = http_parser_feed(&p, in, (size_t)n, &used);
		if (r == HTTP_ERROR)
			break;
		if (r == HTTP_DONE) {
			/* We never pipeline, so nothing may follow. */
			if (used != (size_t)n)
				err_set(ERR_PROTO,
				    "unexpected data after response");
			else
				ret = 0;
			break;
		}
	}
	/* The response may carry a freshly created token. */
	explicit_bzero(in, sizeof(in));
	return ret;
}
