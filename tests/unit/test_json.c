/*
 * test_json.c — json.c against good documents and hostile ones.
 *
 * Every refusal is checked for its class and exact message, so a
 * document refused for the wrong reason fails the test too.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "../../src/err.h"
#include "../../src/json.h"
#include "../../src/text.h"

/*
 * Big documents are built here: 100000 opening and closing brackets, or
 * a token table's worth of "0," pairs.
 */
static char big[2 * 100000 + 2 * JSON_TOKENS_MAX];

/* 1 if doc (len bytes) is refused with ERR_PROTO and exactly msg. */
static int
refused(const char *doc, size_t len, const char *msg)
{
	struct json j;
	int r, ok;

	err_clear();
	r = json_parse(&j, doc, len);
	ok = r == -1 && err_class() == ERR_PROTO &&
	    strcmp(err_msg(), msg) == 0 && j.ntok == 0;
	if (!ok)
		fprintf(stderr, "  doc \"%.40s\": got %d \"%s\", want \"%s\"\n",
		    doc, r, err_msg(), msg);
	err_clear();
	return ok;
}

/* 1 if doc parses into ntok tokens with nothing pending. */
static int
accepted(const char *doc, size_t len, int ntok)
{
	struct json j;
	int r, ok;

	err_clear();
	r = json_parse(&j, doc, len);
	ok = r == 0 && j.ntok == ntok && err_class() == ERR_OK;
	if (!ok)
		fprintf(stderr, "  doc \"%.40s\": got %d ntok %d \"%s\"\n",
		    doc, r, j.ntok, err_msg());
	err_clear();
	return ok;
}

/* Literal documents may hold NUL bytes, so their size is taken, not strlen. */
#define REFUSED(doc, msg)	CHECK(refused(doc, sizeof(doc) - 1, msg))
#define ACCEPTED(doc, n)	CHECK(accepted(doc, sizeof(doc) - 1, n))

#define NOT_JSON	"response is not valid JSON"
#define GARBAGE		"JSON value followed by garbage"
#define TRUNCATED	"truncated JSON"
#define BAD_UTF8	"invalid UTF-8 in JSON string"
#define LONE		"lone surrogate in JSON string"
#define BAD_NUMBER	"invalid JSON number"
#define BAD_LITERAL	"invalid JSON literal"

static int
parse(struct json *j, const char *doc)
{
	return json_parse(j, doc, strlen(doc));
}

TEST(json_create_response)
{
	static const char doc[] =
	    "{\"name\":\"ci\",\"id\":\"tok_1\",\"token\":\"eyJhbGciOi.x-y_z\"}";
	struct json j;
	char s[64] = "";
	int t;

	CHECK_INT(parse(&j, doc), 0);
	CHECK_INT(j.ntok, 7);
	CHECK_INT(json_type(&j, 0), JSON_OBJECT);
	CHECK_INT(json_len(&j, 0), 3);
	t = json_get(&j, 0, "token");
	CHECK_INT(t, 6);
	CHECK_INT(json_type(&j, t), JSON_STRING);
	CHECK_INT(json_string(&j, t, s, sizeof(s)), 16);
	CHECK_STR(s, "eyJhbGciOi.x-y_z");
	CHECK_INT(json_string(&j, json_get(&j, 0, "name"), s, sizeof(s)), 2);
	CHECK_STR(s, "ci");
	CHECK_INT(json_get(&j, 0, "absent"), -1);
	CHECK_INT(json_get(&j, 0, "toke"), -1);
	CHECK_INT(json_get(&j, 0, "tokens"), -1);
	CHECK_INT(json_get(&j, t, "token"), -1);
	CHECK_INT(err_class(), ERR_OK);
}

