/*
 * test_http.c — the response parser against good and hostile input, the
 * request writer byte for byte, and http_exchange() over a scripted stream.
 *
 * Every positive case is fed whole, byte by byte and in pseudo-random
 * splits: a parser that depends on where reads happen to end is wrong.
 */
#include <stdint.h>
#include <string.h>

#include "t.h"
#include "../../src/err.h"
#include "../../src/http.h"

/* Room for the largest body a case expects, plus a guard byte after it. */
#define BODY_BUF	(64 * 1024)
/* A small cap, like the one a caller would use for a JSON answer. */
#define CAP		256
/* Pseudo-random split patterns tried per case. */
#define SPLIT_SEEDS	6
/* Large generated inputs (100 KiB header line, 5000 headers). */
#define BIG_MAX		(200 * 1024)

enum { FEED_WHOLE, FEED_BYTES, FEED_SPLIT };
enum { NO_EOF, EOF_CLEAN, EOF_UNCLEAN };

static unsigned char body_buf[BODY_BUF + 1];
static char big[BIG_MAX];
static uint32_t rng;

static size_t
split_len(size_t left)
{
	size_t n;

	rng = rng * 1103515245u + 12345u;
	/* Mostly short pieces, sometimes long ones. */
	n = (rng >> 16) & 1 ? 1 + (rng >> 17) % 7 : 1 + (rng >> 17) % 300;
	return n < left ? n : left;
}

/*
 * Parse in (len bytes) fed in the given mode; then, if nothing decided
 * yet, report the close given by eof.  Returns the final result and the
 * bytes consumed in *used.
 */
static int
run(const char *in, size_t len, size_t cap, int head, int eof, int mode,
    unsigned seed, struct http_response *resp, size_t *used)
{
	struct http_parser p;
	const unsigned char *d = (const unsigned char *)in;
	size_t off = 0, n, u;
	int rc = HTTP_MORE;

	memset(body_buf, 0xAA, sizeof(body_buf));
	memset(resp, 0x5A, sizeof(*resp));
	resp->body = body_buf;
	resp->body_cap = cap;
	http_parser_init(&p, resp, head);
	rng = seed;
	*used = 0;
	while (off < len) {
		n = mode == FEED_WHOLE ? len - off :
		    mode == FEED_BYTES ? 1 : split_len(len - off);
		u = (size_t)-1;
		rc = http_parser_feed(&p, d + off, n, &u);
		if (rc == HTTP_ERROR) {
			/* Errors are sticky. */
			CHECK_INT(http_parser_feed(&p, d, len, &u), HTTP_ERROR);
			CHECK_INT(http_parser_eof(&p, 1), HTTP_ERROR);
			return rc;
		}
		if (rc == HTTP_DONE) {
			CHECK(u <= n);
			*used = off + u;
			CHECK_INT(http_parser_eof(&p, 0), HTTP_DONE);
			return rc;
		}
		CHECK_INT(rc, HTTP_MORE);
		CHECK_INT(u, n);
		off += n;
	}
	*used = len;
	if (eof != NO_EOF)
		rc = http_parser_eof(&p, eof == EOF_CLEAN);
	return rc;
}

static void
each_mode(int line, int mode, unsigned seed, int before)
{
	if (t_failed_checks != before)
		fprintf(stderr, "  (case at line %d, mode %d, seed %u)\n",
		    line, mode, seed);
}

/* A response that must parse to exactly this. */
static void
expect_done(int line, const char *in, size_t len, size_t cap, int head,
    int eof, int status, const char *body, size_t body_len, int keep,
    size_t want_used, struct http_response *out)
{
	struct http_response resp;
	size_t used;
	int mode, rc, before;
	unsigned seed;

	for (mode = FEED_WHOLE; mode <= FEED_SPLIT; mode++) {
		for (seed = 1; seed <= (mode == FEED_SPLIT ? SPLIT_SEEDS : 1);
		    seed++) {
			before = t_failed_checks;
			err_clear();
			rc = run(in, len, cap, head, eof, mode, seed, &resp,
			    &used);
			CHECK_INT(rc, HTTP_DONE);
			CHECK_INT(err_class(), ERR_OK);
			CHECK_INT(resp.status, status);
			CHECK_MEM(resp.body, resp.body_len, body, body_len);
			CHECK_INT(resp.keep_alive, keep);
			CHECK_INT(used, want_used);
			/* Nothing written past the cap; NUL added if room. */
			CHECK_INT(body_buf[cap], 0xAA);
			if (resp.body_len < cap)
				CHECK_INT(body_buf[resp.body_len], 0);
			if (rc != HTTP_DONE)
				fprintf(stderr, "  error: %s\n", err_msg());
			each_mode(line, mode, seed, before);
		}
	}
	if (out != NULL)
		*out = resp;
}

/* A response that must be refused with a message holding msg. */
static void
expect_error(int line, const char *in, size_t len, size_t cap, int head,
    int eof, const char *msg)
{
	struct http_response resp;
	size_t used;
	int mode, rc, before;
	unsigned seed;

	for (mode = FEED_WHOLE; mode <= FEED_SPLIT; mode++) {
		for (seed = 1; seed <= (mode == FEED_SPLIT ? SPLIT_SEEDS : 1);
		    seed++) {
			before = t_failed_checks;
			err_clear();
			rc = run(in, len, cap, head, eof, mode, seed, &resp,
			    &used);
			CHECK_INT(rc, HTTP_ERROR);
			CHECK_INT(err_class(), ERR_PROTO);
			CHECK(strstr(err_msg(), msg) != NULL);
			CHECK_INT(body_buf[cap], 0xAA);
			if (t_failed_checks != before)
				fprintf(stderr,
				    "  message: \"%s\", want \"%s\"\n",
				    err_msg(), msg);
			each_mode(line, mode, seed, before);
		}
	}
	err_clear();
}

#define L(s)	(s), (sizeof(s) - 1)
/* in, status, body, keep-alive; Content-Length or chunked, no close. */
#define DONE(in, status, body, keep) \
	expect_done(__LINE__, L(in), CAP, 0, NO_EOF, status, L(body), keep, \
	    sizeof(in) - 1, NULL)
/* Same, for a body that ends with a clean close. */
#define DONE_EOF(in, status, body) \
	expect_done(__LINE__, L(in), CAP, 0, EOF_CLEAN, status, L(body), 0, \
	    sizeof(in) - 1, NULL)
