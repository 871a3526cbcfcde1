/* buf.c — appends that stop, and remember it, when the buffer is full. */
#include <string.h>

#include "buf.h"
#include "text.h"

void
buf_put(struct buf *b, const void *s, size_t n)
{
	if (b->over || n > b->cap - b->len) {
		b->over = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void
buf_str(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_json(struct buf *b, const char *s)
{
	long n;

	if (s == NULL)
		s = "";
	if (b->over)
		return;
	n = text_json_quote(b->p + b->len, b->cap - b->len, s, strlen(s));
	if (n < 0) {
		b->over = 1;
		return;
	}
	b->len += (size_t)n;
}
