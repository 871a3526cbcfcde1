/*
 * cmd.h — the subcommands: what each asks of the API, and where a new
 * token goes.  main.c dispatches to these with the options checked, the
 * network set up and the credential in a->bearer.
 *
 * A created token is never lost silently: it is written to its audit log
 * and sinks (--out, --env-file, stdout) or revoked (ERR_STORED_REVOKED);
 * if the revoke fails too, the error names it (ERR_STORED_LOST).
 */
#ifndef CMD_H
#define CMD_H

#include "api.h"
#include "opts.h"

int cmd_create(const struct opts *o, const struct api *a);
int cmd_list(const struct opts *o, const struct api *a);
int cmd_validate(const struct opts *o, const struct api *a);
int cmd_revoke(const struct opts *o, const struct api *a);
int cmd_rotate(const struct opts *o, const struct api *a);
int cmd_db_token(const struct opts *o, const struct api *a);
int cmd_rotate_creds(const struct opts *o, const struct api *a);

#endif
