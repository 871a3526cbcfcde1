/*
 * json.h — typed look-ups in one JSON document, over jsmn.
 *
 * json.c is the only file that includes jsmn.  A document is parsed once
 * into a static token table (one document is live at a time: parsing a new
 * one invalidates the previous handle).  Parsing accepts only a single
 * well-formed value with nothing but whitespace after it; jsmn tokenises,
 * and json.c checks what jsmn does not: literals and numbers are
 * well-formed, strings are valid UTF-8 without raw control characters, and
 * escapes are valid (\u0000 and lone surrogates are refused).  Every walk
 * is iterative, so deep nesting costs tokens, never stack.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

/*
 * Tokens in one document.  A token list entry takes about 13 tokens, so
 * this holds over 7,000 entries, which fits the largest body http accepts
 * (API_BODY_MAX) with room; a bigger document is ERR_PROTO "too large".
 */
#define JSON_TOKENS_MAX		(96 * 1024)

/* Longest key compared; every key we look up is far shorter. */
#define JSON_KEY_MAX		64

/*
 * Deepest nesting accepted.  Turso's answers nest 4 levels; jsmn finds the
 * opener of a closing bracket by walking up parent links, so parse time
 * grows with tokens times depth, and this cap keeps that linear.  Deeper
 * documents are ERR_PROTO.
 */
#define JSON_DEPTH_MAX		256

enum json_type {
	JSON_NONE = 0,		/* absent (look-up found nothing) */
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_NUMBER,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL
};

struct json {
	const char *buf;	/* the document; not copied, must outlive the handle */
	size_t len;
	int ntok;		/* tokens used; the root is token 0 */
};

/* Parse; 0 on success, -1 with ERR_PROTO set and a reason ("not JSON", ...). */
int json_parse(struct json *j, const char *buf, size_t len);

enum json_type json_type(const struct json *j, int tok);

/*
 * Value token of key in object token obj, or -1 if absent.  A key present
 * twice is -2 with ERR_PROTO set ("duplicate key ...").  -1 also when obj
 * is not an object.  Keys are compared after unescaping, so "to\u006ben"
 * is "token" (and counts as a duplicate of it); a key longer than
 * JSON_KEY_MAX never matches.
 */
int json_get(const struct json *j, int obj, const char *key);

/*
 * Elements of an array/members of an object: count (-1 if tok is neither),
 * and the index-th (-1 if out of range).  For an object the index-th member
 * is its key token; the key's value is the token right after it (key + 1).
 */
int json_len(const struct json *j, int tok);
int json_elem(const struct json *j, int arr, int index);
/*
 * Token index following tok's whole subtree (for iteration); for a key the
 * subtree includes its value, so json_next of a key is the next key.  At
 * the end of the document this is j->ntok; -1 if tok is not a token.
 */
int json_next(const struct json *j, int tok);

/*
 * Unescape string token tok into dst (cap bytes, NUL added).  Returns the
 * length, or -1 with ERR_PROTO set when tok is not a string or it does not
 * fit ("string too long").  Escapes were validated by json_parse.
 */
long json_string(const struct json *j, int tok, char *dst, size_t cap);

/*
 * Number token as a 64-bit integer: only an optional '-' and digits, no
 * fraction or exponent, within range; else -1 with ERR_PROTO set.
 */
int json_int(const struct json *j, int tok, long long *out);

/*
 * Raw text of a token (for copying a value through verbatim); a string
 * without its quotes and still escaped.  NULL (and *len 0) if tok is not a
 * token.
 */
const char *json_raw(const struct json *j, int tok, size_t *len);

#endif
