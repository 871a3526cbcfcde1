/*
 * fuzz_http.c — libFuzzer target: the HTTP/1.1 response parser on
 * arbitrary bytes, fed whole, in random pieces and byte by byte (see
 * http_fuzz.h for the input layout and the properties checked).
 */
#include "http_fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_outcome o;
	const unsigned char *in;
	size_t len;

	http_fuzz_run(data, size, "", 1, &o, &in, &len);
	free(o.body);
	return 0;
}
