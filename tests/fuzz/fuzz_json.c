/*
 * fuzz_json.c — libFuzzer target: the JSON layer and the escaping that
 * stands between a response and a terminal.
 *
 * json_parse() on arbitrary bytes; when it accepts, every token is walked
 * with every look-up json.h offers, and each must keep its promise:
 * types and subtrees are consistent, strings unescape to valid UTF-8
 * without NUL whatever the buffer size (or fail cleanly when it is too
 * small), integers print back as their own text, and a string quoted
 * with text_json_quote() parses back to itself.  text_escape() output
 * never holds a byte a terminal acts on, and text_pct_encode() output is
 * only unreserved characters and %XX.
 */
#include <stdio.h>
#include <string.h>

#include "../../src/err.h"
#include "../../src/json.h"
#include "../../src/text.h"
#include "fuzz.h"

/* Elements or members visited per container: enough to cover the
 * look-ups, bounded so one wide array costs linear time. */
#define WALK_MAX	64
/* Strings escaped and quoted per document, for the same reason. */
#define STRINGS_MAX	32

static char str[1 << 20], small[64], esc[1 << 16], quoted[1 << 16];

/* s is well-formed UTF-8 (text.h's decoder agrees on every sequence). */
static int
utf8_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t i;
	int k;

	for (i = 0; i < n; i += (size_t)k)
		if ((k = text_utf8_decode(u + i, n - i, &cp)) == 0)
			return 0;
	return 1;
}

/* Nothing in text_escape() output that a terminal would act on. */
static void
check_escaped(const char *s, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t n = strlen(s), i;
	int k;

	FUZZ_ASSERT(n < cap);
	for (i = 0; i < n; i += (size_t)k) {
		k = text_utf8_decode(u + i, n - i, &cp);
		FUZZ_ASSERT(k > 0);
		FUZZ_ASSERT(cp >= 0x20 && cp != 0x7f);
		FUZZ_ASSERT(cp < 0x80 || cp >= 0xa0);
		FUZZ_ASSERT(cp != 0x2028 && cp != 0x2029 && cp != 0x061c);
		FUZZ_ASSERT(cp != 0x200e && cp != 0x200f);
		FUZZ_ASSERT(cp < 0x202a || cp > 0x202e);
		FUZZ_ASSERT(cp < 0x2066 || cp > 0x2069);
	}
}

static void
escape_all_ways(const char *s, size_t n)
{
	static const size_t caps[] = { 4, 5, 7, 16, 100, sizeof(esc) };
	size_t i;
	int cut;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		cut = text_escape(esc, caps[i], s, n);
		FUZZ_ASSERT(cut == 0 || cut == 1);
		check_escaped(esc, caps[i]);
		if (cut)
			FUZZ_ASSERT(strlen(esc) >= 3 &&
			    strcmp(esc + strlen(esc) - 3, "...") == 0);
	}
}

static void
check_pct(const char *s, size_t n)
{
	long m = text_pct_encode(esc, sizeof(esc), s, n);
	long i;

	if (m < 0) {
		FUZZ_ASSERT(esc[0] == '\0');
		return;
	}
	FUZZ_ASSERT((size_t)m == strlen(esc));
	for (i = 0; i < m; i++)
		FUZZ_ASSERT(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
		    "qrstuvwxyz0123456789-._~%", esc[i]) != NULL);
}

/* A string token: unescape at full and small size, escape, check. */
static void
check_string(const struct json *j, int t)
{
	size_t raw_len, i;
	long n, m;

	json_raw(j, t, &raw_len);
	if (raw_len + 1 > sizeof(str))
		return;
	/* Unescaping never lengthens: \uXXXX is 6 bytes for at most 3. */
	n = json_string(j, t, str, raw_len + 1);
	FUZZ_ASSERT(n >= 0 && (size_t)n <= raw_len);
	FUZZ_ASSERT(strlen(str) == (size_t)n);
	FUZZ_ASSERT(utf8_ok(str, (size_t)n));
	m = json_string(j, t, small, sizeof(small));
	if ((size_t)n < sizeof(small)) {
		FUZZ_ASSERT(m == n && memcmp(small, str, (size_t)n + 1) == 0);
	} else {
		FUZZ_ASSERT(m == -1 && small[0] == '\0');
		FUZZ_ASSERT(err_class() == ERR_PROTO);
		err_clear();
	}
	if (text_is_token(str, (size_t)n))
		for (i = 0; i < (size_t)n; i++)
			FUZZ_ASSERT(str[i] > ' ' && str[i] < 0x7f);
	escape_all_ways(str, (size_t)n);
}

