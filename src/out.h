/*
 * out.h — what goes to standard output: a token, a token list, a
 * validation.  Everything that came from the server is escaped or
 * re-encoded as JSON before it is shown.  Output goes through write(2):
 * a secret never sits in a stdio buffer that cannot be erased.
 */
#ifndef OUT_H
#define OUT_H

#include "api.h"
#include "json.h"

/*
 * The new token, one line; with json, {"name","id","token"}.  Returns 0,
 * or -1 with ERR_LOCAL set when stdout cannot take it.  When several
 * tokens are printed as JSON, they form one array: index counts from 0,
 * and out_json_end() closes the array after the last one printed.
 */
int out_token(const struct api_created *c, int json, int index, int count);
int out_json_end(void);

/*
 * The "tokens" array (index tokens in j) as the Turso CLI's table
 * NAME SCOPE PERMISSIONS CREATED AT (and OWNER when owner is set), or the
 * array itself when json.  0 or -1 (ERR_LOCAL).
 */
int out_list(const struct json *j, int tokens, int owner, int json);

/* "valid, expires <RFC 3339>" / "valid, never expires", or JSON. */
int out_validate(long long exp, int json);

#endif
