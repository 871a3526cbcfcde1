/*
 * json.c — one JSON document at a time, tokenised by jsmn and checked here.
 *
 * jsmn finds the tokens and matches brackets; it does not check commas,
 * colons, literals, numbers, UTF-8, control characters or what an escape
 * decodes to, and it stops at a NUL byte.  json_parse() therefore walks
 * the tokens once more, in document order, and accounts for every byte
 * between them: only whitespace, the one separator the grammar expects
 * there, and closing brackets exactly where jsmn recorded them.
 */
#include <limits.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "text.h"

/*
 * JSMN_STRICT: primitives may only start like true/false/null/a number
 * and must end at a delimiter, and an object or array cannot be a key.
 * JSMN_PARENT_LINKS: every token records its parent, which the structure
 * check below relies on, and a closing bracket finds its opener by walking
 * up instead of scanning back over the whole table.
 * JSMN_STATIC: jsmn's functions stay private to this file.
 */
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#define JSMN_STATIC
#include "jsmn.h"

/* The live document's tokens: static because one document is live at a time. */
static jsmntok_t toks[JSON_TOKENS_MAX];

static const char not_json[] = "response is not valid JSON";
static const char garbage[] = "JSON value followed by garbage";

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t
skip_ws(const char *buf, size_t len, size_t pos)
{
	while (pos < len && is_ws(buf[pos]))
		pos++;
	return pos;
}

static int
valid_tok(const struct json *j, int tok)
{
	return j != NULL && tok >= 0 && tok < j->ntok;
}

/* A key is a string directly inside an object; its value follows it. */
static int
is_key(int tok)
{
	int p = toks[tok].parent;

	return toks[tok].type == JSMN_STRING && p >= 0 &&
	    toks[p].type == JSMN_OBJECT;
}

static int
utf8_encode(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Four hex digits at s (the caller made sure they are there), or -1. */
static long
hex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (s[i] >= '0' && s[i] <= '9')
			v |= s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			v |= s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			v |= s[i] - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * Decode the escape at *sp (a backslash) ending before e: the code point
 * goes to *cp and *sp moves past it (past both halves of a surrogate
 * pair).  Returns NULL, or why the escape is refused.
 */
static const char *
escape(const char **sp, const char *e, unsigned long *cp)
{
	static const char plain[] = "\"\\/bfnrt", means[] = "\"\\/\b\f\n\r\t";
	const char *s = *sp, *q;
	long hi, lo;

	if (e - s < 2)
		return "invalid escape in JSON string";
	if (s[1] != 'u') {
		if (s[1] == '\0' || (q = strchr(plain, s[1])) == NULL)
			return "invalid escape in JSON string";
		*cp = (unsigned char)means[q - plain];
		*sp = s + 2;
		return NULL;
	}
	if (e - s < 6 || (hi = hex4(s + 2)) < 0)
		return "invalid escape in JSON string";
	s += 6;
	/* A NUL would end the C string early and hide what follows it. */
	if (hi == 0)
		return "\\u0000 in JSON string";
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return "lone surrogate in JSON string";
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (e - s < 6 || s[0] != '\\' || s[1] != 'u' ||
		    (lo = hex4(s + 2)) < 0xdc00 || lo > 0xdfff)
			return "lone surrogate in JSON string";
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
		s += 6;
	}
	*cp = (unsigned long)hi;
	*sp = s;
	return NULL;
}

/* The contents of a string token: escapes, UTF-8, no raw controls. */
static int
check_string(const char *s, const char *e)
{
	const char *why;
	unsigned long cp;
	int n;

	while (s < e) {
		if (*s == '\\') {
			if ((why = escape(&s, e, &cp)) != NULL)
				return err_set(ERR_PROTO, "%s", why);
			continue;
		}
		if ((unsigned char)*s < 0x20)
			return err_set(ERR_PROTO,
			    "control character in JSON string");
		n = text_utf8_decode((const unsigned char *)s, (size_t)(e - s),
		    &cp);
		if (n == 0)
			return err_set(ERR_PROTO,
			    "invalid UTF-8 in JSON string");
		s += n;
	}
	return 0;
}

