/*
 * err.h — error classes and the one pending error message.
 *
 * Every module reports failure the same way: it records a class and a
 * message with err_set() and returns -1 (or the class).  main.c is the only
 * place that prints the message and turns the class into an exit status.
 * The class values ARE the exit codes of GUIDE §5, so no table is needed.
 *
 * A message must never contain a secret.  Text that came from the network
 * goes through text_escape() (text.h) before it is put in a message.
 */
#ifndef ERR_H
#define ERR_H

enum err_class {
	ERR_OK = 0,
	ERR_API = 1,		/* API error not listed below (400, 402, 3xx, other 4xx) */
	ERR_USAGE = 2,		/* bad command line */
	ERR_LOCAL = 3,		/* local configuration or input error */
	ERR_NET = 4,		/* resolve, connect, timeout, proxy */
	ERR_TLS = 5,		/* TLS or certificate error */
	ERR_PROTO = 6,		/* malformed or oversized response */
	ERR_AUTH = 7,		/* 401, 403 */
	ERR_NOTFOUND = 8,	/* 404 */
	ERR_CONFLICT = 9,	/* 409 */
	ERR_RATE = 10,		/* 429 */
	ERR_SERVER = 11,	/* 5xx */
	ERR_STORED_REVOKED = 12,/* created, not stored, revoked */
	ERR_STORED_LOST = 13	/* created, not stored, revoke failed */
};

/* Longest message kept; longer ones are cut (never overflowed). */
#define ERR_MSG_MAX 512

/*
 * Record class and printf-style message (without the "turso-token: "
 * prefix and without a trailing newline).  The first error recorded wins
 * until err_clear(): a low-level cause is not overwritten by a vaguer
 * message from a caller.  Returns -1 so callers can `return err_set(...)`.
 */
int err_set(enum err_class cls, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Same, but replaces any pending error (for a caller that knows better). */
int err_reset(enum err_class cls, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

enum err_class err_class(void);		/* ERR_OK when nothing is pending */
const char *err_msg(void);		/* "" when nothing is pending */
void err_clear(void);

#endif