TEST(json_token_wrong_types)
{
	struct json j;
	char s[16] = "";
	long long v;
	int t;

	CHECK_INT(parse(&j, "{\"name\":\"x\"}"), 0);
	t = json_get(&j, 0, "token");
	CHECK_INT(t, -1);
	CHECK_INT(json_type(&j, t), JSON_NONE);
	CHECK_INT(json_string(&j, t, s, sizeof(s)), -1);
	CHECK_STR(err_msg(), "JSON value is not a string");
	err_clear();

	CHECK_INT(parse(&j, "{\"token\":null}"), 0);
	t = json_get(&j, 0, "token");
	CHECK_INT(json_type(&j, t), JSON_NULL);
	CHECK_INT(json_string(&j, t, s, sizeof(s)), -1);
	CHECK_INT(err_class(), ERR_PROTO);
	err_clear();

	CHECK_INT(parse(&j, "{\"token\":12345}"), 0);
	t = json_get(&j, 0, "token");
	CHECK_INT(json_type(&j, t), JSON_NUMBER);
	CHECK_INT(json_string(&j, t, s, sizeof(s)), -1);
	err_clear();

	CHECK_INT(parse(&j, "{\"token\":{\"token\":\"x\"}}"), 0);
	t = json_get(&j, 0, "token");
	CHECK_INT(json_type(&j, t), JSON_OBJECT);
	CHECK_INT(json_string(&j, t, s, sizeof(s)), -1);
	err_clear();

	CHECK_INT(parse(&j,
	    "{\"t\":true,\"f\":false,\"a\":[],\"s\":\"1\"}"), 0);
	CHECK_INT(json_type(&j, json_get(&j, 0, "t")), JSON_TRUE);
	CHECK_INT(json_type(&j, json_get(&j, 0, "f")), JSON_FALSE);
	CHECK_INT(json_type(&j, json_get(&j, 0, "a")), JSON_ARRAY);
	CHECK_INT(json_int(&j, json_get(&j, 0, "s"), &v), -1);
	CHECK_STR(err_msg(), "JSON value is not a number");
	err_clear();
	CHECK_INT(json_int(&j, json_get(&j, 0, "t"), &v), -1);
	CHECK_INT(err_class(), ERR_PROTO);
	err_clear();

	CHECK_INT(json_type(&j, -1), JSON_NONE);
	CHECK_INT(json_type(&j, j.ntok), JSON_NONE);
	CHECK_INT(json_type(&j, 1 << 30), JSON_NONE);
}

/* value of {"v": text} as an integer, or -1 with the message checked */
static int
int_of(const char *text, long long *v)
{
	char doc[128];
	struct json j;

	snprintf(doc, sizeof(doc), "{\"v\":%s}", text);
	if (parse(&j, doc) != 0)
		return -2;
	return json_int(&j, json_get(&j, 0, "v"), v);
}

