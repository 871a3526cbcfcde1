/* err.c — the pending error: one class, one bounded message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static enum err_class pending;
static char msg[ERR_MSG_MAX];

static int
record(enum err_class cls, const char *fmt, va_list ap)
{
	char tmp[ERR_MSG_MAX];

	/*
	 * Formatted aside first: a caller wrapping the pending cause passes
	 * err_msg() itself as an argument, and formatting straight into msg
	 * would read the buffer being written.  Truncation is acceptable: a
	 * cut message is still a message.
	 */
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	memcpy(msg, tmp, sizeof(msg));
	pending = cls;
	return -1;
}

int
err_set(enum err_class cls, const char *fmt, ...)
{
	va_list ap;

	if (pending != ERR_OK)
		return -1;
	va_start(ap, fmt);
	record(cls, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_reset(enum err_class cls, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(cls, fmt, ap);
	va_end(ap);
	return -1;
}

enum err_class
err_class(void)
{
	return pending;
}

const char *
err_msg(void)
{
	return msg;
}

void
err_clear(void)
{
	pending = ERR_OK;
	msg[0] = '\0';
}
