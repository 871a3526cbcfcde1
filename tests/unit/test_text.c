/*
 * test_text.c — text.c: terminal escaping, percent-encoding, token shape,
 * JSON quoting (checked by reading the result back with json.c).
 */
#include <string.h>

#include "t.h"
#include "../../src/err.h"
#include "../../src/json.h"
#include "../../src/text.h"

/* Guard bytes after cap show a write past the end. */
#define GUARD	16

/* text_escape of a literal (NULs included) into cap bytes, checked. */
static int
escaped(const char *src, size_t len, size_t cap, const char *want, int ret)
{
	char buf[256 + GUARD];
	size_t i;
	int r, ok = 1;

	memset(buf, '#', sizeof(buf));
	r = text_escape(buf, cap, src, len);
	if (r != ret || strcmp(buf, want) != 0)
		ok = 0;
	for (i = cap; i < cap + GUARD; i++)
		if (buf[i] != '#')
			ok = 0;
	if (!ok)
		fprintf(stderr, "  escape \"%.40s\" cap %zu: got %d \"%s\", "
		    "want %d \"%s\"\n", want, cap, r, buf, ret, want);
	return ok;
}

#define ESCAPED(src, want) \
	CHECK(escaped(src, sizeof(src) - 1, 256, want, 0))
#define ESCAPED_CAP(src, cap, want, ret) \
	CHECK(escaped(src, sizeof(src) - 1, cap, want, ret))

TEST(text_escape_ascii)
{
	ESCAPED("", "");
	ESCAPED("hello, world ~!@#$%^&*()", "hello, world ~!@#$%^&*()");
	ESCAPED("a\nb\rc\td\\e", "a\\nb\\rc\\td\\\\e");
	ESCAPED("\033[2J\033]0;pwned\007", "\\x1b[2J\\x1b]0;pwned\\x07");
	ESCAPED("\0", "\\x00");
	ESCAPED("a\0b", "a\\x00b");
	ESCAPED("\001\037\177\b\f\v", "\\x01\\x1f\\x7f\\x08\\x0c\\x0b");
	ESCAPED("\"quoted\" 'single'", "\"quoted\" 'single'");
}