static void
check_number(const struct json *j, int t)
{
	char buf[32];
	const char *raw;
	size_t len;
	long long v;

	raw = json_raw(j, t, &len);
	if (json_int(j, t, &v) != 0) {
		FUZZ_ASSERT(err_class() == ERR_PROTO);
		err_clear();
		return;
	}
	snprintf(buf, sizeof(buf), "%lld", v);
	if (len == 2 && memcmp(raw, "-0", 2) == 0)
		FUZZ_ASSERT(v == 0);
	else
		FUZZ_ASSERT(strlen(buf) == len && memcmp(buf, raw, len) == 0);
}

/* Containers: elements in order, each one's subtree inside the parent's. */
static void
check_container(const struct json *j, int t)
{
	int n = json_len(j, t), i, e, prev = -1, end = json_next(j, t);

	FUZZ_ASSERT(n >= 0);
	for (i = 0; i < n && i < WALK_MAX; i++) {
		e = json_elem(j, t, i);
		FUZZ_ASSERT(e > t && e < end);
		if (prev >= 0)
			FUZZ_ASSERT(e == json_next(j, prev));
		else
			FUZZ_ASSERT(e == t + 1);
		if (json_type(j, t) == JSON_OBJECT)
			FUZZ_ASSERT(json_type(j, e) == JSON_STRING &&
			    e + 1 < end);
		prev = e;
	}
	FUZZ_ASSERT(json_elem(j, t, n) == -1 && json_elem(j, t, -1) == -1);
	if (n > 0 && n <= WALK_MAX)
		FUZZ_ASSERT(json_next(j, prev) == end);
}

static void
check_lookups(const struct json *j)
{
	static const char *const keys[] = { "token", "error", "code", "name",
	    "id", "exp", "tokens", "jwt", "" };
	size_t i;
	int t;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		t = json_get(j, 0, keys[i]);
		if (json_type(j, 0) != JSON_OBJECT)
			FUZZ_ASSERT(t == -1);
		FUZZ_ASSERT(t == -1 || t == -2 || (t > 0 && t < j->ntok));
		if (t == -2) {
			FUZZ_ASSERT(err_class() == ERR_PROTO &&
			    fuzz_printable(err_msg()));
			err_clear();
		}
	}
}

/* The first string of the document, quoted, must parse back to itself. */
static void
check_roundtrip(const char *s, size_t n)
{
	struct json j;
	long q;

	q = text_json_quote(quoted, sizeof(quoted), s, n);
	if (q < 0) {
		/* Only a NUL (or no room) stops it: the input is UTF-8. */
		FUZZ_ASSERT(memchr(s, '\0', n) != NULL ||
		    n * 6 + 3 > sizeof(quoted));
		return;
	}
	FUZZ_ASSERT(json_parse(&j, quoted, (size_t)q) == 0);
	FUZZ_ASSERT(json_type(&j, 0) == JSON_STRING && j.ntok == 1);
	FUZZ_ASSERT(json_string(&j, 0, str, sizeof(str)) == (long)n);
	FUZZ_ASSERT(memcmp(str, s, n) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char first[1 << 16];
	struct json j;
	size_t first_len = 0;
	int t, strings = 0, have_first = 0;

	err_clear();
	/* Escaping and encoding take any bytes, not only JSON. */
	escape_all_ways((const char *)data, size);
	check_pct((const char *)data, size < 4096 ? size : 4096);
	if (json_parse(&j, (const char *)data, size) != 0) {
		FUZZ_ASSERT(err_class() == ERR_PROTO);
		FUZZ_ASSERT(err_msg()[0] != '\0' && fuzz_printable(err_msg()));
		FUZZ_ASSERT(j.ntok == 0);
		err_clear();
		return 0;
	}
	FUZZ_ASSERT(j.ntok >= 1 && j.ntok <= JSON_TOKENS_MAX);
	FUZZ_ASSERT(json_next(&j, 0) == j.ntok);
	FUZZ_ASSERT(json_type(&j, -1) == JSON_NONE &&
	    json_type(&j, j.ntok) == JSON_NONE);
	check_lookups(&j);
	for (t = 0; t < j.ntok; t++) {
		FUZZ_ASSERT(json_next(&j, t) > t && json_next(&j, t) <= j.ntok);
		switch (json_type(&j, t)) {
		case JSON_OBJECT:
		case JSON_ARRAY:
			check_container(&j, t);
			break;
		case JSON_STRING:
			if (strings++ >= STRINGS_MAX)
				break;
			check_string(&j, t);
			if (!have_first && strlen(str) < sizeof(first)) {
				first_len = strlen(str);
				memcpy(first, str, first_len);
				have_first = 1;
			}
			break;
		case JSON_NUMBER:
			check_number(&j, t);
			break;
		case JSON_TRUE:
		case JSON_FALSE:
		case JSON_NULL:
			break;
		default:
			FUZZ_ASSERT(!"token of no type");
		}
	}
	FUZZ_ASSERT(err_class() == ERR_OK);
	/* Last: it parses another document, which ends this one. */
	if (have_first)
		check_roundtrip(first, first_len);
	err_clear();
	return 0;
}
