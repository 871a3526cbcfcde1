/*
 * text.c — escaping for terminals, URLs and JSON.
 *
 * Output is built in units that are never split: one kept character (up to
 * four bytes of UTF-8) or one escape.  A cut output therefore never ends in
 * half an escape or half a character.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

int
text_utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	unsigned long c;
	int len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	if (s[0] < 0xe0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] < 0xf0) {
		len = 3;
		c = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else {
		len = 4;
		c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	}
	if (n < (size_t)len)
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return len;
}

/*
 * Whether a code point above ASCII may reach a terminal as itself: not a
 * C1 control (a terminal acts on those), not a line or paragraph separator
 * (they break a line where none is shown), not a bidirectional control
 * (it can reorder what is shown after it).
 */
static int
shown(unsigned long cp)
{
	if (cp < 0xa0)
		return 0;
	if (cp == 0x2028 || cp == 0x2029)
		return 0;
	if (cp == 0x061c || cp == 0x200e || cp == 0x200f)
		return 0;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return 1;
}

/*
 * The next unit of text_escape() output for the bytes at s: written to
 * out (at most 4 chars), its length in *olen; returns the bytes consumed.
 * A refused sequence is escaped one byte at a time.
 */
static size_t
escape_unit(const unsigned char *s, size_t n, char *out, size_t *olen)
{
	unsigned long cp;
	int len;

	*olen = 2;
	out[0] = '\\';
	switch (s[0]) {
	case '\\':
		out[1] = '\\';
		return 1;
	case '\n':
		out[1] = 'n';
		return 1;
	case '\r':
		out[1] = 'r';
		return 1;
	case '\t':
		out[1] = 't';
		return 1;
	}
	if (s[0] >= 0x20 && s[0] < 0x7f) {
		out[0] = (char)s[0];
		*olen = 1;
		return 1;
	}
	if (s[0] >= 0x80 && (len = text_utf8_decode(s, n, &cp)) > 0 && shown(cp)) {
		memcpy(out, s, (size_t)len);
		*olen = (size_t)len;
		return (size_t)len;
	}
	out[1] = 'x';
	out[2] = hex_lower[s[0] >> 4];
	out[3] = hex_lower[s[0] & 0xf];
	*olen = 4;
	return 1;
}

int
text_escape(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i, o, n, ulen, total = 0, limit, dots;
	char u[4];
	int cut;

	if (cap == 0)
		return 1;
	for (i = 0; i < len; i += n) {
		n = escape_unit(s + i, len - i, u, &ulen);
		total += ulen;
	}
	/* When cut, room is kept for "..." (cap is at least 4 by contract). */
	cut = total > cap - 1;
	dots = cut ? (cap - 1 < 3 ? cap - 1 : 3) : 0;
	limit = cap - 1 - dots;
	for (i = o = 0; i < len; i += n) {
		n = escape_unit(s + i, len - i, u, &ulen);
		if (o + ulen > limit)
			break;
		memcpy(dst + o, u, ulen);
		o += ulen;
	}
	memcpy(dst + o, "...", dots);
	o += dots;
	dst[o] = '\0';
	return cut;
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

long
text_pct_encode(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (unreserved(s[i])) {
			if (o + 1 >= cap)
				goto toolong;
			dst[o++] = (char)s[i];
			continue;
		}
		if (o + 3 >= cap)
			goto toolong;
		dst[o++] = '%';
		dst[o++] = hex_upper[s[i] >> 4];
		dst[o++] = hex_upper[s[i] & 0xf];
	}
	if (cap == 0)
		return -1;
	dst[o] = '\0';
	return (long)o;
toolong:
	/* Never leave a partial encoding that could be used by mistake. */
	if (cap > 0)
		dst[0] = '\0';
	return -1;
}