TEST(text_escape_utf8)
{
	ESCAPED("caf\xc3\xa9", "caf\xc3\xa9");
	ESCAPED("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac");
	ESCAPED("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
	ESCAPED("\xc2\xa0", "\xc2\xa0");
	ESCAPED("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");
	/* C1 controls: CSI, NEL, and the first and last of them */
	ESCAPED("\xc2\x9b" "2J", "\\xc2\\x9b2J");
	ESCAPED("\xc2\x85", "\\xc2\\x85");
	ESCAPED("\xc2\x80\xc2\x9f", "\\xc2\\x80\\xc2\\x9f");
	/* line and paragraph separators, bidirectional controls */
	ESCAPED("a\xe2\x80\xa8z", "a\\xe2\\x80\\xa8z");
	ESCAPED("\xe2\x80\xa9", "\\xe2\\x80\\xa9");
	ESCAPED("\xe2\x80\xae" "cba", "\\xe2\\x80\\xaecba");
	ESCAPED("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8f\xd8\x9c",
	    "\\xe2\\x80\\xaa\\xe2\\x81\\xa6\\xe2\\x81\\xa9\\xe2\\x80\\x8f"
	    "\\xd8\\x9c");
	/* neighbours of those are kept */
	ESCAPED("\xe2\x80\xa7\xe2\x80\xaf", "\xe2\x80\xa7\xe2\x80\xaf");
}

TEST(text_escape_malformed)
{
	ESCAPED("\xc0\x80", "\\xc0\\x80");
	ESCAPED("\xe0\x80\x80", "\\xe0\\x80\\x80");
	ESCAPED("\xed\xa0\x80", "\\xed\\xa0\\x80");
	ESCAPED("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	ESCAPED("a\x80z", "a\\x80z");
	ESCAPED("\xe6\x97", "\\xe6\\x97");
	ESCAPED("\xe6\x97z", "\\xe6\\x97z");
	ESCAPED("\xff\xfe", "\\xff\\xfe");
	/* a bad lead byte does not swallow the good character after it */
	ESCAPED("\xe6\xc3\xa9", "\\xe6\xc3\xa9");
}

TEST(text_escape_truncation)
{
	ESCAPED_CAP("abcdefg", 8, "abcdefg", 0);
	ESCAPED_CAP("abcdefgh", 8, "abcd...", 1);
	ESCAPED_CAP("abcdefghijklmnop", 8, "abcd...", 1);
	ESCAPED_CAP("abc", 4, "abc", 0);
	ESCAPED_CAP("abcd", 4, "...", 1);
	ESCAPED_CAP("", 4, "", 0);
	/* below the contract's minimum: still terminated, never overrun */
	ESCAPED_CAP("abc", 2, ".", 1);
	ESCAPED_CAP("abc", 1, "", 1);
	ESCAPED_CAP("", 1, "", 0);
	/* an escape that fits whole is kept, one that does not is dropped */
	ESCAPED_CAP("ab\033", 8, "ab\\x1b", 0);
	ESCAPED_CAP("abc\033def", 8, "abc...", 1);
	ESCAPED_CAP("a\033bcdefgh", 9, "a\\x1b...", 1);
	ESCAPED_CAP("abc\\defgh", 8, "abc...", 1);
	ESCAPED_CAP("ab\\defgh", 8, "ab\\\\...", 1);
	/* a UTF-8 character is never cut */
	ESCAPED_CAP("ab\xe6\x97\xa5\xe6\x9c\xac", 9,
	    "ab\xe6\x97\xa5\xe6\x9c\xac", 0);
	ESCAPED_CAP("ab\xe6\x97\xa5\xe6\x9c\xac", 8, "ab...", 1);
	ESCAPED_CAP("a\xe6\x97\xa5\xe6\x9c\xacx", 8, "a\xe6\x97\xa5...", 1);
	/* escaped bytes of a refused sequence are separate units */
	ESCAPED_CAP("\xc2\x9b\xc2\x9b", 12, "\\xc2\\x9b...", 1);
}

TEST(text_pct_encode_cases)
{
	char buf[64];

	CHECK_INT(text_pct_encode(buf, sizeof(buf), "a b/c%\xc3\xa9", 8), 18);
	CHECK_STR(buf, "a%20b%2Fc%25%C3%A9");
	CHECK_INT(text_pct_encode(buf, sizeof(buf), "AZaz09-._~", 10), 10);
	CHECK_STR(buf, "AZaz09-._~");
	CHECK_INT(text_pct_encode(buf, sizeof(buf), "", 0), 0);
	CHECK_STR(buf, "");
	CHECK_INT(text_pct_encode(buf, sizeof(buf), "?#&=+:@!$'()*,;[]", 17),
	    51);
	CHECK_STR(buf, "%3F%23%26%3D%2B%3A%40%21%24%27%28%29%2A%2C%3B%5B%5D");
	CHECK_INT(text_pct_encode(buf, sizeof(buf), "\0\n\xff", 3), 9);
	CHECK_STR(buf, "%00%0A%FF");
	CHECK_INT(text_pct_encode(buf, sizeof(buf), "..", 2), 2);
	CHECK_STR(buf, "..");

	/* exactly enough room, then one byte short at each kind of unit */
	CHECK_INT(text_pct_encode(buf, 19, "a b/c%\xc3\xa9", 8), 18);
	CHECK_STR(buf, "a%20b%2Fc%25%C3%A9");
	memset(buf, 'x', sizeof(buf));
	CHECK_INT(text_pct_encode(buf, 18, "a b/c%\xc3\xa9", 8), -1);
	CHECK_STR(buf, "");
	CHECK_INT(buf[18], 'x');
	CHECK_INT(text_pct_encode(buf, 4, "abcd", 4), -1);
	CHECK_INT(text_pct_encode(buf, 5, "abcd", 4), 4);
	CHECK_INT(text_pct_encode(buf, 3, " ", 1), -1);
	CHECK_INT(text_pct_encode(buf, 4, " ", 1), 3);
	CHECK_INT(text_pct_encode(buf, 0, "", 0), -1);
	CHECK_INT(text_pct_encode(buf, 1, "", 0), 0);
}

TEST(text_is_token_cases)
{
	CHECK_INT(text_is_token("eyJhbGciOiJFZERTQSJ9.e30.sig-_", 29), 1);
	CHECK_INT(text_is_token("!~", 2), 1);
	CHECK_INT(text_is_token("", 0), 0);
	CHECK_INT(text_is_token("a b", 3), 0);
	CHECK_INT(text_is_token("ab\n", 3), 0);
	CHECK_INT(text_is_token("ab\r", 3), 0);
	CHECK_INT(text_is_token("a\0b", 3), 0);
	CHECK_INT(text_is_token("a\177", 2), 0);
	CHECK_INT(text_is_token("\xc3\xa9", 2), 0);
	CHECK_INT(text_is_token("\033[", 2), 0);
	/* only len bytes are looked at */
	CHECK_INT(text_is_token("ab cd", 2), 1);
}

/* Quote s, parse it back with json.c, compare with the original. */
static int
round_trip(const char *s, size_t len)
{
	char q[1024], back[256];
	struct json j;
	long n;

	n = text_json_quote(q, sizeof(q), s, len);
	if (n < 0 || json_parse(&j, q, (size_t)n) != 0 ||
	    json_type(&j, 0) != JSON_STRING ||
	    json_string(&j, 0, back, sizeof(back)) != (long)len ||
	    memcmp(back, s, len) != 0) {
		fprintf(stderr, "  round trip of \"%.40s\" failed: %s\n", q,
		    err_msg());
		return 0;
	}
	return 1;
}

TEST(text_json_quote_cases)
{
	char buf[64], all[128];
	size_t i;

	CHECK_INT(text_json_quote(buf, sizeof(buf), "hi", 2), 4);
	CHECK_STR(buf, "\"hi\"");
	CHECK_INT(text_json_quote(buf, sizeof(buf), "", 0), 2);
	CHECK_STR(buf, "\"\"");
	CHECK_INT(text_json_quote(buf, sizeof(buf), "a\"b\\c/", 6), 10);
	CHECK_STR(buf, "\"a\\\"b\\\\c/\"");
	CHECK_INT(text_json_quote(buf, sizeof(buf), "\n\r\t\b\f", 5), 12);
	CHECK_STR(buf, "\"\\n\\r\\t\\b\\f\"");
	CHECK_INT(text_json_quote(buf, sizeof(buf), "\001\033\037\177", 4), 26);
	CHECK_STR(buf, "\"\\u0001\\u001b\\u001f\\u007f\"");
	CHECK_INT(text_json_quote(buf, sizeof(buf), "caf\xc3\xa9", 5), 7);
	CHECK_STR(buf, "\"caf\xc3\xa9\"");
	CHECK_INT(text_json_quote(buf, sizeof(buf), "\xc2\x85\xe2\x80\xa8"
	    "\xe2\x80\xa9\xf0\x9f\x98\x80", 12), 24);
	CHECK_STR(buf, "\"\\u0085\\u2028\\u2029\xf0\x9f\x98\x80\"");

	/* refused: invalid UTF-8, NUL, no room */
	CHECK_INT(text_json_quote(buf, sizeof(buf), "a\xc0\x80", 3), -1);
	CHECK_STR(buf, "");
	CHECK_INT(text_json_quote(buf, sizeof(buf), "\xed\xa0\x80", 3), -1);
	CHECK_INT(text_json_quote(buf, sizeof(buf), "\xe6\x97", 2), -1);
	CHECK_INT(text_json_quote(buf, sizeof(buf), "a\0b", 3), -1);
	CHECK_INT(text_json_quote(buf, 5, "hi", 2), 4);
	CHECK_STR(buf, "\"hi\"");
	CHECK_INT(text_json_quote(buf, 4, "hi", 2), -1);
	CHECK_STR(buf, "");
	CHECK_INT(text_json_quote(buf, 7, "\033", 1), -1);
	CHECK_INT(text_json_quote(buf, 9, "\033", 1), 8);
	CHECK_INT(text_json_quote(buf, 0, "", 0), -1);
	CHECK_INT(err_class(), ERR_OK);

	/* every byte 0x01..0x7f, then multibyte text, survive a round trip */
	for (i = 0; i < 127; i++)
		all[i] = (char)(i + 1);
	CHECK(round_trip(all, 127));
	CHECK(round_trip("\xc2\x80\xc2\x9f\xc2\xa0\xe2\x80\xa8\xe2\x80\xa9"
	    "\xe6\x97\xa5\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 23));
	CHECK(round_trip("read-only", 9));
	CHECK(round_trip("", 0));
}

TEST(text_retry_after_forms)
{
	/* 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example). */
	CHECK_INT(text_retry_after("120", 0), 120);
	CHECK_INT(text_retry_after("0", 0), 0);
	CHECK_INT(text_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111700),
	    77);
	CHECK_INT(text_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111800),
	    0);
	CHECK_INT(text_retry_after("Wed, 29 Feb 2028 00:00:00 GMT", 1835395200),
	    0);
	CHECK_INT(text_retry_after("Wed, 01 Mar 2028 00:00:00 GMT", 1835395200),
	    86400);
	CHECK_INT(text_retry_after("", 0), -1);
	CHECK_INT(text_retry_after("-5", 0), -1);
	CHECK_INT(text_retry_after("1.5", 0), -1);
	CHECK_INT(text_retry_after("99999999999", 0), -1);
	CHECK_INT(text_retry_after("Sun, 06 Nov 1994 08:49:37 UTC", 0), -1);
	CHECK_INT(text_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", 0), -1);
	CHECK_INT(text_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", 0), -1);
	CHECK_INT(text_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", 0), -1);
	CHECK_INT(text_retry_after("Sun, 06 Nov 1994 08:49:37 GMTX", 0), -1);
}

TEST(text_rfc3339_cases)
{
	char b[TEXT_RFC3339_MAX];

	CHECK_INT(text_rfc3339(b, sizeof(b), 0), 0);
	CHECK_STR(b, "1970-01-01T00:00:00Z");
	CHECK_INT(text_rfc3339(b, sizeof(b), 1835395200), 0);
	CHECK_STR(b, "2028-02-29T00:00:00Z");
	CHECK_INT(text_rfc3339(b, sizeof(b) - 1, 0), -1);
	CHECK_INT(text_rfc3339(b, sizeof(b), 253402300800LL), -1);
}

const struct t_case t_cases_text[] = {
	T(text_retry_after_forms), T(text_rfc3339_cases),
	T(text_escape_ascii),
	T(text_escape_utf8),
	T(text_escape_malformed),
	T(text_escape_truncation),
	T(text_pct_encode_cases),
	T(text_is_token_cases),
	T(text_json_quote_cases),
	T_END
};