TEST(json_integers)
{
	long long v = 7;

	CHECK_INT(int_of("0", &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(int_of("-0", &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(int_of("-1", &v), 0);
	CHECK_INT(v, -1);
	CHECK_INT(int_of("1735689600", &v), 0);
	CHECK_INT(v, 1735689600LL);
	CHECK_INT(int_of("9223372036854775807", &v), 0);
	CHECK(v == LLONG_MAX);
	CHECK_INT(int_of("-9223372036854775808", &v), 0);
	CHECK(v == LLONG_MIN);
	CHECK_INT(int_of("-9223372036854775807", &v), 0);
	CHECK(v == -LLONG_MAX);

	v = 7;
	CHECK_INT(int_of("9223372036854775808", &v), -1);
	CHECK_STR(err_msg(), "JSON integer out of range");
	CHECK_INT(v, 7);
	err_clear();
	CHECK_INT(int_of("-9223372036854775809", &v), -1);
	CHECK_STR(err_msg(), "JSON integer out of range");
	err_clear();
	CHECK_INT(int_of("18446744073709551616", &v), -1);
	CHECK_STR(err_msg(), "JSON integer out of range");
	err_clear();
	CHECK_INT(int_of("99999999999999999999999999999999", &v), -1);
	CHECK_STR(err_msg(), "JSON integer out of range");
	err_clear();
	CHECK_INT(int_of("1.5", &v), -1);
	CHECK_STR(err_msg(), "JSON number is not an integer");
	err_clear();
	CHECK_INT(int_of("1e3", &v), -1);
	CHECK_STR(err_msg(), "JSON number is not an integer");
	err_clear();
	CHECK_INT(int_of("-1.0", &v), -1);
	CHECK_STR(err_msg(), "JSON number is not an integer");
	err_clear();
	CHECK_INT(v, 7);
}

TEST(json_truncated)
{
	REFUSED("{\"token\":\"abc", TRUNCATED);
	REFUSED("{\"token\":\"abc\\", TRUNCATED);
	REFUSED("{\"token\":\"abc\\u00", TRUNCATED);
	REFUSED("{\"token\":", TRUNCATED);
	REFUSED("{\"token\"", TRUNCATED);
	REFUSED("{\"tok", TRUNCATED);
	REFUSED("{", TRUNCATED);
	REFUSED("[1,2", TRUNCATED);
	REFUSED("[1,2,", TRUNCATED);
	REFUSED("{\"exp\":12", TRUNCATED);
	REFUSED("{\"a\":tru", TRUNCATED);
	REFUSED("\"abc", TRUNCATED);
	REFUSED("[[[]]", TRUNCATED);
}

TEST(json_nul_and_controls)
{
	REFUSED("{\"t\":\"a\\u0000b\"}", "\\u0000 in JSON string");
	REFUSED("{\"a\\u0000\":1}", "\\u0000 in JSON string");
	REFUSED("{\"t\":\"a\0b\"}", "NUL byte in JSON");
	REFUSED("{\"t\":\"ab\"}\0", "NUL byte in JSON");
	REFUSED("\0", "NUL byte in JSON");
	REFUSED("{\"t\":\"a\001b\"}", "control character in JSON string");
	REFUSED("{\"t\":\"a\tb\"}", "control character in JSON string");
	REFUSED("{\"t\":\"a\nb\"}", "control character in JSON string");
	REFUSED("{\"t\":\"\033[2J\"}", "control character in JSON string");
	REFUSED("{\"t\x1f\":1}", "control character in JSON string");
	/* DEL is not a control character to JSON */
	ACCEPTED("{\"t\":\"a\177b\"}", 3);
	REFUSED("{\"t\":\"\\x41\"}", NOT_JSON);
	REFUSED("{\"t\":\"\\a\"}", NOT_JSON);
	REFUSED("{\"t\":\"\\'\"}", NOT_JSON);
	REFUSED("{\"t\":\"\\u12G4\"}", NOT_JSON);
	REFUSED("{\"t\":\"\\U0041\"}", NOT_JSON);
}

TEST(json_escapes_decoded)
{
	static const char doc[] =
	    "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u65E5\\u007f\"]";
	static const char want[] = "\"\\/\b\f\n\r\tA\xc3\xa9\xe6\x97\xa5\x7f";
	struct json j;
	char s[64] = "";
	const char *raw;
	size_t n;

	CHECK_INT(parse(&j, doc), 0);
	CHECK_INT(json_string(&j, 1, s, sizeof(s)), sizeof(want) - 1);
	CHECK_MEM(s, strlen(s), want, sizeof(want) - 1);
	raw = json_raw(&j, 1, &n);
	CHECK_MEM(raw, n, doc + 2, sizeof(doc) - 1 - 4);
}

TEST(json_escape_sequences_neutralised)
{
	static const char doc[] =
	    "{\"error\":\"\\u001b[31mred\\u001b]0;title\\u0007 "
	    "\xc2\x9b" "2J\"}";
	struct json j;
	char s[64] = "", shown[128];
	long n;

	CHECK_INT(parse(&j, doc), 0);
	n = json_string(&j, json_get(&j, 0, "error"), s, sizeof(s));
	CHECK_INT(n, 23);
	if (n != 23)
		return;
	CHECK_MEM(s, (size_t)n,
	    "\033[31mred\033]0;title\007 \xc2\x9b" "2J", 23);
	CHECK_INT(text_escape(shown, sizeof(shown), s, (size_t)n), 0);
	CHECK_STR(shown, "\\x1b[31mred\\x1b]0;title\\x07 \\xc2\\x9b2J");
	CHECK(strchr(shown, '\033') == NULL);
}

TEST(json_deep_nesting)
{
	size_t i, n = 100000;
	struct json j;

	memset(big, '[', n);
	CHECK(refused(big, n, "JSON nested deeper than 256 levels"));
	memset(big + n, ']', n);
	CHECK(refused(big, 2 * n, "JSON nested deeper than 256 levels"));
	memset(big, '{', n);
	CHECK(refused(big, n, "JSON nested deeper than 256 levels"));

	n = JSON_DEPTH_MAX;
	memset(big, '[', n);
	memset(big + n, ']', n);
	CHECK_INT(json_parse(&j, big, 2 * n), 0);
	CHECK_INT(j.ntok, JSON_DEPTH_MAX);
	CHECK_INT(json_next(&j, 0), JSON_DEPTH_MAX);
	CHECK_INT(json_next(&j, 1), JSON_DEPTH_MAX);
	CHECK_INT(json_len(&j, JSON_DEPTH_MAX - 1), 0);
	CHECK_INT(json_elem(&j, JSON_DEPTH_MAX - 2, 0), JSON_DEPTH_MAX - 1);

	memset(big, '[', n + 1);
	memset(big + n + 1, ']', n + 1);
	CHECK(refused(big, 2 * n + 2, "JSON nested deeper than 256 levels"));

	/* brackets inside strings are not nesting */
	big[0] = '"';
	for (i = 1; i <= 1000; i++)
		big[i] = i % 2 ? '[' : '{';
	big[i++] = '\\';
	big[i++] = '"';
	big[i++] = '"';
	CHECK(accepted(big, i, 1));
}

TEST(json_garbage_after)
{
	REFUSED("{\"a\":1}x", GARBAGE);
	REFUSED("{\"a\":1} {\"b\":2}", GARBAGE);
	REFUSED("{\"a\":1}}", GARBAGE);
	REFUSED("{\"a\":1},", GARBAGE);
	REFUSED("[1] 2", GARBAGE);
	REFUSED("[1] 2 ", GARBAGE);
	REFUSED("[1][", GARBAGE);
	REFUSED("\"a\" \"b\"", GARBAGE);
	REFUSED("\"a\"x", GARBAGE);
	REFUSED("1 2", GARBAGE);
	REFUSED("true false", GARBAGE);
	REFUSED("{}\v", GARBAGE);
	REFUSED("{}\f", GARBAGE);
	REFUSED("{} \xef\xbb\xbf", GARBAGE);
	REFUSED("\xef\xbb\xbf{}", NOT_JSON);
	REFUSED("\f{}", NOT_JSON);
}

TEST(json_whitespace)
{
	struct json j;
	long long v;

	ACCEPTED(" \t\r\n{ \"a\" \t:\r\n1 , \"b\" : [ 1 , 2 ] } \n\t\r ", 7);
	ACCEPTED("[ ]", 1);
	ACCEPTED("{ }", 1);
	ACCEPTED("\n\"s\"\n", 1);
	ACCEPTED("\t-1.5e3\t", 1);
	REFUSED("", "empty JSON document");
	REFUSED(" \t\r\n ", "empty JSON document");
	CHECK_INT(json_parse(&j, NULL, 0), -1);
	err_clear();
	CHECK_INT(parse(&j, "  {  \"exp\"  :  -1  }  "), 0);
	CHECK_INT(json_int(&j, json_get(&j, 0, "exp"), &v), 0);
	CHECK_INT(v, -1);
}

TEST(json_duplicate_keys)
{
	struct json j;
	char s[16] = "";

	CHECK_INT(parse(&j, "{\"token\":\"a\",\"token\":\"b\"}"), 0);
	CHECK_INT(json_get(&j, 0, "token"), -2);
	CHECK_INT(err_class(), ERR_PROTO);
	CHECK_STR(err_msg(), "duplicate key \"token\" in response");
	err_clear();

	CHECK_INT(parse(&j, "{\"token\":\"a\",\"to\\u006ben\":\"b\"}"), 0);
	CHECK_INT(json_get(&j, 0, "token"), -2);
	CHECK_STR(err_msg(), "duplicate key \"token\" in response");
	err_clear();

	/* an escaped key is found under its unescaped name */
	CHECK_INT(parse(&j, "{\"\\u0074oken\":\"x\",\"a\\/b\":\"y\"}"), 0);
	CHECK_INT(json_get(&j, 0, "token"), 2);
	CHECK_INT(json_get(&j, 0, "a/b"), 4);
	CHECK_INT(json_get(&j, 0, "a\\/b"), -1);

	/* duplicates of other keys and nested keys do not count */
	CHECK_INT(parse(&j, "{\"a\":1,\"a\":2,\"token\":\"t\","
	    "\"x\":{\"token\":\"u\"}}"), 0);
	CHECK_INT(json_string(&j, json_get(&j, 0, "token"), s, sizeof(s)), 1);
	CHECK_STR(s, "t");
	CHECK_INT(json_get(&j, 0, "a"), -2);
	CHECK_INT(err_class(), ERR_PROTO);
}

TEST(json_long_keys)
{
	char doc[256], key[JSON_KEY_MAX + 2];
	struct json j;

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	snprintf(doc, sizeof(doc), "{\"%s\":1,\"%.*s\":2}", key,
	    JSON_KEY_MAX, key);
	CHECK_INT(parse(&j, doc), 0);
	/* the 65-byte key never matches, even looked up by itself */
	CHECK_INT(json_get(&j, 0, key), -1);
	key[JSON_KEY_MAX] = '\0';
	CHECK_INT(json_get(&j, 0, key), 4);
	CHECK_INT(err_class(), ERR_OK);
}

TEST(json_invalid_utf8)
{
	REFUSED("[\"\xc0\x80\"]", BAD_UTF8);
	REFUSED("[\"\xc1\xbf\"]", BAD_UTF8);
	REFUSED("[\"\xe0\x80\x80\"]", BAD_UTF8);
	REFUSED("[\"\xe0\x9f\xbf\"]", BAD_UTF8);
	REFUSED("[\"\xed\xa0\x80\"]", BAD_UTF8);
	REFUSED("[\"\xed\xbf\xbf\"]", BAD_UTF8);
	REFUSED("[\"\xf0\x8f\xbf\xbf\"]", BAD_UTF8);
	REFUSED("[\"\xf4\x90\x80\x80\"]", BAD_UTF8);
	REFUSED("[\"\xf5\x80\x80\x80\"]", BAD_UTF8);
	REFUSED("[\"\xff\"]", BAD_UTF8);
	REFUSED("[\"a\x80z\"]", BAD_UTF8);
	REFUSED("[\"\xe6\x97\"]", BAD_UTF8);
	REFUSED("[\"\xe6\x97z\"]", BAD_UTF8);
	REFUSED("[\"\xf0\x9f\x98\"]", BAD_UTF8);
	REFUSED("[\"\xc3\"]", BAD_UTF8);
	REFUSED("{\"k\xc3\":1}", BAD_UTF8);
	/* outside strings jsmn refuses any byte above 0x7f */
	REFUSED("[\xc3\xa9]", NOT_JSON);

	ACCEPTED("[\"\xc3\xa9\"]", 2);
	ACCEPTED("[\"\xe6\x97\xa5\xe6\x9c\xac\"]", 2);
	ACCEPTED("[\"\xed\x9f\xbf\xee\x80\x80\"]", 2);
	ACCEPTED("[\"\xf0\x9f\x98\x80\"]", 2);
	ACCEPTED("[\"\xf4\x8f\xbf\xbf\"]", 2);
	ACCEPTED("[\"\xef\xbf\xbf\"]", 2);
}

TEST(json_surrogates)
{
	struct json j;
	char s[16] = "";

	CHECK_INT(parse(&j, "[\"\\ud83d\\ude00\",\"\\uD83D\\uDE00x\","
	    "\"\\udbff\\udfff\"]"), 0);
	CHECK_INT(json_string(&j, 1, s, sizeof(s)), 4);
	CHECK_MEM(s, 4, "\xf0\x9f\x98\x80", 4);
	CHECK_INT(json_string(&j, 2, s, sizeof(s)), 5);
	CHECK_STR(s, "\xf0\x9f\x98\x80x");
	CHECK_INT(json_string(&j, 3, s, sizeof(s)), 4);
	CHECK_STR(s, "\xf4\x8f\xbf\xbf");

	REFUSED("[\"\\ud83d\"]", LONE);
	REFUSED("[\"\\ud83dx\"]", LONE);
	REFUSED("[\"\\ud83d\\u0041\"]", LONE);
	REFUSED("[\"\\ud83d\\ud83d\"]", LONE);
	REFUSED("[\"\\ud83d\\n\"]", LONE);
	REFUSED("[\"\\ud83dxxdc00\"]", LONE);
	REFUSED("[\"\\ud83d\\\\udc00\"]", LONE);
	REFUSED("[\"\\ude00\"]", LONE);
	REFUSED("[\"\\ude00\\ud83d\"]", LONE);
	REFUSED("[\"a\\udfff\"]", LONE);
	REFUSED("{\"\\ud800\":1}", LONE);
}

TEST(json_numbers)
{
	ACCEPTED("[0,-0,1,-1,1.5,1e5,1E+5,1e-5,0.0,-0.5e10,123456789,0e0]", 13);
	ACCEPTED("0", 1);
	ACCEPTED("-0.0e-0", 1);
	ACCEPTED("12345678901234567890123", 1);
	REFUSED("[01]", BAD_NUMBER);
	REFUSED("[00]", BAD_NUMBER);
	REFUSED("[-01]", BAD_NUMBER);
	REFUSED("[1.]", BAD_NUMBER);
	REFUSED("[1.e5]", BAD_NUMBER);
	REFUSED("[-]", BAD_NUMBER);
	REFUSED("[1e]", BAD_NUMBER);
	REFUSED("[1e+]", BAD_NUMBER);
	REFUSED("[1ee5]", BAD_NUMBER);
	REFUSED("[1.2.3]", BAD_NUMBER);
	REFUSED("[--1]", BAD_NUMBER);
	REFUSED("[0x10]", BAD_NUMBER);
	REFUSED("[-a]", BAD_NUMBER);
	REFUSED("[1\"a\"]", BAD_NUMBER);
	REFUSED("01", BAD_NUMBER);
	REFUSED("1.", BAD_NUMBER);
	REFUSED("-", BAD_NUMBER);
	REFUSED("1e", BAD_NUMBER);
	REFUSED("{\"exp\":-}", BAD_NUMBER);
	REFUSED("[.5]", NOT_JSON);
	REFUSED(".5", NOT_JSON);
	REFUSED("[+1]", NOT_JSON);
	REFUSED("+1", NOT_JSON);
	REFUSED("[NaN]", NOT_JSON);
	REFUSED("Infinity", NOT_JSON);
	REFUSED("[tru]", BAD_LITERAL);
	REFUSED("[truee]", BAD_LITERAL);
	REFUSED("[nul]", BAD_LITERAL);
	REFUSED("[nulll]", BAD_LITERAL);
	REFUSED("[falsey]", BAD_LITERAL);
	REFUSED("[fals]", BAD_LITERAL);
	REFUSED("nan", BAD_LITERAL);
	REFUSED("[TRUE]", NOT_JSON);
	REFUSED("[None]", NOT_JSON);
}

TEST(json_toplevel)
{
	struct json j;
	char s[8] = "";
	long long v;
	size_t n;
	const char *raw;

	CHECK_INT(parse(&j, "true"), 0);
	CHECK_INT(j.ntok, 1);
	CHECK_INT(json_type(&j, 0), JSON_TRUE);
	CHECK_INT(parse(&j, "false"), 0);
	CHECK_INT(json_type(&j, 0), JSON_FALSE);
	CHECK_INT(parse(&j, " null\n"), 0);
	CHECK_INT(json_type(&j, 0), JSON_NULL);
	raw = json_raw(&j, 0, &n);
	CHECK_MEM(raw, n, "null", 4);
	CHECK_INT(parse(&j, "42"), 0);
	CHECK_INT(json_int(&j, 0, &v), 0);
	CHECK_INT(v, 42);
	CHECK_INT(json_next(&j, 0), 1);
	CHECK_INT(json_len(&j, 0), -1);
	CHECK_INT(json_get(&j, 0, "a"), -1);
	CHECK_INT(parse(&j, "\"str\""), 0);
	CHECK_INT(json_type(&j, 0), JSON_STRING);
	CHECK_INT(json_string(&j, 0, s, sizeof(s)), 3);
	CHECK_STR(s, "str");
	CHECK_INT(parse(&j, "[]"), 0);
	CHECK_INT(json_type(&j, 0), JSON_ARRAY);
	CHECK_INT(json_len(&j, 0), 0);
	CHECK_INT(json_elem(&j, 0, 0), -1);
	CHECK_INT(json_get(&j, 0, "a"), -1);
	CHECK_INT(parse(&j, "{}"), 0);
	CHECK_INT(json_len(&j, 0), 0);
	CHECK_INT(json_elem(&j, 0, 0), -1);
	CHECK_INT(json_get(&j, 0, "a"), -1);
	CHECK_INT(err_class(), ERR_OK);

	/* a failed parse leaves an empty handle, not the previous document */
	CHECK_INT(parse(&j, "[1,]"), -1);
	CHECK_INT(j.ntok, 0);
	CHECK_INT(json_type(&j, 0), JSON_NONE);
	CHECK(json_raw(&j, 0, &n) == NULL);
	CHECK_INT(n, 0);
	CHECK_INT(json_next(&j, 0), -1);
}

TEST(json_structure)
{
	REFUSED("[1 2]", NOT_JSON);
	REFUSED("[1,]", NOT_JSON);
	REFUSED("[,1]", NOT_JSON);
	REFUSED("[1,,2]", NOT_JSON);
	REFUSED("[,]", NOT_JSON);
	REFUSED("[[] []]", NOT_JSON);
	REFUSED("[\"a\" \"b\"]", NOT_JSON);
	REFUSED("[\"a\" 1]", NOT_JSON);
	REFUSED("[1 \"a\"]", NOT_JSON);
	REFUSED("{\"a\":1,}", NOT_JSON);
	REFUSED("{,\"a\":1}", NOT_JSON);
	REFUSED("{\"a\"::1}", NOT_JSON);
	REFUSED("{\"a\" 1}", NOT_JSON);
	REFUSED("{\"a\"}", NOT_JSON);
	REFUSED("{\"a\":}", NOT_JSON);
	REFUSED("{\"a\",1}", NOT_JSON);
	REFUSED("{\"a\",\"b\":1}", NOT_JSON);
	REFUSED("{\"a\" \"b\"}", NOT_JSON);
	REFUSED("{1:2}", NOT_JSON);
	REFUSED("{[]:2}", NOT_JSON);
	REFUSED("{\"a\":1 \"b\":2}", NOT_JSON);
	REFUSED("{\"a\":[] \"b\":2}", NOT_JSON);
	REFUSED("{\"a\":{\"b\":1}:2}", NOT_JSON);
	REFUSED("[[1]:2]", NOT_JSON);
	REFUSED("[{}:{}]", NOT_JSON);
	/* strict jsmn reads "1:2" as one primitive */
	REFUSED("{\"a\":1:2}", BAD_NUMBER);
	REFUSED("{\"a\":\"b\":\"c\"}", NOT_JSON);
	REFUSED("{\"a\":{\"b\":\"c\"}:\"d\"}", NOT_JSON);
	REFUSED("[\"a\":1]", NOT_JSON);
	REFUSED("[:]", NOT_JSON);
	REFUSED("[}", NOT_JSON);
	REFUSED("{]", NOT_JSON);
	REFUSED("]", NOT_JSON);
	REFUSED("}", NOT_JSON);
	REFUSED(":", NOT_JSON);
	REFUSED(",", NOT_JSON);
	REFUSED("[1]]", GARBAGE);
	REFUSED("['a']", NOT_JSON);
	REFUSED("{a:1}", NOT_JSON);
	ACCEPTED("{\"a\":{\"b\":[1,{\"c\":null}],\"d\":\"e\"},"
	    "\"f\":[[],{}]}", 15);
}

/* {"tokens":[{"name":"t0","id":"i0","n":0},...]} with n entries */
static size_t
build_list(int n)
{
	size_t o;
	int i;

	o = (size_t)snprintf(big, sizeof(big), "{\"tokens\":[");
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o,
		    "%s{\"name\":\"t%d\",\"id\":\"i%d\",\"n\":%d}",
		    i ? "," : "", i, i, i);
	o += (size_t)snprintf(big + o, sizeof(big) - o, "]}");
	return o;
}

TEST(json_iterate_5000)
{
	struct json j;
	char s[32] = "", want[32];
	long long v;
	int arr, e, k, i, count = 0, names = 0, ints = 0;

	CHECK_INT(json_parse(&j, big, build_list(5000)), 0);
	CHECK_INT(j.ntok, 3 + 5000 * 7);
	arr = json_get(&j, 0, "tokens");
	CHECK_INT(arr, 2);
	CHECK_INT(json_len(&j, arr), 5000);
	for (e = json_elem(&j, arr, 0); e >= 0 && e < j.ntok;
	    e = json_next(&j, e), count++) {
		snprintf(want, sizeof(want), "t%d", count);
		if (json_string(&j, json_get(&j, e, "name"), s,
		    sizeof(s)) > 0 && strcmp(s, want) == 0)
			names++;
		if (json_int(&j, json_get(&j, e, "n"), &v) == 0 && v == count)
			ints++;
	}
	CHECK_INT(count, 5000);
	CHECK_INT(names, 5000);
	CHECK_INT(ints, 5000);
	CHECK_INT(e, j.ntok);
	CHECK_INT(json_elem(&j, arr, 4999), j.ntok - 7);
	CHECK_INT(json_elem(&j, arr, 5000), -1);
	CHECK_INT(json_elem(&j, arr, -1), -1);
	CHECK_INT(json_next(&j, 0), j.ntok);
	CHECK_INT(json_next(&j, arr), j.ntok);
	CHECK_INT(json_next(&j, j.ntok), -1);

	/* members of one object: keys in order, each value right after */
	e = json_elem(&j, arr, 1);
	CHECK_INT(json_len(&j, e), 3);
	k = json_elem(&j, e, 0);
	CHECK_INT(k, e + 1);
	CHECK_INT(json_string(&j, k, s, sizeof(s)), 4);
	CHECK_STR(s, "name");
	CHECK_INT(json_next(&j, k), e + 3);
	CHECK_INT(json_elem(&j, e, 1), e + 3);
	k = json_elem(&j, e, 2);
	CHECK_INT(k, e + 5);
	CHECK_INT(json_string(&j, k, s, sizeof(s)), 1);
	CHECK_STR(s, "n");
	CHECK_INT(json_int(&j, k + 1, &v), 0);
	CHECK_INT(v, 1);
	CHECK_INT(json_next(&j, k), e + 7);
	CHECK_INT(json_elem(&j, e, 3), -1);
	for (i = 0; i < 3; i++)
		CHECK_INT(json_type(&j, json_elem(&j, e, i)), JSON_STRING);
	CHECK_INT(err_class(), ERR_OK);
}

/* "[0,0,...]": one array token and zeros more */
static size_t
build_zeros(int zeros)
{
	size_t o = 0;
	int i;

	big[o++] = '[';
	for (i = 0; i < zeros; i++) {
		if (i > 0)
			big[o++] = ',';
		big[o++] = '0';
	}
	big[o++] = ']';
	return o;
}

TEST(json_token_limit)
{
	struct json j;
	size_t n;

	n = build_zeros(JSON_TOKENS_MAX - 1);
	CHECK_INT(json_parse(&j, big, n), 0);
	CHECK_INT(j.ntok, JSON_TOKENS_MAX);
	CHECK_INT(json_len(&j, 0), JSON_TOKENS_MAX - 1);
	CHECK_INT(json_next(&j, 0), JSON_TOKENS_MAX);

	n = build_zeros(JSON_TOKENS_MAX);
	CHECK(refused(big, n, "JSON has more than 98304 tokens"));
}

TEST(json_string_caps)
{
	struct json j;
	char s[8] = "";

	CHECK_INT(parse(&j, "[\"abcdefg\",\"\\u65e5\\u672c\",\"\"]"), 0);
	CHECK_INT(json_string(&j, 1, s, 8), 7);
	CHECK_STR(s, "abcdefg");
	CHECK_INT(json_string(&j, 1, s, 7), -1);
	CHECK_STR(err_msg(), "JSON string too long");
	CHECK_STR(s, "");
	err_clear();
	CHECK_INT(json_string(&j, 1, s, 0), -1);
	err_clear();
	/* escapes are measured by what they decode to */
	CHECK_INT(json_string(&j, 2, s, 7), 6);
	CHECK_STR(s, "\xe6\x97\xa5\xe6\x9c\xac");
	CHECK_INT(json_string(&j, 2, s, 6), -1);
	err_clear();
	CHECK_INT(json_string(&j, 3, s, 1), 0);
	CHECK_STR(s, "");
	CHECK_INT(json_string(&j, 0, s, sizeof(s)), -1);
	CHECK_STR(err_msg(), "JSON value is not a string");
}

const struct t_case t_cases_json[] = {
	T(json_create_response),
	T(json_token_wrong_types),
	T(json_integers),
	T(json_truncated),
	T(json_nul_and_controls),
	T(json_escapes_decoded),
	T(json_escape_sequences_neutralised),
	T(json_deep_nesting),
	T(json_garbage_after),
	T(json_whitespace),
	T(json_duplicate_keys),
	T(json_long_keys),
	T(json_invalid_utf8),
	T(json_surrogates),
	T(json_numbers),
	T(json_toplevel),
	T(json_structure),
	T(json_iterate_5000),
	T(json_token_limit),
	T(json_string_caps),
	T_END
};
