/*
 * text.h — making bytes safe to show and to put in a URL.
 *
 * Everything that came from the network and is shown to a person goes
 * through text_escape(): what a terminal would interpret never reaches it.
 */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>

/*
 * Copy src (len bytes) into dst as printable text: printable ASCII is kept,
 * backslash becomes "\\", \n \r \t become "\n" "\r" "\t", other bytes below
 * 0x20 and 0x7f become "\xNN", well-formed UTF-8 sequences of printable
 * code points (U+00A0 and above, no surrogates) are kept, except U+2028,
 * U+2029 and the bidirectional controls (U+061C, U+200E/F, U+202A..E,
 * U+2066..9); those, C1 controls (U+0080..U+009F) and malformed bytes
 * become "\xNN" byte by byte (lower-case hex).  Output is always
 * NUL-terminated; if it does not fit it ends in "..." and the return value
 * is 1, else 0.  An escape or a character is never cut in half.  cap must
 * be at least 4.
 */
int text_escape(char *dst, size_t cap, const char *src, size_t len);

/*
 * Percent-encode src as one path segment or query value (RFC 3986):
 * unreserved characters (ALPHA DIGIT - . _ ~) stay, every other byte
 * becomes %XX (upper-case hex).  Returns the length written (NUL added),
 * or -1 (and "" in dst) when it does not fit.
 */
long text_pct_encode(char *dst, size_t cap, const char *src, size_t len);

/*
 * 1 if s (len bytes) is text a terminal shows as it is: valid UTF-8, no
 * C0 or C1 control, no DEL, no line or paragraph separator, no
 * bidirectional control.  What a user names (tokens, organizations, the
 * audit log's words) must be plain, so every message and file shows it
 * faithfully.
 */
int text_is_plain(const char *s, size_t len);

/*
 * 1 if s (len bytes) is a non-empty run of printable ASCII (0x21..0x7e),
 * the only form a bearer token may take on the wire and on a terminal.
 */
int text_is_token(const char *s, size_t len);

/*
 * Write s (len bytes, valid UTF-8 without NUL) as a JSON string literal,
 * quotes included, escaping '"', '\\' and all control characters
 * (\n \r \t \b \f, else \u00XX for C0, DEL and C1) and U+2028/U+2029.
 * Returns the length written (NUL added) or -1 (and "" in dst) when it
 * does not fit, s is not valid UTF-8 or s holds a NUL.
 */
long text_json_quote(char *dst, size_t cap, const char *s, size_t len);

/*
 * Length of the well-formed UTF-8 sequence at s (at most n >= 1 bytes),
 * with its code point in *cp; 0 if malformed (RFC 3629 section 4: no
 * overlong forms, no surrogates, nothing above U+10FFFF).
 */
int text_utf8_decode(const unsigned char *s, size_t n, unsigned long *cp);

/* "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define TEXT_RFC3339_MAX	21

/*
 * Unix seconds as an RFC 3339 UTC time.  Returns 0, or -1 when the time
 * is outside years 0000-9999 or does not fit in cap.
 */
int text_rfc3339(char *dst, size_t cap, long long when);

/*
 * A Retry-After value (RFC 9110 10.2.3): delay-seconds, or an HTTP date
 * (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT") turned into seconds from
 * now.  Returns the seconds to wait (0 for a date in the past), or -1 when
 * the value is neither.
 */
long long text_retry_after(const char *value, long long now);

#endif
