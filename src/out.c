/* out.c — tokens, tables and validations on stdout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "out.h"
#include "text.h"

/* One output line: a token as JSON, every byte escaped at worst. */
#define OUT_LINE_MAX		(6 * (API_TOKEN_MAX + API_NAME_MAX + API_ID_MAX) + 64)
/* One table cell after escaping (a name of 64 bytes is under 256). */
#define OUT_CELL_MAX		512
/* Table columns: NAME SCOPE PERMISSIONS CREATED AT OWNER. */
#define OUT_COLS		5
/* Scopes of one token sorted for the table; the spec lists nine. */
#define OUT_SCOPES_MAX		32

static int
write_all(const char *buf, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(1, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return err_set(ERR_LOCAL, "stdout: %s",
			    w < 0 ? strerror(errno) : "write failed");
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int
out_token(const struct api_created *c, int json, int index, int count)
{
	static char line[OUT_LINE_MAX];
	struct buf b = BUF_INIT(line, sizeof(line));
	int rc = -1;

	if (json && count > 1)
		buf_str(&b, index == 0 ? "[" : ",\n");
	if (json) {
		buf_str(&b, "{\"name\":");
		buf_json(&b, c->name);
		buf_str(&b, ",\"id\":");
		buf_json(&b, c->id);
		buf_str(&b, ",\"token\":");
		buf_json(&b, c->token);
		buf_str(&b, "}");
		if (count == 1)
			buf_str(&b, "\n");
	} else {
		buf_str(&b, c->token);
		buf_str(&b, "\n");
	}
	if (b.over)
		err_set(ERR_LOCAL, "stdout: token line too long");
	else
		rc = write_all(line, b.len);
	explicit_bzero(line, sizeof(line));
	return rc;
}

int
out_json_end(void)
{
	return write_all("]\n", 2);
}

/* Member key of object obj, decoded then escaped; "" when absent. */
static void
member(const struct json *j, int obj, const char *key, char *dst, size_t cap)
{
	char text[OUT_CELL_MAX];
	int t = json_get(j, obj, key);

	dst[0] = '\0';
	if (t < 0 || json_type(j, t) != JSON_STRING ||
	    json_string(j, t, text, sizeof(text)) < 0) {
		err_clear();	/* a duplicate or overlong one shows as absent */
		return;
	}
	text_escape(dst, cap, text, strlen(text));
}

/* The scopes in their spec order; used to recognise the presets. */
static const char *const all_scopes[] = {
	"db:configure", "db:create", "db:delete", "db:mint-token",
	"db:rotate-creds", "group:configure", "group:mint-token",
	"group:rotate-creds", "read",
};

/* The API stores "full-access" as every scope; sorted s is compared. */
static int
is_every_scope(char s[][64], int n)
{
	int k;

	if (n != (int)(sizeof(all_scopes) / sizeof(all_scopes[0])))
		return 0;
	for (k = 0; k < n; k++)
		if (strcmp(s[k], all_scopes[k]) != 0)
			return 0;
	return 1;
}

/* PERMISSIONS: a preset's name, the sorted scopes, or an em dash. */
static void
permissions(const struct json *j, int obj, char *dst, size_t cap)
{
	char s[OUT_SCOPES_MAX][64];
	struct buf b = BUF_INIT(dst, cap - 1);
	int arr = json_get(j, obj, "scopes"), n = 0, i, k, e;
	const char *raw;
	size_t len;
	char tmp[64];

	err_clear();
	for (i = 0; arr >= 0 && json_type(j, arr) == JSON_ARRAY &&
	    (e = json_elem(j, arr, i)) >= 0 && n < OUT_SCOPES_MAX; i++) {
		if (json_type(j, e) != JSON_STRING)
			continue;
		raw = json_raw(j, e, &len);
		text_escape(s[n++], sizeof(s[0]), raw, len);
	}
	/* Insertion sort: a token has a handful of scopes. */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(s[k - 1], s[k]) > 0; k--) {
			memcpy(tmp, s[k], sizeof(tmp));
			memcpy(s[k], s[k - 1], sizeof(tmp));
			memcpy(s[k - 1], tmp, sizeof(tmp));
		}
	if (n == 0)
		buf_str(&b, "\u2014");
	else if (n == 1 && strcmp(s[0], "read") == 0)
		buf_str(&b, "read-only");
	else if (is_every_scope(s, n))
		buf_str(&b, "full-access");
	else
		for (k = 0; k < n; k++) {
			if (k > 0)
				buf_str(&b, ",");
			buf_str(&b, s[k]);
		}
	dst[b.len] = '\0';
}

/* SCOPE: "all", "ORG" or "ORG/GROUP". */
static void
scope(const struct json *j, int obj, char *dst, size_t cap)
{
	char org[OUT_CELL_MAX / 2], group[OUT_CELL_MAX / 2];
	struct buf b = BUF_INIT(dst, cap - 1);

	member(j, obj, "organization", org, sizeof(org));
	member(j, obj, "group", group, sizeof(group));
	if (org[0] == '\0') {
		buf_str(&b, "all");
	} else {
		buf_str(&b, org);
		if (group[0] != '\0') {
			buf_str(&b, "/");
			buf_str(&b, group);
		}
	}
	dst[b.len] = '\0';
}

/* OWNER: the minting user's name, else e-mail, else an em dash. */
static void
owner(const struct json *j, int obj, char *dst, size_t cap)
{
	int o = json_get(j, obj, "owner");

	err_clear();
	dst[0] = '\0';
	if (o >= 0 && json_type(j, o) == JSON_OBJECT) {
		member(j, o, "username", dst, cap);
		if (dst[0] == '\0')
			member(j, o, "email", dst, cap);
	}
	if (dst[0] == '\0')
		strcpy(dst, "\u2014");
}

static void
cells(const struct json *j, int obj, char c[OUT_COLS][OUT_CELL_MAX])
{
	member(j, obj, "name", c[0], OUT_CELL_MAX);
	scope(j, obj, c[1], OUT_CELL_MAX);
	permissions(j, obj, c[2], OUT_CELL_MAX);
	member(j, obj, "created_at", c[3], OUT_CELL_MAX);
	if (c[3][0] == '\0')
		strcpy(c[3], "\u2014");
	owner(j, obj, c[4], OUT_CELL_MAX);
}

/* Columns a cell takes on a terminal: one per UTF-8 character. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/*
 * The server's JSON, as it came but for one change: every non-ASCII
 * character becomes a \\uXXXX escape.  Outside strings JSON is ASCII, so
 * the result is the same document, and nothing in it (a C1 control, a
 * bidirectional override) can act on a terminal.
 */
static int
json_ascii(const char *raw, size_t len)
{
	char out[4096], esc[24];
	const unsigned char *p = (const unsigned char *)raw;
	struct buf b = BUF_INIT(out, sizeof(out));
	unsigned long cp;
	size_t i = 0;
	int n;

	while (i < len) {
		if (b.len + sizeof(esc) > sizeof(out)) {
			if (write_all(out, b.len) != 0)
				return -1;
			b.len = 0;
		}
		if (p[i] < 0x80 || (n = text_utf8_decode(p + i, len - i,
		    &cp)) == 0) {
			buf_put(&b, p + i++, 1);	/* json.c let only UTF-8 in */
			continue;
		}
		i += (size_t)n;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			snprintf(esc, sizeof(esc), "\\u%04lx\\u%04lx",
			    0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
		} else {
			snprintf(esc, sizeof(esc), "\\u%04lx", cp);
		}
		buf_str(&b, esc);
	}
	buf_put(&b, "\n", 1);
	return write_all(out, b.len);
}

/* The table goes out in large writes, not one per line. */
static char tbl[64 * 1024];
static struct buf tb = BUF_INIT(tbl, sizeof(tbl));

static int
tbl_flush(void)
{
	int rc = write_all(tbl, tb.len);

	tb.len = 0;
	tb.over = 0;
	return rc;
}

static int
tbl_row(char c[OUT_COLS][OUT_CELL_MAX], const size_t *w, int ncols)
{
	size_t pad;
	int k;

	if (tb.len + OUT_COLS * (OUT_CELL_MAX + 2) + 1 > sizeof(tbl) &&
	    tbl_flush() != 0)
		return -1;
	for (k = 0; k < ncols; k++) {
		buf_str(&tb, c[k]);
		if (k == ncols - 1)
			break;
		for (pad = width(c[k]); pad < w[k] + 2; pad++)
			buf_put(&tb, " ", 1);
	}
	buf_put(&tb, "\n", 1);
	return 0;
}

int
out_list(const struct json *j, int tokens, int with_owner, int json)
{
	static const char *const head[OUT_COLS] = {
		"NAME", "SCOPE", "PERMISSIONS", "CREATED AT", "OWNER"
	};
	static char c[OUT_COLS][OUT_CELL_MAX];
	size_t w[OUT_COLS];
	int ncols = with_owner ? OUT_COLS : OUT_COLS - 1, n, i, k, e;
	const char *raw;
	size_t len;

	if (json) {
		raw = json_raw(j, tokens, &len);
		return json_ascii(raw, len);
	}
	for (k = 0; k < OUT_COLS; k++)
		w[k] = width(head[k]);
	/* Walk with json_next: json_elem from the start each time would
	 * make thousands of tokens quadratic. */
	n = json_len(j, tokens);
	for (i = 0, e = tokens + 1; i < n; i++, e = json_next(j, e)) {
		if (json_type(j, e) != JSON_OBJECT)
			return err_set(ERR_PROTO, "list: token %d is not an "
			    "object", i + 1);
		cells(j, e, c);
		for (k = 0; k < OUT_COLS; k++)
			if (width(c[k]) > w[k])
				w[k] = width(c[k]);
	}
	for (k = 0; k < OUT_COLS; k++)
		strcpy(c[k], head[k]);
	if (tbl_row(c, w, ncols) != 0)
		return -1;
	for (i = 0, e = tokens + 1; i < n; i++, e = json_next(j, e)) {
		cells(j, e, c);
		if (tbl_row(c, w, ncols) != 0)
			return -1;
	}
	return tbl_flush();
}

int
out_validate(long long exp, int json)
{
	char line[128], when[TEXT_RFC3339_MAX];
	struct buf b = BUF_INIT(line, sizeof(line));
	int n;

	if (exp >= 0 && text_rfc3339(when, sizeof(when), exp) != 0)
		return err_set(ERR_PROTO, "validate: expiry %lld is out of "
		    "range", exp);
	if (json) {
		n = snprintf(line, sizeof(line), "{\"valid\":true,\"exp\":%lld,"
		    "\"expires\":%s%s%s}\n", exp, exp < 0 ? "null" : "\"",
		    exp < 0 ? "" : when, exp < 0 ? "" : "\"");
		return n < 0 || (size_t)n >= sizeof(line) ? -1 :
		    write_all(line, (size_t)n);
	}
	buf_str(&b, exp < 0 ? "valid, never expires" : "valid, expires ");
	if (exp >= 0)
		buf_str(&b, when);
	buf_str(&b, "\n");
	return write_all(line, b.len);
}
