/*
 * fuzz_chunked.c — libFuzzer target: the chunked decoder.  The fuzz data
 * is the body of a response whose head says "Transfer-Encoding: chunked",
 * so every mutation lands in chunk sizes, extensions, data, line ends and
 * trailers.  Besides the checks of http_fuzz.h, a body the parser accepts
 * must equal what a plain reading of the chunked grammar gives.
 */
#include <string.h>

#include "http_fuzz.h"

#define HEAD	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The body of chunked data s (n bytes), read loosely (size digits, the rest
 * of the size line skipped, data, CRLF or LF): only ever asked about input
 * the parser accepted.  Returns the body length, or -1 if s is not chunked
 * data at all or the body exceeds cap.
 */
static long
dechunk(const unsigned char *s, size_t n, unsigned char *out, size_t cap)
{
	unsigned long long size;
	size_t i = 0, o = 0;
	int d, digits;

	for (;;) {
		size = 0;
		for (digits = 0; i < n && (d = hexval(s[i])) >= 0; digits++, i++)
			size = size << 4 | (unsigned)d;
		if (digits == 0 || digits > 16)
			return -1;
		while (i < n && s[i] != '\n')
			i++;
		if (i++ >= n)
			return -1;
		if (size == 0)
			return (long)o;
		if (size > n - i || size > cap - o)
			return -1;
		memcpy(out + o, s + i, (size_t)size);
		o += (size_t)size;
		i += (size_t)size;
		if (i < n && s[i] == '\r')
			i++;
		if (i >= n || s[i] != '\n')
			return -1;
		i++;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char ref[65536];
	struct http_outcome o;
	const unsigned char *in;
	size_t len, hl = sizeof(HEAD) - 1;
	long n;

	http_fuzz_run(data, size, HEAD, 0, &o, &in, &len);
	if (o.rc == HTTP_DONE) {
		n = dechunk(in + hl, o.used - hl, ref, sizeof(ref));
		FUZZ_ASSERT(n >= 0 && (size_t)n == o.body_len);
		FUZZ_ASSERT(n == 0 || memcmp(ref, o.body, (size_t)n) == 0);
	}
	free(o.body);
	return 0;
}