int
text_is_token(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

/* Append n bytes at *o, keeping room for the final NUL. */
static int
put(char *dst, size_t cap, size_t *o, const char *p, size_t n)
{
	if (*o + n >= cap)
		return -1;
	memcpy(dst + *o, p, n);
	*o += n;
	return 0;
}

/*
 * The JSON form of the character at s (len bytes left) into out: a short
 * escape, \u00XX for other controls (C0, DEL, C1), \u2028/\u2029 (some
 * JavaScript parsers take them for line ends), else the bytes themselves.
 * Returns the bytes consumed, 0 if s is not valid UTF-8 or is a NUL.
 */
static size_t
quote_unit(const unsigned char *s, size_t len, char *out, size_t *olen)
{
	static const char plain[] = "\"\\\n\r\t\b\f", names[] = "\"\\nrtbf";
	const char *q;
	unsigned long cp;
	int n;

	if (s[0] == '\0' || (n = text_utf8_decode(s, len, &cp)) == 0)
		return 0;
	if (cp < 0x80 && (q = strchr(plain, (int)cp)) != NULL) {
		out[0] = '\\';
		out[1] = names[q - plain];
		*olen = 2;
	} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
	    cp == 0x2028 || cp == 0x2029) {
		memcpy(out, "\\u", 2);
		out[2] = hex_lower[cp >> 12 & 0xf];
		out[3] = hex_lower[cp >> 8 & 0xf];
		out[4] = hex_lower[cp >> 4 & 0xf];
		out[5] = hex_lower[cp & 0xf];
		*olen = 6;
	} else {
		memcpy(out, s, (size_t)n);
		*olen = (size_t)n;
	}
	return (size_t)n;
}

long
text_json_quote(char *dst, size_t cap, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, o = 0, n, ulen;
	char unit[6];

	if (put(dst, cap, &o, "\"", 1) == -1)
		goto fail;
	for (i = 0; i < len; i += n) {
		if ((n = quote_unit(u + i, len - i, unit, &ulen)) == 0 ||
		    put(dst, cap, &o, unit, ulen) == -1)
			goto fail;
	}
	if (put(dst, cap, &o, "\"", 1) == -1)
		goto fail;
	dst[o] = '\0';
	return (long)o;
fail:
	if (cap > 0)
		dst[0] = '\0';
	return -1;
}

int
text_rfc3339(char *dst, size_t cap, long long when)
{
	struct tm tm;
	time_t t;
	int n;

	t = (time_t)when;
	if ((long long)t != when || gmtime_r(&t, &tm) == NULL)
		return -1;
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return -1;
	n = snprintf(dst, cap, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return 0;
}

/* Three-letter month name to 0..11, or -1. */
static int
month(const char *m)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (strncmp(m, names + 3 * i, 3) == 0)
			return i;
	return -1;
}

/* Days from 1970-01-01 to y-m-d (m 1..12), proleptic Gregorian. */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* n decimal digits at *p into *out; advances *p.  0, or -1 if not digits. */
static int
digits(const char **p, int n, int *out)
{
	*out = 0;
	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		*out = *out * 10 + (**p - '0');
	}
	return 0;
}

/* *p starts with lit; advances past it. */
static int
literal(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/*
 * IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", to unix seconds; -1 if the
 * text is not exactly that form.  (No sscanf: musl's pulls in malloc.)
 */
static long long
imf_fixdate(const char *p)
{
	int d, y, hh, mm, ss, m;

	if (strlen(p) != 29 || p[3] != ',')
		return -1;
	p += 4;
	if (literal(&p, " ") || digits(&p, 2, &d) || literal(&p, " ") ||
	    (m = month(p)) < 0)
		return -1;
	p += 3;
	if (literal(&p, " ") || digits(&p, 4, &y) || literal(&p, " ") ||
	    digits(&p, 2, &hh) || literal(&p, ":") || digits(&p, 2, &mm) ||
	    literal(&p, ":") || digits(&p, 2, &ss) || literal(&p, " GMT"))
		return -1;
	if (d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60)
		return -1;
	return days_from_civil(y, m + 1, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

long long
text_retry_after(const char *v, long long now)
{
	long long secs = 0, at;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9'; p++)
		if ((secs = secs * 10 + (*p - '0')) > 1000000000LL)
			return -1;
	if (p != v && *p == '\0')
		return secs;
	if ((at = imf_fixdate(v)) < 0)
		return -1;
	return at > now ? at - now : 0;
}

int
text_is_plain(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	int n;

	while (len > 0) {
		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				return 0;
			p++;
			len--;
			continue;
		}
		if ((n = text_utf8_decode(p, len, &cp)) == 0 || !shown(cp))
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}
