/*
 * buf.h — a bounded output buffer with a sticky overflow flag.
 *
 * A builder appends freely and checks `over` once at the end, as BearSSL
 * does with its sticky errors: no length arithmetic at every call site,
 * and nothing is ever written past cap.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

struct buf {
	char *p;
	size_t cap;
	size_t len;
	int over;		/* something did not fit; the content is cut */
};

#define BUF_INIT(mem, size)	{ (char *)(mem), (size), 0, 0 }

void buf_put(struct buf *b, const void *s, size_t n);
void buf_str(struct buf *b, const char *s);
/* s as a JSON string literal (text_json_quote); NULL is "". */
void buf_json(struct buf *b, const char *s);

#endif
