/*
 * test_err.c — the pending error: first one wins, reset replaces, and a
 * message may wrap the pending one (err_msg() passed as an argument).
 */
#include <string.h>

#include "t.h"
#include "../../src/err.h"

TEST(err_first_wins)
{
	CHECK_INT(err_set(ERR_NET, "cause %d", 1), -1);
	CHECK_INT(err_set(ERR_PROTO, "vaguer"), -1);
	CHECK_INT(err_class(), ERR_NET);
	CHECK_STR(err_msg(), "cause 1");
	err_clear();
	CHECK_INT(err_class(), ERR_OK);
	CHECK_STR(err_msg(), "");
}

TEST(err_reset_wraps_pending)
{
	err_set(ERR_PROTO, "truncated JSON");
	CHECK_INT(err_reset(ERR_PROTO, "%s: %s", "create \"x\"", err_msg()),
	    -1);
	CHECK_STR(err_msg(), "create \"x\": truncated JSON");
	/* Wrapping twice, the pending text in the middle of the format. */
	err_reset(ERR_TLS, "[%s] (%d)", err_msg(), 5);
	CHECK_INT(err_class(), ERR_TLS);
	CHECK_STR(err_msg(), "[create \"x\": truncated JSON] (5)");
}

TEST(err_cut_not_overflowed)
{
	char big[ERR_MSG_MAX * 2];

	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(ERR_LOCAL, "%s", big);
	CHECK_INT(strlen(err_msg()), ERR_MSG_MAX - 1);
	err_reset(ERR_LOCAL, "x%s", err_msg());
	CHECK_INT(strlen(err_msg()), ERR_MSG_MAX - 1);
	CHECK_INT(err_msg()[0], 'x');
	CHECK_INT(err_msg()[1], 'm');
}

const struct t_case t_cases_err[] = {
	T(err_first_wins),
	T(err_reset_wraps_pending),
	T(err_cut_not_overflowed),
	T_END
};