/* RFC 8259 section 6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
is_number(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

static int
check_primitive(const char *s, size_t n)
{
	if (n == 0)
		return err_set(ERR_PROTO, "%s", not_json);
	if (s[0] == 't' || s[0] == 'f' || s[0] == 'n') {
		if ((n == 4 && memcmp(s, "true", 4) == 0) ||
		    (n == 5 && memcmp(s, "false", 5) == 0) ||
		    (n == 4 && memcmp(s, "null", 4) == 0))
			return 0;
		return err_set(ERR_PROTO, "invalid JSON literal");
	}
	if (s[0] != '-' && (s[0] < '0' || s[0] > '9'))
		return err_set(ERR_PROTO, "%s", not_json);
	if (!is_number(s, n))
		return err_set(ERR_PROTO, "invalid JSON number");
	return 0;
}

/*
 * One pass before jsmn runs.  A NUL is refused: jsmn stops at one, as if
 * the document ended there.  Depth is counted outside strings, and the cap
 * keeps jsmn's bracket matching linear (see JSON_DEPTH_MAX).
 */
static int
check_bytes(const char *buf, size_t len)
{
	size_t i;
	int depth = 0, in_str = 0;

	if (memchr(buf, '\0', len) != NULL)
		return err_set(ERR_PROTO, "NUL byte in JSON");
	for (i = 0; i < len; i++) {
		if (in_str) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				in_str = 0;
		} else if (buf[i] == '"') {
			in_str = 1;
		} else if (buf[i] == '[' || buf[i] == '{') {
			if (++depth > JSON_DEPTH_MAX)
				return err_set(ERR_PROTO,
				    "JSON nested deeper than %d levels",
				    JSON_DEPTH_MAX);
		} else if (buf[i] == ']' || buf[i] == '}') {
			depth--;
		}
	}
	return 0;
}

/*
 * Close the innermost open token: a key whose value is done, or a
 * container whose closing bracket must come next, after whitespace.
 */
static int
close_open(const char *buf, size_t len, size_t *pos, int *open)
{
	const jsmntok_t *t = &toks[*open];
	char want;

	if (t->type != JSMN_STRING) {
		want = t->type == JSMN_OBJECT ? '}' : ']';
		*pos = skip_ws(buf, len, *pos);
		if (t->end < 1 || *pos != (size_t)t->end - 1 ||
		    buf[*pos] != want)
			return err_set(ERR_PROTO, "%s", not_json);
		*pos = (size_t)t->end;
	}
	*open = t->parent;
	return 0;
}

/*
 * The bytes before token i: whitespace around the separator its place
 * calls for (none for a first element, ':' before a value, ',' before a
 * later element), and then the token must start right there.
 */
static int
check_gap(const char *buf, size_t len, size_t *pos, int i)
{
	int p = toks[i].parent;
	size_t begin;
	char sep = 0;

	if (p >= 0 && toks[p].type == JSMN_STRING)
		sep = ':';
	else if (p >= 0 && p != i - 1)
		sep = ',';
	*pos = skip_ws(buf, len, *pos);
	if (sep != 0) {
		if (*pos >= len || buf[*pos] != sep)
			return err_set(ERR_PROTO, "%s", not_json);
		*pos = skip_ws(buf, len, *pos + 1);
	}
	begin = (size_t)toks[i].start - (toks[i].type == JSMN_STRING);
	if (*pos != begin)
		return err_set(ERR_PROTO, "%s", not_json);
	return 0;
}

/* Token i itself; containers and keys become the innermost open token. */
static int
check_token(const char *buf, size_t *pos, int *open, int i)
{
	const jsmntok_t *t = &toks[i];
	int in_obj = t->parent >= 0 && toks[t->parent].type == JSMN_OBJECT;

	switch (t->type) {
	case JSMN_OBJECT:
	case JSMN_ARRAY:
		if (in_obj)
			return err_set(ERR_PROTO, "%s", not_json);
		*pos = (size_t)t->start + 1;
		*open = i;
		return 0;
	case JSMN_STRING:
		/* A key has exactly one value; any other string has none. */
		if (t->size != in_obj)
			return err_set(ERR_PROTO, "%s", not_json);
		if (check_string(buf + t->start, buf + t->end) == -1)
			return -1;
		*pos = (size_t)t->end + 1;
		if (in_obj)
			*open = i;
		return 0;
	case JSMN_PRIMITIVE:
		if (in_obj || t->size != 0)
			return err_set(ERR_PROTO, "%s", not_json);
		*pos = (size_t)t->end;
		return check_primitive(buf + t->start,
		    (size_t)(t->end - t->start));
	default:
		return err_set(ERR_PROTO, "%s", not_json);
	}
}