/* Refused, whether or not a clean close follows. */
#define FAIL(in, msg) do { \
	expect_error(__LINE__, L(in), CAP, 0, NO_EOF, msg); \
	expect_error(__LINE__, L(in), CAP, 0, EOF_CLEAN, msg); \
} while (0)
#define FAIL_EOF(in, eof, msg) expect_error(__LINE__, L(in), CAP, 0, eof, msg)

#define OK_200	"HTTP/1.1 200 OK\r\n"

TEST(status_line_ok)
{
	DONE(OK_200 "Content-Length: 2\r\n\r\nhi", 200, "hi", 1);
	DONE("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi", 200, "hi", 0);
	DONE("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 200, "", 1);
	DONE("HTTP/1.1 404 \r\nContent-Length: 1\r\n\r\nx", 404, "x", 1);
	DONE("HTTP/1.1 599 Fine\tand \xc3\xa9 too\r\nContent-Length: 0\r\n\r\n",
	    599, "", 1);
	DONE("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 201, "", 1);
}

TEST(status_line_bad)
{
	FAIL("HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
	    "unsupported HTTP version");
	FAIL("HTTP/2 200 OK\r\n\r\n", "unsupported HTTP version");
	FAIL("HTTP/1.2 200 OK\r\n\r\n", "unsupported HTTP version");
	FAIL("HTTP/1.10 200 OK\r\n\r\n", "malformed status line");
	FAIL("HTTP/1.1 99\r\n\r\n", "status code is not three digits");
	FAIL("HTTP/1.1 99 OK\r\n\r\n", "status code is not three digits");
	FAIL("HTTP/1.1 1000\r\n\r\n", "status code is not three digits");
	FAIL("HTTP/1.1 1000 OK\r\n\r\n", "status code is not three digits");
	FAIL("HTTP/1.1 \r\n\r\n", "status code is not three digits");
	FAIL("HTTP/1.1 20\r\n\r\n", "status code is not three digits");
	FAIL("HTTP/1.1 200OK\r\n\r\n", "status code is not three digits");
	FAIL("HTTP/1.1 2x0 OK\r\n\r\n", "status code is not three digits");
	FAIL("HTTP/1.1  200 OK\r\n\r\n", "status code is not three digits");
	FAIL("HTTP/1.1 600 OK\r\n\r\n", "status code 600 out of range");
	FAIL("HTTP/1.1 099 OK\r\n\r\n", "status code 99 out of range");
	FAIL("HTTP/1.1\r\n\r\n", "malformed status line");
	FAIL("HTTP/1.1 200 O\x01K\r\n\r\n", "control character in reason");
	FAIL("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
	    "101");
	/* HTTP/0.9: a body with no status line is refused at once. */
	FAIL("{\"tokens\":[]}", "does not start with a status line");
	FAIL("http/1.1 200 OK\r\n\r\n", "does not start with a status line");
	FAIL("\r\nHTTP/1.1 200 OK\r\n\r\n",
	    "does not start with a status line");
	FAIL("\nHTTP/1.1 200 OK\r\n\r\n", "does not start with a status line");
	FAIL("HTTP\n", "does not start with a status line");
}

TEST(closed_early)
{
	const char *msg = "connection closed before the response was complete";

	FAIL_EOF("", EOF_CLEAN, msg);
	FAIL_EOF("", EOF_UNCLEAN, msg);
	FAIL_EOF("HTT", EOF_CLEAN, msg);
	FAIL_EOF("HTTP/1.1 200 OK\r\n", EOF_CLEAN, msg);
	FAIL_EOF(OK_200 "Content-Length: 5\r\n", EOF_CLEAN, msg);
	FAIL_EOF(OK_200 "Content-Length: 5\r\n\r\nhell", EOF_CLEAN, msg);
	FAIL_EOF(OK_200 "Content-Length: 5\r\n\r\nhell", EOF_UNCLEAN, msg);
	FAIL_EOF(OK_200 "Transfer-Encoding: chunked\r\n\r\n", EOF_CLEAN, msg);
	FAIL_EOF(OK_200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhel",
	    EOF_CLEAN, msg);
	FAIL_EOF(OK_200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
	    EOF_CLEAN, msg);
	FAIL_EOF(OK_200 "Transfer-Encoding: chunked\r\n\r\n0\r\n", EOF_CLEAN,
	    msg);
	FAIL_EOF(OK_200 "Transfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n",
	    EOF_UNCLEAN, msg);
	FAIL_EOF("HTTP/1.1 100 Continue\r\n\r\n", EOF_CLEAN, msg);
}

TEST(header_lines)
{
	struct http_response r;

	/* Bare LF ends lines too, alone or mixed with CRLF. */
	DONE("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", 200, "hi", 1);
	DONE("HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\nhi", 200, "hi", 1);
	/* OWS around values is not part of them. */
	DONE(OK_200 "Content-Length: \t 2 \t\r\n\r\nhi", 200, "hi", 1);
	DONE(OK_200 "Content-Length:2\r\n\r\nhi", 200, "hi", 1);
	DONE(OK_200 "cOnTeNt-LeNgTh: 2\r\nX-Empty:\r\nX-Sp:   \r\n\r\nhi",
	    200, "hi", 1);
	DONE(OK_200 "X-Obs: caf\xe9\r\nContent-Length: 0\r\n\r\n", 200, "", 1);
	expect_done(__LINE__, L("HTTP/1.1 301 Moved\r\nLocation:  \t"
	    "https://api.turso.tech/v1/x \t\r\nRetry-After: 120\r\n"
	    "Content-Length: 0\r\n\r\n"), CAP, 0, NO_EOF, 301, L(""), 1,
	    sizeof("HTTP/1.1 301 Moved\r\nLocation:  \t"
	    "https://api.turso.tech/v1/x \t\r\nRetry-After: 120\r\n"
	    "Content-Length: 0\r\n\r\n") - 1, &r);
	CHECK_STR(r.location, "https://api.turso.tech/v1/x");
	CHECK_STR(r.retry_after, "120");
	expect_done(__LINE__, L(OK_200 "Content-Length: 0\r\n\r\n"), CAP, 0,
	    NO_EOF, 200, L(""), 1, sizeof(OK_200 "Content-Length: 0\r\n\r\n")
	    - 1, &r);
	CHECK_STR(r.location, "");
	CHECK_STR(r.retry_after, "");
}

TEST(header_lines_bad)
{
	FAIL(OK_200 "X-A: b\r\n  c\r\nContent-Length: 0\r\n\r\n",
	    "obsolete line folding in response header");
	FAIL(OK_200 "X-A: b\r\n\tc\r\n\r\n",
	    "obsolete line folding in response header");
	FAIL(OK_200 " X-A: b\r\n\r\n", "obsolete line folding");
	FAIL(OK_200 "X-A: b\rc\r\n\r\n", "bare CR in response head");
	FAIL(OK_200 "X-A: b\r\r\n\r\n", "bare CR in response head");
	FAIL(OK_200 "X-A: b\r\n\r\r\n", "bare CR in response head");
	FAIL("HTTP/1.1 200 O\rK\r\n\r\n", "bare CR in response head");
	FAIL("HTTP/1.1 200 OK\r\r\n\r\n", "bare CR in response head");
	FAIL(OK_200 "X-A: b\0c\r\n\r\n", "NUL byte in response head");
	FAIL(OK_200 "X-A\0: b\r\n\r\n", "NUL byte in response head");
	FAIL("HTTP/1.1 200 \0OK\r\n\r\n", "NUL byte in response head");
	FAIL(OK_200 "X-A : b\r\n\r\n", "malformed response header field");
	FAIL(OK_200 "X-A b\r\n\r\n", "malformed response header field");
	FAIL(OK_200 "X-A\r\n\r\n", "malformed response header field");
	FAIL(OK_200 ": b\r\n\r\n", "malformed response header field");
	FAIL(OK_200 "X(A): b\r\n\r\n", "malformed response header field");
	FAIL(OK_200 "X-A: b\x01" "c\r\n\r\n", "control character");
	FAIL(OK_200 "X-A: b\x7f\r\n\r\n", "control character");
	FAIL(OK_200 "Location: /a\x1b[2J\r\n\r\n", "control character");
}

/* "HTTP/1.1 200 OK\r\nX: aaa...\r\nContent-Length: 0\r\n\r\n", total bytes. */
static size_t
head_of(size_t total)
{
	static const char pre[] = OK_200 "X: ", post[] =
	    "\r\nContent-Length: 0\r\n\r\n";
	size_t fill = total - (sizeof(pre) - 1) - (sizeof(post) - 1);

	memcpy(big, pre, sizeof(pre) - 1);
	memset(big + sizeof(pre) - 1, 'a', fill);
	memcpy(big + sizeof(pre) - 1 + fill, post, sizeof(post) - 1);
	return total;
}

TEST(head_bounds)
{
	size_t n, i;

	/* The whole head, status line to empty line, counts. */
	n = head_of(HTTP_HEAD_MAX);
	expect_done(__LINE__, big, n, CAP, 0, NO_EOF, 200, L(""), 1, n, NULL);
	n = head_of(HTTP_HEAD_MAX + 1);
	expect_error(__LINE__, big, n, CAP, 0, NO_EOF,
	    "response head larger than 16384 bytes");
	/* A 100 KiB header line. */
	n = head_of(100 * 1024);
	expect_error(__LINE__, big, n, CAP, 0, EOF_CLEAN,
	    "response head larger than 16384 bytes");
	/* 100 fields are fine, 101 are not. */
	n = sizeof(OK_200) - 1;
	memcpy(big, OK_200, n);
	for (i = 0; i < HTTP_HEADERS_MAX - 1; i++)
		n += (size_t)sprintf(big + n, "X-%zu: v\r\n", i);
	n += (size_t)sprintf(big + n, "Content-Length: 0\r\n\r\n");
	expect_done(__LINE__, big, n, CAP, 0, NO_EOF, 200, L(""), 1, n, NULL);
	memcpy(big + n - 2, "X: y\r\n\r\n", 8);
	expect_error(__LINE__, big, n + 6, CAP, 0, NO_EOF,
	    "more than 100 header fields");
	/* 5000 fields. */
	n = sizeof(OK_200) - 1;
	for (i = 0; i < 5000; i++)
		n += (size_t)sprintf(big + n, "X-%zu: v\r\n", i);
	n += (size_t)sprintf(big + n, "\r\n");
	expect_error(__LINE__, big, n, CAP, 0, EOF_CLEAN,
	    "more than 100 header fields");
}

TEST(interim)
{
	struct http_response r;
	static const char in[] =
	    "HTTP/1.1 102 Processing\r\n\r\n"
	    "HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n"
	    "Location: /early\r\nContent-Length: 99\r\nConnection: close\r\n"
	    "Transfer-Encoding: gzip\r\n\r\n"
	    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
	size_t n, i;

	DONE("HTTP/1.1 100 Continue\r\n\r\n"
	    OK_200 "Content-Length: 2\r\n\r\nhi", 200, "hi", 1);
	/* An interim head's fields, framing included, are not used. */
	expect_done(__LINE__, L(in), CAP, 0, NO_EOF, 200, L("ok"), 1,
	    sizeof(in) - 1, &r);
	CHECK_STR(r.location, "");
	/* But they are still checked. */
	FAIL("HTTP/1.1 100 Continue\r\nX: a\r\n b\r\n\r\n" OK_200
	    "Content-Length: 0\r\n\r\n", "obsolete line folding");
	FAIL("HTTP/1.1 100 Continue\r\nX\0: a\r\n\r\n", "NUL byte");
	FAIL("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Up\r\n\r\n", "101");
	/* At most HTTP_INTERIM_MAX of them. */
	n = 0;
	for (i = 0; i < HTTP_INTERIM_MAX; i++)
		n += (size_t)sprintf(big + n, "HTTP/1.1 103 Hints\r\n\r\n");
	n += (size_t)sprintf(big + n, OK_200 "Content-Length: 1\r\n\r\nz");
	expect_done(__LINE__, big, n, CAP, 0, NO_EOF, 200, L("z"), 1, n, NULL);
	n = 0;
	for (i = 0; i <= HTTP_INTERIM_MAX; i++)
		n += (size_t)sprintf(big + n, "HTTP/1.1 100 Continue\r\n\r\n");
	n += (size_t)sprintf(big + n, OK_200 "Content-Length: 1\r\n\r\nz");
	expect_error(__LINE__, big, n, CAP, 0, NO_EOF,
	    "more than 8 interim 1xx responses");
}

TEST(no_body)
{
	static const char s204[] = "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1";

	DONE("HTTP/1.1 204 No Content\r\n\r\n", 204, "", 1);
	/* A 204 ends at its empty line, whatever follows. */
	expect_done(__LINE__, L(s204), CAP, 0, NO_EOF, 204, L(""), 1,
	    sizeof(s204) - 1 - 8, NULL);
	DONE("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 304,
	    "", 1);
	DONE("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", 204, "",
	    0);
	/* A HEAD answer has no body, even with a length beyond the cap. */
	expect_done(__LINE__, L(OK_200 "Content-Length: 1000000\r\n\r\n"), 16,
	    1, NO_EOF, 200, L(""), 1,
	    sizeof(OK_200 "Content-Length: 1000000\r\n\r\n") - 1, NULL);
	expect_done(__LINE__, L(OK_200 "Transfer-Encoding: chunked\r\n\r\n"),
	    CAP, 1, NO_EOF, 200, L(""), 1,
	    sizeof(OK_200 "Transfer-Encoding: chunked\r\n\r\n") - 1, NULL);
	/* Conflicting framing is refused even where no body follows. */
	FAIL("HTTP/1.1 204 No Content\r\nContent-Length: 1\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", "both Transfer-Encoding");
}

TEST(content_length)
{
	static const char extra[] = OK_200 "Content-Length: 2\r\n\r\nhiEXTRA";
	size_t n;

	DONE(OK_200 "Content-Length: 5\r\n\r\nhello", 200, "hello", 1);
	DONE(OK_200 "Content-Length: 00005\r\n\r\nhello", 200, "hello", 1);
	DONE(OK_200 "Content-Length: 0\r\n\r\n", 200, "", 1);
	/* *used stops at the end of this response. */
	expect_done(__LINE__, L(extra), CAP, 0, NO_EOF, 200, L("hi"), 1,
	    sizeof(extra) - 1 - 5, NULL);
	/* A body filling the cap exactly is fine (and gets no NUL). */
	n = (size_t)sprintf(big, OK_200 "Content-Length: %d\r\n\r\n", CAP);
	memset(big + n, 'b', CAP);
	expect_done(__LINE__, big, n + CAP, CAP, 0, NO_EOF, 200, big + n, CAP,
	    1, n + CAP, NULL);
	/* One more byte is refused before any of the body arrives. */
	n = (size_t)sprintf(big, OK_200 "Content-Length: %d\r\n\r\n", CAP + 1);
	expect_error(__LINE__, big, n, CAP, 0, NO_EOF,
	    "response body larger than 256 bytes");
	FAIL(OK_200 "Content-Length: 10485760\r\n\r\n",
	    "response body larger than 256 bytes");
	FAIL(OK_200 "Content-Length: 999999999999999999\r\n\r\n",
	    "response body larger than 256 bytes");
	expect_error(__LINE__, L(OK_200 "Content-Length: 1\r\n\r\nx"), 0, 0,
	    NO_EOF, "response body larger than 0 bytes");
}

TEST(content_length_bad)
{
	FAIL(OK_200 "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
	    "repeated Content-Length");
	FAIL(OK_200 "Content-Length: 5\r\ncontent-length: 6\r\n\r\nhello",
	    "repeated Content-Length");
	FAIL(OK_200 "Content-Length: 5, 5\r\n\r\nhello",
	    "Content-Length is not a number");
	FAIL(OK_200 "Content-Length: +5\r\n\r\nhello",
	    "Content-Length is not a number");
	FAIL(OK_200 "Content-Length: -1\r\n\r\n",
	    "Content-Length is not a number");
	FAIL(OK_200 "Content-Length: 0x5\r\n\r\nhello",
	    "Content-Length is not a number");
	FAIL(OK_200 "Content-Length: 5 5\r\n\r\nhello",
	    "Content-Length is not a number");
	FAIL(OK_200 "Content-Length: 5a\r\n\r\nhello",
	    "Content-Length is not a number");
	FAIL(OK_200 "Content-Length:\r\n\r\n", "empty Content-Length");
	FAIL(OK_200 "Content-Length:  \t \r\n\r\n", "empty Content-Length");
	FAIL(OK_200 "Content-Length: 1234567890123456789\r\n\r\n",
	    "Content-Length longer than 18 digits");
	FAIL(OK_200 "Content-Length: 0000000000000000000\r\n\r\n",
	    "Content-Length longer than 18 digits");
	/* 21 digits: past 2^64, refused on length before any arithmetic. */
	FAIL(OK_200 "Content-Length: 100000000000000000000\r\n\r\n",
	    "Content-Length longer than 18 digits");
}

TEST(transfer_encoding)
{
	DONE(OK_200 "Transfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 200, "hello world", 1);
	DONE(OK_200 "transfer-encoding:   ChUnKeD \t\r\n\r\n"
	    "5\r\nhello\r\n0\r\n\r\n", 200, "hello", 1);
	DONE(OK_200 "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200, "", 1);
	/* Chunked from an HTTP/1.0 server: read it, then drop the link. */
	DONE("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Connection: keep-alive\r\n\r\n2\r\nhi\r\n0\r\n\r\n", 200, "hi", 0);
	FAIL(OK_200 "Transfer-Encoding: gzip, chunked\r\n\r\n",
	    "unsupported Transfer-Encoding");
	FAIL(OK_200 "Transfer-Encoding: gzip\r\n\r\n",
	    "unsupported Transfer-Encoding");
	FAIL(OK_200 "Transfer-Encoding: chunked, chunked\r\n\r\n",
	    "unsupported Transfer-Encoding");
	FAIL(OK_200 "Transfer-Encoding: identity\r\n\r\n",
	    "unsupported Transfer-Encoding");
	FAIL(OK_200 "Transfer-Encoding: chunkedx\r\n\r\n",
	    "unsupported Transfer-Encoding");
	FAIL(OK_200 "Transfer-Encoding:\r\n\r\n",
	    "unsupported Transfer-Encoding");
	FAIL(OK_200 "Transfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	    "repeated Transfer-Encoding");
	FAIL(OK_200 "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
	    "5\r\nhello\r\n0\r\n\r\n",
	    "both Transfer-Encoding and Content-Length");
	FAIL(OK_200 "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n0\r\n\r\n",
	    "both Transfer-Encoding and Content-Length");
}

#define TE	OK_200 "Transfer-Encoding: chunked\r\n\r\n"

TEST(chunked)
{
	static const char extra[] = TE "2\r\nhi\r\n0\r\n\r\nHTTP/1.1 200";
	size_t n;

	DONE(TE "A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", 200,
	    "0123456789abcdefghij", 1);
	DONE(TE "0005\r\nhello\r\n000\r\n\r\n", 200, "hello", 1);
	DONE(TE "0000000000000005\r\nhello\r\n0000000000000000\r\n\r\n", 200,
	    "hello", 1);
	/* Bare LF after sizes and data. */
	DONE(TE "5\nhello\n0\n\n", 200, "hello", 1);
	/* Extensions, and whitespace before them, are skipped. */
	DONE(TE "5;name=value;q=\"a;b\"\r\nhello\r\n"
	    "6 ;x\r\n world\r\n3\t; y = z\r\n!!!\r\n1 \r\n.\r\n0;last\r\n\r\n",
	    200, "hello world!!!.", 1);
	/* Trailer fields are read past, not used. */
	DONE(TE "2\r\nhi\r\n0\r\nX-Checksum: abc\r\nContent-Length: 9\r\n"
	    "Transfer-Encoding: gzip\r\n\r\n", 200, "hi", 1);
	expect_done(__LINE__, L(extra), CAP, 0, NO_EOF, 200, L("hi"), 1,
	    sizeof(extra) - 1 - 12, NULL);
	/* Many one-byte chunks add up to the cap exactly. */
	n = (size_t)sprintf(big, TE);
	while (n < sizeof(TE) - 1 + 16 * 6)
		n += (size_t)sprintf(big + n, "1\r\nz\r\n");
	n += (size_t)sprintf(big + n, "0\r\n\r\n");
	expect_done(__LINE__, big, n, 16, 0, NO_EOF, 200,
	    "zzzzzzzzzzzzzzzz", 16, 1, n, NULL);
}

TEST(chunked_bad)
{
	size_t n;

	FAIL(TE "00000000000000005\r\nhello\r\n0\r\n\r\n",
	    "chunk size longer than 16 hex digits");
	FAIL(TE "0000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000005\r\nhello\r\n0\r\n\r\n",
	    "chunk size longer than 16 hex digits");
	/* 2^64 needs 17 digits: refused before it can wrap to 0. */
	FAIL(TE "10000000000000000\r\nhello\r\n0\r\n\r\n",
	    "chunk size longer than 16 hex digits");
	/* The largest 16-digit size: no overflow, just too big. */
	FAIL(TE "FFFFFFFFFFFFFFFF\r\n", "response body larger than 256 bytes");
	FAIL(TE "101\r\n", "response body larger than 256 bytes");
	/* The running total counts, not each chunk alone. */
	expect_error(__LINE__, L(TE "5\r\nhello\r\n4\r\nabcd\r\n0\r\n\r\n"), 8,
	    0, NO_EOF, "response body larger than 8 bytes");
	FAIL(TE "5\0\r\nhello\r\n0\r\n\r\n", "NUL byte in response chunk size");
	FAIL(TE "5;a\0b\r\nhello\r\n0\r\n\r\n", "NUL byte");
	FAIL(TE "5x\r\nhello\r\n0\r\n\r\n", "chunk size is not hexadecimal");
	FAIL(TE "\r\nhello\r\n0\r\n\r\n", "chunk size is not hexadecimal");
	FAIL(TE "-5\r\nhello\r\n0\r\n\r\n", "chunk size is not hexadecimal");
	FAIL(TE " 5\r\nhello\r\n0\r\n\r\n", "chunk size is not hexadecimal");
	FAIL(TE "0x5\r\nhello\r\n0\r\n\r\n", "chunk size is not hexadecimal");
	FAIL(TE "5 5\r\nhello\r\n0\r\n\r\n", "chunk size is not hexadecimal");
	FAIL(TE "g\r\n", "chunk size is not hexadecimal");
	FAIL(TE "5\rhello\r\n0\r\n\r\n", "bare CR in response chunk size");
	FAIL(TE "5\r\nhelloX\r\n0\r\n\r\n", "missing CRLF after chunk data");
	FAIL(TE "5\r\nhello\rX\n0\r\n\r\n", "missing CRLF after chunk data");
	FAIL(TE "5\r\nhello\r\r\n0\r\n\r\n", "missing CRLF after chunk data");
	FAIL(TE "5\r\nhello0\r\n\r\n", "missing CRLF after chunk data");
	/* An endless extension hits the size line cap. */
	n = (size_t)sprintf(big, TE "5;");
	memset(big + n, 'e', 5000);
	n += 5000;
	expect_error(__LINE__, big, n, CAP, 0, EOF_CLEAN,
	    "chunk size line longer than 4096 bytes");
	/* Trailers are bounded and checked like a head. */
	FAIL(TE "0\r\nX: a\r\n b\r\n\r\n", "obsolete line folding");
	FAIL(TE "0\r\nX: a\rb\r\n\r\n", "bare CR in response trailer");
	FAIL(TE "0\r\nX a\r\n\r\n", "malformed response trailer field");
	n = (size_t)sprintf(big, TE "0\r\n");
	while (n < sizeof(TE) + 2 + 20 * 1024)
		n += (size_t)sprintf(big + n, "X-Trailer-Field: value\r\n");
	expect_error(__LINE__, big, n, CAP, 0, EOF_CLEAN,
	    "more than 100 trailer fields");
	n = (size_t)sprintf(big, TE "0\r\nX: ");
	memset(big + n, 't', 20 * 1024);
	n += 20 * 1024;
	expect_error(__LINE__, big, n, CAP, 0, EOF_CLEAN,
	    "response trailer section larger than 16384 bytes");
}

TEST(close_delimited)
{
	static const char in[] = OK_200 "X: y\r\n\r\nhello, world";
	size_t n;

	DONE_EOF(OK_200 "\r\nhello, world", 200, "hello, world");
	DONE_EOF(OK_200 "\r\n", 200, "");
	DONE_EOF("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nx",
	    200, "x");
	FAIL_EOF(in, EOF_UNCLEAN, "close_notify");
	FAIL_EOF(OK_200 "\r\n", EOF_UNCLEAN, "close_notify");
	/* Without a close it is never complete. */
	expect_error(__LINE__, L(in), CAP, 0, EOF_UNCLEAN,
	    "without TLS close_notify");
	/* The cap holds with no length to check up front. */
	n = (size_t)sprintf(big, OK_200 "\r\n");
	memset(big + n, 'c', CAP);
	expect_done(__LINE__, big, n + CAP, CAP, 0, EOF_CLEAN, 200, big + n,
	    CAP, 0, n + CAP, NULL);
	expect_error(__LINE__, big, n + CAP + 1, CAP, 0, NO_EOF,
	    "response body larger than 256 bytes");
}

TEST(keep_alive)
{
#define CL0	"Content-Length: 0\r\n\r\n"
	DONE(OK_200 CL0, 200, "", 1);
	DONE(OK_200 "Connection: close\r\n" CL0, 200, "", 0);
	DONE(OK_200 "Connection: CLOSE\r\n" CL0, 200, "", 0);
	DONE(OK_200 "Connection: keep-alive, Close\r\n" CL0, 200, "", 0);
	DONE(OK_200 "Connection: upgrade ,\t close ,\r\n" CL0, 200, "", 0);
	DONE(OK_200 "Connection: x\r\nConnection: close\r\n" CL0, 200, "", 0);
	DONE(OK_200 "Connection: closed\r\n" CL0, 200, "", 1);
	DONE(OK_200 "Connection: upgrade\r\n" CL0, 200, "", 1);
	DONE("HTTP/1.0 200 OK\r\n" CL0, 200, "", 0);
	DONE("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n" CL0, 200, "", 1);
	DONE("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n" CL0, 200,
	    "", 0);
	DONE("HTTP/1.0 200 OK\r\nConnection: keep-alive-x\r\n" CL0, 200, "", 0);
#undef CL0
}

TEST(kept_values)
{
	struct http_response r;
	size_t n;

	/* Long values are cut to the field and stay NUL-terminated. */
	n = (size_t)sprintf(big, "HTTP/1.1 302 Found\r\nLocation: /");
	memset(big + n, 'l', 1000);
	n += 1000;
	n += (size_t)sprintf(big + n, "\r\nRetry-After: ");
	memset(big + n, '9', 200);
	n += 200;
	n += (size_t)sprintf(big + n, "\r\nContent-Length: 0\r\n\r\n");
	expect_done(__LINE__, big, n, CAP, 0, NO_EOF, 302, L(""), 1, n, &r);
	CHECK_INT(strlen(r.location), HTTP_LOCATION_MAX - 1);
	CHECK_INT(r.location[0], '/');
	CHECK_INT(r.location[HTTP_LOCATION_MAX - 2], 'l');
	CHECK_INT(strlen(r.retry_after), HTTP_RETRY_AFTER_MAX - 1);
	CHECK_INT(r.retry_after[0], '9');
}

TEST(parser_api)
{
	struct http_parser p;
	struct http_response r;
	unsigned char b[8];
	static const char in[] = OK_200 "Content-Length: 1\r\n\r\nxy";
	size_t used = 99;

	/* No body buffer at all: an empty body is still fine. */
	memset(&r, 0, sizeof(r));
	http_parser_init(&p, &r, 0);
	CHECK_INT(http_parser_feed(&p, (const unsigned char *)"", 0, &used),
	    HTTP_MORE);
	CHECK_INT(used, 0);
	CHECK_INT(http_parser_feed(&p, (const unsigned char *)L(OK_200
	    "Content-Length: 0\r\n\r\n"), NULL), HTTP_DONE);
	CHECK_INT(r.status, 200);
	CHECK_INT(r.body_len, 0);
	/* Feeding after DONE takes nothing. */
	CHECK_INT(http_parser_feed(&p, (const unsigned char *)"x", 1, &used),
	    HTTP_DONE);
	CHECK_INT(used, 0);
	CHECK_INT(http_parser_eof(&p, 0), HTTP_DONE);
	/* init resets what a previous response left. */
	r.body = b;
	r.body_cap = sizeof(b);
	http_parser_init(&p, &r, 0);
	CHECK_INT(r.status, 0);
	CHECK_INT(http_parser_feed(&p, (const unsigned char *)L(in), &used),
	    HTTP_DONE);
	CHECK_INT(used, sizeof(in) - 2);
	CHECK_MEM(r.body, r.body_len, "x", 1);
	CHECK_INT(b[1], 0);
}

/* The request writer. */

static int
contains(const unsigned char *buf, size_t len, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(buf + i, s, n) == 0)
			return 1;
	return 0;
}

static const unsigned char json[] = "{\"organization\":\"acme\"}";

static const struct http_request post_req = {
	"POST", "api.turso.tech", "/v1/auth/api-tokens/ci%20bot", "s3cret",
	"turso-token/1.0", json, sizeof(json) - 1, "application/json"
};

static const char post_want[] =
    "POST /v1/auth/api-tokens/ci%20bot HTTP/1.1\r\n"
    "Host: api.turso.tech\r\n"
    "User-Agent: turso-token/1.0\r\n"
    "Accept: application/json\r\n"
    "Authorization: Bearer s3cret\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 23\r\n"
    "\r\n"
    "{\"organization\":\"acme\"}";

TEST(build_post)
{
	unsigned char out[1024];
	long n;

	n = http_build_request(out, sizeof(out), &post_req);
	CHECK_MEM(out,
	    (size_t)(n < 0 ? 0 : n), post_want, sizeof(post_want) - 1);
	/* Exactly the needed room is enough; one byte less is not. */
	n = http_build_request(out, sizeof(post_want) - 1, &post_req);
	CHECK_INT(n, sizeof(post_want) - 1);
	CHECK_INT(err_class(), ERR_OK);
	memset(out, 'Z', sizeof(out));
	n = http_build_request(out, sizeof(post_want) - 2, &post_req);
	CHECK_INT(n, -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	CHECK(strstr(err_msg(), "request larger than") != NULL);
	/* What was written (bearer included) is erased. */
	CHECK(!contains(out, sizeof(out), "s3cret"));
	CHECK(!contains(out, sizeof(out), "POST"));
	err_clear();
	memset(out, 'Z', sizeof(out));
	n = http_build_request(out, 40, &post_req);
	CHECK_INT(n, -1);
	CHECK(!contains(out, sizeof(out), "POST"));
}

TEST(build_get)
{
	static const char want[] =
	    "GET /v1/auth/validate HTTP/1.1\r\n"
	    "Host: 127.0.0.1:8443\r\n"
	    "User-Agent: turso-token/1.0\r\n"
	    "Accept: application/json\r\n"
	    "\r\n";
	static const char want_post[] =
	    "POST /v1/organizations/acme/databases/db/auth/rotate HTTP/1.1\r\n"
	    "Host: api.turso.tech\r\n"
	    "User-Agent: turso-token/1.0\r\n"
	    "Accept: application/json\r\n"
	    "Authorization: Bearer t\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n";
	static const char want_del[] =
	    "DELETE /v1/auth/api-tokens/x HTTP/1.1\r\n"
	    "Host: api.turso.tech\r\n"
	    "User-Agent: turso-token/1.0\r\n"
	    "Accept: application/json\r\n"
	    "Authorization: Bearer t\r\n"
	    "\r\n";
	struct http_request req = { "GET", "127.0.0.1:8443",
	    "/v1/auth/validate", NULL, "turso-token/1.0", NULL, 0, NULL };
	unsigned char out[1024];
	long n;

	n = http_build_request(out, sizeof(out), &req);
	CHECK_MEM(out, (size_t)(n < 0 ? 0 : n), want, sizeof(want) - 1);
	req.method = "POST";
	req.host = "api.turso.tech";
	req.target = "/v1/organizations/acme/databases/db/auth/rotate";
	req.bearer = "t";
	n = http_build_request(out, sizeof(out), &req);
	CHECK_MEM(out, (size_t)(n < 0 ? 0 : n), want_post,
	    sizeof(want_post) - 1);
	req.method = "DELETE";
	req.target = "/v1/auth/api-tokens/x";
	n = http_build_request(out, sizeof(out), &req);
	CHECK_MEM(out, (size_t)(n < 0 ? 0 : n), want_del, sizeof(want_del) - 1);
	CHECK_INT(err_class(), ERR_OK);
}

static void
refused(int line, const struct http_request *req)
{
	unsigned char out[1024];
	int before = t_failed_checks;

	err_clear();
	CHECK_INT(http_build_request(out, sizeof(out), req), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	/* The message never carries the bearer. */
	CHECK(strstr(err_msg(), "s3cret") == NULL);
	if (t_failed_checks != before)
		fprintf(stderr,
		    "  (case at line %d: \"%s\")\n", line, err_msg());
	err_clear();
}

TEST(build_refused)
{
	struct http_request r;

#define REFUSE(field, value) do { \
	r = post_req; \
	r.field = value; \
	refused(__LINE__, &r); \
} while (0)
	REFUSE(bearer, "s3cret\r\nX-Evil: 1");
	REFUSE(bearer, "s3cret\n");
	REFUSE(bearer, "s3\rcret");
	REFUSE(host, "api.turso.tech\r\nX-Evil: 1");
	REFUSE(host, "");
	REFUSE(host, NULL);
	REFUSE(user_agent, "ua\nX: y");
	REFUSE(user_agent, NULL);
	REFUSE(content_type, "application/json\r\n\r\nGET / HTTP/1.1");
	REFUSE(content_type, NULL);
	REFUSE(target, "/v1/x HTTP/1.1\r\nX: y");
	REFUSE(target, "/v1/a b");
	REFUSE(target, "/v1/a\tb");
	REFUSE(target, "/v1/a\nb");
	REFUSE(target, "v1/x");
	REFUSE(target, "");
	REFUSE(target, NULL);
	REFUSE(method, "GET /x HTTP/1.1\r\n");
	REFUSE(method, "PO ST");
	REFUSE(method, "");
	REFUSE(method, NULL);
#undef REFUSE
}

/* http_exchange over a scripted in-memory stream. */

#define SCRIPT_MAX	8

struct fake {
	const char *chunk[SCRIPT_MAX];
	size_t len[SCRIPT_MAX];
	int nchunks, at;
	size_t off;
	long end;		/* what read returns after the script */
	int reads, writes, write_fails;
	unsigned char wrote[HTTP_REQUEST_MAX];
	size_t wrote_len;
};

static long
fake_read(void *ctx, unsigned char *buf, size_t len)
{
	struct fake *f = ctx;
	size_t n;

	f->reads++;
	if (f->at == f->nchunks) {
		if (f->end == -1)
			err_set(ERR_NET, "read timed out");
		return f->end;
	}
	n = f->len[f->at] - f->off;
	if (n > len)
		n = len;
	memcpy(buf, f->chunk[f->at] + f->off, n);
	f->off += n;
	if (f->off == f->len[f->at]) {
		f->at++;
		f->off = 0;
	}
	return (long)n;
}

static int
fake_write(void *ctx, const unsigned char *buf, size_t len)
{
	struct fake *f = ctx;

	f->writes++;
	if (f->write_fails)
		return err_set(ERR_NET, "connection reset");
	if (len > sizeof(f->wrote))
		len = sizeof(f->wrote);
	memcpy(f->wrote, buf, len);
	f->wrote_len = len;
	return 0;
}

static int
exchange(struct fake *f, const struct http_request *req, size_t cap,
    struct http_response *resp)
{
	struct http_io io = { fake_read, fake_write, f };

	memset(body_buf, 0xAA, sizeof(body_buf));
	memset(resp, 0, sizeof(*resp));
	resp->body = body_buf;
	resp->body_cap = cap;
	err_clear();
	return http_exchange(&io, req, resp);
}

static void
script(struct fake *f, long end, const char *a, const char *b, const char *c)
{
	memset(f, 0, sizeof(*f));
	f->end = end;
	if (a != NULL) {
		f->chunk[f->nchunks] = a;
		f->len[f->nchunks++] = strlen(a);
	}
	if (b != NULL) {
		f->chunk[f->nchunks] = b;
		f->len[f->nchunks++] = strlen(b);
	}
	if (c != NULL) {
		f->chunk[f->nchunks] = c;
		f->len[f->nchunks++] = strlen(c);
	}
}

TEST(exchange_ok)
{
	static struct fake f;
	struct http_response r;

	script(&f, 0, OK_200 "Content-Length: 5\r\nConnection: close\r\n\r\n",
	    "hel", "lo");
	CHECK_INT(exchange(&f, &post_req, CAP, &r), 0);
	CHECK_INT(err_class(), ERR_OK);
	CHECK_INT(f.writes, 1);
	CHECK_MEM(f.wrote, f.wrote_len, post_want, sizeof(post_want) - 1);
	CHECK_INT(r.status, 200);
	CHECK_MEM(r.body, r.body_len, "hello", 5);
	CHECK_INT(r.keep_alive, 0);
	CHECK_INT(f.reads, 3);

	/* Interim, then a chunked error answer. */
	script(&f, 0, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 409 Conflict\r\n",
	    "Transfer-Encoding: chunked\r\n\r\n7\r\n{\"e\":1}\r\n",
	    "0\r\n\r\n");
	CHECK_INT(exchange(&f, &post_req, CAP, &r), 0);
	CHECK_INT(r.status, 409);
	CHECK_MEM(r.body, r.body_len, "{\"e\":1}", 7);
	CHECK_INT(r.keep_alive, 1);

	/* A response longer than one read. */
	memset(big, 'q', 10000);
	big[10000] = '\0';
	script(&f, 0, OK_200 "Content-Length: 10000\r\n\r\n", big, NULL);
	CHECK_INT(exchange(&f, &post_req, 10000, &r), 0);
	CHECK_MEM(r.body, r.body_len, big, 10000);
	/* Head, then reads of HTTP_READ_CHUNK (4096) bytes. */
	CHECK_INT(f.reads, 4);

	/* Close-delimited, ended by close_notify. */
	script(&f, 0, OK_200 "\r\nabc", "def", NULL);
	CHECK_INT(exchange(&f, &post_req, CAP, &r), 0);
	CHECK_MEM(r.body, r.body_len, "abcdef", 6);
	CHECK_INT(r.keep_alive, 0);

	/* Data in a later read is left unread. */
	script(&f, 0, OK_200 "Content-Length: 2\r\n\r\nhi", "junk", NULL);
	CHECK_INT(exchange(&f, &post_req, CAP, &r), 0);
	CHECK_INT(f.reads, 1);
}

TEST(exchange_head)
{
	static struct fake f;
	struct http_response r;
	struct http_request req = post_req;

	req.method = "HEAD";
	req.body = NULL;
	script(&f, -2, OK_200 "Content-Length: 100\r\n\r\n", NULL, NULL);
	CHECK_INT(exchange(&f, &req, CAP, &r), 0);
	CHECK_INT(r.status, 200);
	CHECK_INT(r.body_len, 0);
}

TEST(exchange_fail)
{
	static struct fake f;
	struct http_response r;
	struct http_request bad = post_req;

	script(&f, 0, OK_200 "Content-Length: 2\r\n\r\nhiX", NULL, NULL);
	CHECK_INT(exchange(&f, &post_req, CAP, &r), -1);
	CHECK_INT(err_class(), ERR_PROTO);
	CHECK_STR(err_msg(), "unexpected data after response");

	script(&f, 0, "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
	    NULL, NULL);
	CHECK_INT(exchange(&f, &post_req, CAP, &r), -1);
	CHECK_STR(err_msg(), "unexpected data after response");

	script(&f, -2, OK_200 "\r\nabc", NULL, NULL);
	CHECK_INT(exchange(&f, &post_req, CAP, &r), -1);
	CHECK_INT(err_class(), ERR_PROTO);
	CHECK(strstr(err_msg(), "close_notify") != NULL);

	script(&f, 0, OK_200 "Content-Length: 5\r\n\r\nhel", NULL, NULL);
	CHECK_INT(exchange(&f, &post_req, CAP, &r), -1);
	CHECK_STR(err_msg(),
	    "connection closed before the response was complete");

	script(&f, -2, OK_200 "Content-Length: 5\r\n\r\nhel", NULL, NULL);
	CHECK_INT(exchange(&f, &post_req, CAP, &r), -1);
	CHECK_STR(err_msg(),
	    "connection closed before the response was complete");

	script(&f, 0, NULL, NULL, NULL);
	CHECK_INT(exchange(&f, &post_req, CAP, &r), -1);
	CHECK_INT(err_class(), ERR_PROTO);

	/* The stream's own error is kept. */
	script(&f, -1, "HTTP/1.1 2", NULL, NULL);
	CHECK_INT(exchange(&f, &post_req, CAP, &r), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "read timed out");

	script(&f, 0, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n",
	    NULL, NULL);
	f.write_fails = 1;
	CHECK_INT(exchange(&f, &post_req, CAP, &r), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "connection reset");
	CHECK_INT(f.reads, 0);

	script(&f, 0, OK_200 "Transfer-Encoding: gzip\r\n\r\n", NULL, NULL);
	CHECK_INT(exchange(&f, &post_req, CAP, &r), -1);
	CHECK_INT(err_class(), ERR_PROTO);

	/* Nothing is sent when the request cannot be built. */
	bad.bearer = "s3cret\r\nX: y";
	script(&f, 0, OK_200 "Content-Length: 0\r\n\r\n", NULL, NULL);
	CHECK_INT(exchange(&f, &bad, CAP, &r), -1);
	CHECK_INT(err_class(), ERR_LOCAL);
	CHECK_INT(f.writes, 0);
	CHECK_INT(f.reads, 0);
}

/* Endless extensions on one-byte chunks stop at the framing cap. */
TEST(http_chunk_framing_cap)
{
	static unsigned char body[64];
	static char line[4000];
	struct http_parser p;
	struct http_response r;
	size_t used;
	int i, rc = HTTP_MORE;
	const char *head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

	memset(&r, 0, sizeof(r));
	r.body = body;
	r.body_cap = sizeof(body);
	http_parser_init(&p, &r, 0);
	err_clear();
	CHECK_INT(http_parser_feed(&p, (const unsigned char *)head,
	    strlen(head), &used), HTTP_MORE);
	/* "0;xxxx...\r\n" is 4000 bytes of size line, then data "". Use
	 * size 1 with one data byte so the body stays tiny. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "1;", 2);
	memcpy(line + sizeof(line) - 5, "\r\nA\r\n", 5);
	for (i = 0; i < 40 && rc == HTTP_MORE; i++)
		rc = http_parser_feed(&p, (const unsigned char *)line,
		    sizeof(line), &used);
	CHECK_INT(rc, HTTP_ERROR);
	CHECK_INT(err_class(), ERR_PROTO);
	CHECK(strstr(err_msg(), "chunk size lines larger than") != NULL);
	CHECK(i > 10);	/* well-formed chunks were taken until the cap */
}

const struct t_case t_cases_http[] = {
	T(http_chunk_framing_cap),
	T(status_line_ok),
	T(status_line_bad),
	T(closed_early),
	T(header_lines),
	T(header_lines_bad),
	T(head_bounds),
	T(interim),
	T(no_body),
	T(content_length),
	T(content_length_bad),
	T(transfer_encoding),
	T(chunked),
	T(chunked_bad),
	T(close_delimited),
	T(keep_alive),
	T(kept_values),
	T(parser_api),
	T(build_post),
	T(build_get),
	T(build_refused),
	T(exchange_ok),
	T(exchange_head),
	T(exchange_fail),
	T_END
};
