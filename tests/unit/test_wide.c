/*
 * test_wide.c — numbers that do not fit in 32 bits.
 *
 * On armv7 size_t and long are 32 bits wide while time_t (musl 1.2) and
 * long long are 64: a length or a time that passes through the narrower
 * type wraps silently.  Each case here is built so that a wrapped value
 * gives a plausible, wrong answer (a Content-Length of 2^32 + 5 read as
 * 5, a date after 2038 read as 1901), so that make test's run of the unit
 * tests under qemu-arm-static catches it; on 64-bit hosts they pass
 * either way and keep the contract honest.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "../../src/err.h"
#include "../../src/http.h"
#include "../../src/json.h"
#include "../../src/text.h"

/* Body room for these cases: far more than "hello", far less than 2^32. */
#define WIDE_BODY	(64 * 1024)

static unsigned char wide_body[WIDE_BODY];

/* Feed a whole response; the parser's result, with resp filled in. */
static int
parse(const char *in, struct http_response *resp)
{
	static struct http_parser p;
	size_t used;
	int rc;

	memset(resp, 0, sizeof(*resp));
	resp->body = wide_body;
	resp->body_cap = sizeof(wide_body);
	http_parser_init(&p, resp, 0);
	err_clear();
	rc = http_parser_feed(&p, (const unsigned char *)in, strlen(in), &used);
	return rc;
}

/* 2^32 + 5 must be too large, never 5 bytes of "hello". */
TEST(wide_content_length)
{
	struct http_response r;

	CHECK_INT(parse("HTTP/1.1 200 OK\r\nContent-Length: 4294967301\r\n"
	    "\r\nhello", &r), HTTP_ERROR);
	CHECK_INT(err_class(), ERR_PROTO);
	CHECK(strstr(err_msg(), "response body larger than") != NULL);
	CHECK_INT(parse("HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n"
	    "\r\n", &r), HTTP_ERROR);
	CHECK_INT(parse("HTTP/1.1 200 OK\r\nContent-Length: 4294967295\r\n"
	    "\r\n", &r), HTTP_ERROR);
	/* 2^64 + 5 has 20 digits: refused before any arithmetic. */
	CHECK_INT(parse("HTTP/1.1 200 OK\r\nContent-Length: "
	    "18446744073709551621\r\n\r\nhello", &r), HTTP_ERROR);
	/* The same body with its true length still parses. */
	CHECK_INT(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
	    &r), HTTP_DONE);
	CHECK_MEM(r.body, r.body_len, "hello", 5);
}

/* A chunk of 2^32 + 5 bytes must be too large, never a chunk of 5. */
TEST(wide_chunk_size)
{
	struct http_response r;

#define TE "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	CHECK_INT(parse(TE "100000005\r\nhello\r\n0\r\n\r\n", &r), HTTP_ERROR);
	CHECK_INT(err_class(), ERR_PROTO);
	CHECK(strstr(err_msg(), "response body larger than") != NULL);
	CHECK_INT(parse(TE "100000000\r\n", &r), HTTP_ERROR);
	CHECK_INT(parse(TE "FFFFFFFF\r\n", &r), HTTP_ERROR);
	/* Two chunks whose sum wraps a 32-bit total back under the cap. */
	CHECK_INT(parse(TE "5\r\nhello\r\nFFFFFFFE\r\n", &r), HTTP_ERROR);
	CHECK_INT(parse(TE "5\r\nhello\r\n0\r\n\r\n", &r), HTTP_DONE);
	CHECK_MEM(r.body, r.body_len, "hello", 5);
#undef TE
}

/* The "exp" of a validate answer {"exp":N}. */
static int
int_of(const char *num, long long *v)
{
	char doc[64];
	struct json j;
	int n;

	n = snprintf(doc, sizeof(doc), "{\"exp\":%s}", num);
	if (n < 0 || (size_t)n >= sizeof(doc))
		return -3;
	err_clear();
	if (json_parse(&j, doc, (size_t)n) != 0)
		return -2;
	return json_int(&j, json_get(&j, 0, "exp"), v);
}

/* Integers past 32 bits keep every bit (an "exp" after 2038, say). */
TEST(wide_json_int)
{
	long long v;

	CHECK_INT(int_of("4294967296", &v), 0);
	CHECK(v == 4294967296LL);
	CHECK_INT(int_of("4294967301", &v), 0);
	CHECK(v == 4294967301LL);
	CHECK_INT(int_of("2147483648", &v), 0);
	CHECK(v == 2147483648LL);
	CHECK_INT(int_of("-2147483649", &v), 0);
	CHECK(v == -2147483649LL);
	CHECK_INT(int_of("9007199254740993", &v), 0);
	CHECK(v == 9007199254740993LL);
	CHECK_INT(int_of("18446744073709551621", &v), -1);
	CHECK_INT(err_class(), ERR_PROTO);
}

/* Times past 2^31 and 2^32 seconds, and the edges of years 0000-9999. */
TEST(wide_rfc3339)
{
	char b[TEXT_RFC3339_MAX];

	CHECK_INT(text_rfc3339(b, sizeof(b), 2147483647LL), 0);
	CHECK_STR(b, "2038-01-19T03:14:07Z");
	CHECK_INT(text_rfc3339(b, sizeof(b), 2147483648LL), 0);
	CHECK_STR(b, "2038-01-19T03:14:08Z");
	CHECK_INT(text_rfc3339(b, sizeof(b), 4294967296LL), 0);
	CHECK_STR(b, "2106-02-07T06:28:16Z");
	CHECK_INT(text_rfc3339(b, sizeof(b), -1), 0);
	CHECK_STR(b, "1969-12-31T23:59:59Z");
	CHECK_INT(text_rfc3339(b, sizeof(b), 253402300799LL), 0);
	CHECK_STR(b, "9999-12-31T23:59:59Z");
	CHECK_INT(text_rfc3339(b, sizeof(b), -62167219200LL), 0);
	CHECK_STR(b, "0000-01-01T00:00:00Z");
	CHECK_INT(text_rfc3339(b, sizeof(b), -62167219201LL), -1);
	CHECK_INT(text_rfc3339(b, sizeof(b), LLONG_MAX), -1);
	CHECK_INT(text_rfc3339(b, sizeof(b), LLONG_MIN), -1);
}

/* Retry-After dates after 2038, against a clock after 2038 too. */
TEST(wide_retry_after)
{
	CHECK_INT(text_retry_after("Tue, 19 Jan 2038 03:14:08 GMT",
	    2147483600LL), 48);
	CHECK_INT(text_retry_after("Fri, 01 Jan 2100 00:00:00 GMT",
	    4102444800LL - 60), 60);
	CHECK_INT(text_retry_after("Fri, 01 Jan 2100 00:00:00 GMT",
	    2147483647LL), 4102444800LL - 2147483647LL);
	CHECK_INT(text_retry_after("Sun, 07 Feb 2106 06:28:16 GMT",
	    4294967296LL + 10), 0);
	/* delay-seconds past 2^31 are not a wait anyone means. */
	CHECK_INT(text_retry_after("4294967301", 0), -1);
}

const struct t_case t_cases_wide[] = {
	T(wide_content_length), T(wide_chunk_size), T(wide_json_int),
	T(wide_rfc3339), T(wide_retry_after), T_END
};
