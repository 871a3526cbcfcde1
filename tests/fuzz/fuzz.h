/*
 * fuzz.h — what every fuzz target shares: the libFuzzer entry point (also
 * called by replay.c over the committed corpus) and a property check that
 * crashes, so libFuzzer and the replay driver both see a failed property
 * the way they see a sanitizer report.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(c) do { \
	if (!(c)) { \
		fprintf(stderr, "%s:%d: property failed: %s\n", \
		    __FILE__, __LINE__, #c); \
		abort(); \
	} \
} while (0)

/* Every byte of s is printable ASCII: what an error message must be. */
static inline int
fuzz_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

#endif