/*
 * Walk the tokens in document order with the chain of open containers
 * and keys (through parent links, so no stack), checking every byte up to
 * the end of the root value, whose offset goes to *end.
 */
static int
check_tree(const char *buf, size_t len, int ntok, size_t *end)
{
	size_t pos = 0;
	int i, open = -1;

	for (i = 0; i < ntok; i++) {
		if (i > 0 && toks[i].parent < 0)
			return err_set(ERR_PROTO, "%s", garbage);
		while (open != toks[i].parent) {
			if (open < 0)
				return err_set(ERR_PROTO, "%s", not_json);
			if (close_open(buf, len, &pos, &open) == -1)
				return -1;
		}
		if (check_gap(buf, len, &pos, i) == -1 ||
		    check_token(buf, &pos, &open, i) == -1)
			return -1;
	}
	while (open >= 0)
		if (close_open(buf, len, &pos, &open) == -1)
			return -1;
	*end = pos;
	return 0;
}

/*
 * A bare number or literal as the whole document.  jsmn in strict mode
 * wants a delimiter after a primitive, which a document may not have, so
 * this one token is made here.
 */
static int
parse_scalar(const char *buf, size_t len, size_t pos, size_t *end)
{
	size_t e = pos;

	while (e < len && !is_ws(buf[e]))
		e++;
	if (check_primitive(buf + pos, e - pos) == -1)
		return -1;
	toks[0].type = JSMN_PRIMITIVE;
	toks[0].start = (int)pos;
	toks[0].end = (int)e;
	toks[0].size = 0;
	toks[0].parent = -1;
	*end = e;
	return 1;
}

static int
run_jsmn(const char *buf, size_t len, size_t *end)
{
	jsmn_parser p;
	int r;

	jsmn_init(&p);
	r = jsmn_parse(&p, buf, len, toks, JSON_TOKENS_MAX);
	if (r == JSMN_ERROR_NOMEM)
		return err_set(ERR_PROTO, "JSON has more than %d tokens",
		    JSON_TOKENS_MAX);
	/* Failing after a complete root value means trailing garbage. */
	if (r < 0 && p.toknext > 0 && toks[0].end >= 0)
		return err_set(ERR_PROTO, "%s", garbage);
	if (r == JSMN_ERROR_PART)
		return err_set(ERR_PROTO, "truncated JSON");
	if (r <= 0)
		return err_set(ERR_PROTO, "%s", not_json);
	if (check_tree(buf, len, (int)p.toknext, end) == -1)
		return -1;
	return (int)p.toknext;
}

int
json_parse(struct json *j, const char *buf, size_t len)
{
	size_t pos, end = 0;
	int n;

	j->buf = buf;
	j->len = len;
	j->ntok = 0;
	/* jsmn keeps offsets in int. */
	if (len > INT_MAX)
		return err_set(ERR_PROTO, "JSON document too large");
	pos = skip_ws(buf, len, 0);
	if (pos == len)
		return err_set(ERR_PROTO, "empty JSON document");
	if (check_bytes(buf, len) == -1)
		return -1;
	if (buf[pos] == '{' || buf[pos] == '[' || buf[pos] == '"')
		n = run_jsmn(buf, len, &end);
	else
		n = parse_scalar(buf, len, pos, &end);
	if (n == -1)
		return -1;
	if (skip_ws(buf, len, end) != len)
		return err_set(ERR_PROTO, "%s", garbage);
	j->ntok = n;
	return 0;
}

enum json_type
json_type(const struct json *j, int tok)
{
	if (!valid_tok(j, tok))
		return JSON_NONE;
	switch (toks[tok].type) {
	case JSMN_OBJECT:
		return JSON_OBJECT;
	case JSMN_ARRAY:
		return JSON_ARRAY;
	case JSMN_STRING:
		return JSON_STRING;
	case JSMN_PRIMITIVE:
		break;
	default:
		return JSON_NONE;
	}
	switch (j->buf[toks[tok].start]) {
	case 't':
		return JSON_TRUE;
	case 'f':
		return JSON_FALSE;
	case 'n':
		return JSON_NULL;
	default:
		return JSON_NUMBER;
	}
}

/* Unescape a (validated) string token; -1 if it does not fit in cap. */
static long
unescape(const struct json *j, int tok, char *dst, size_t cap)
{
	const char *s = j->buf + toks[tok].start, *e = j->buf + toks[tok].end;
	unsigned long cp;
	size_t o = 0;
	char u[4];
	int n;

	if (cap == 0)
		return -1;
	while (s < e) {
		if (*s != '\\') {
			if (o + 1 >= cap)
				return -1;
			dst[o++] = *s++;
			continue;
		}
		if (escape(&s, e, &cp) != NULL)
			return -1;
		n = utf8_encode(cp, u);
		if (o + (size_t)n >= cap)
			return -1;
		memcpy(dst + o, u, (size_t)n);
		o += (size_t)n;
	}
	dst[o] = '\0';
	return (long)o;
}

int
json_get(const struct json *j, int obj, const char *key)
{
	char k[JSON_KEY_MAX + 1];
	size_t klen = strlen(key);
	int i, n, m, found = -1, matches = 0;

	if (json_type(j, obj) != JSON_OBJECT)
		return -1;
	n = toks[obj].size;
	for (i = 0, m = obj + 1; i < n; i++, m = json_next(j, m)) {
		if (m < 0 || m >= j->ntok)
			break;
		/* A key too long for k cannot equal any key we look up. */
		if (unescape(j, m, k, sizeof(k)) != (long)klen ||
		    memcmp(k, key, klen) != 0)
			continue;
		found = m + 1;
		if (++matches > 1) {
			err_set(ERR_PROTO, "duplicate key \"%s\" in response",
			    key);
			return -2;
		}
	}
	return found;
}

int
json_len(const struct json *j, int tok)
{
	enum json_type t = json_type(j, tok);

	if (t != JSON_OBJECT && t != JSON_ARRAY)
		return -1;
	return toks[tok].size;
}

int
json_elem(const struct json *j, int arr, int index)
{
	int e;

	if (index < 0 || index >= json_len(j, arr))
		return -1;
	for (e = arr + 1; index > 0 && e >= 0; index--)
		e = json_next(j, e);
	return e < j->ntok ? e : -1;
}

/*
 * Tokens are in document order, so their starts increase: the token after
 * a subtree is the first one starting at or past the subtree's end, found
 * by bisection.
 */
int
json_next(const struct json *j, int tok)
{
	int lo, hi, mid, end;

	if (!valid_tok(j, tok))
		return -1;
	if (is_key(tok) && tok + 1 < j->ntok)
		tok++;
	end = toks[tok].end;
	lo = tok + 1;
	hi = j->ntok;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (toks[mid].start >= end)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

long
json_string(const struct json *j, int tok, char *dst, size_t cap)
{
	long n;

	if (json_type(j, tok) != JSON_STRING)
		return err_set(ERR_PROTO, "JSON value is not a string");
	if ((n = unescape(j, tok, dst, cap)) < 0) {
		if (cap > 0)
			dst[0] = '\0';
		return err_set(ERR_PROTO, "JSON string too long");
	}
	return n;
}

int
json_int(const struct json *j, int tok, long long *out)
{
	const char *s;
	size_t i, n;
	unsigned long long v = 0, max = LLONG_MAX;
	unsigned d;
	int neg;

	if (json_type(j, tok) != JSON_NUMBER)
		return err_set(ERR_PROTO, "JSON value is not a number");
	s = j->buf + toks[tok].start;
	n = (size_t)(toks[tok].end - toks[tok].start);
	neg = s[0] == '-';
	/* The magnitude of LLONG_MIN is one more than LLONG_MAX. */
	if (neg)
		max++;
	for (i = (size_t)neg; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return err_set(ERR_PROTO,
			    "JSON number is not an integer");
		d = (unsigned)(s[i] - '0');
		if (v > (max - d) / 10)
			return err_set(ERR_PROTO, "JSON integer out of range");
		v = v * 10 + d;
	}
	if (neg)
		*out = v == 0 ? 0 : -(long long)(v - 1) - 1;
	else
		*out = (long long)v;
	return 0;
}

const char *
json_raw(const struct json *j, int tok, size_t *len)
{
	if (!valid_tok(j, tok)) {
		*len = 0;
		return NULL;
	}
	*len = (size_t)(toks[tok].end - toks[tok].start);
	return j->buf + toks[tok].start;
}
