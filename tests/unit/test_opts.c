/* test_opts.c — the command line, parsed and checked without a network. */
#include "t.h"
#include "../../src/err.h"
#include "../../src/opts.h"

static int
parse(struct opts *o, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = "turso-token";
	while (*args != NULL)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	err_clear();
	if (opts_parse(o, argc, argv) != 0)
		return -1;
	return opts_check(o);
}

TEST(opts_globals_anywhere)
{
	static const char *const a[] = { "--api-url", "https://x", "create",
	    "ci-token", "--org=acme", "-v", "--max-time", "2.5", "--resolve",
	    "api.turso.tech:443:127.0.0.1", "--connect-timeout=3", NULL };
	struct opts o;

	CHECK_INT(parse(&o, a), 0);
	CHECK_INT(o.cmd, CMD_CREATE);
	CHECK_INT(o.nargs, 1);
	CHECK_STR(o.args[0], "ci-token");
	CHECK_STR(o.org, "acme");
	CHECK_STR(o.api_url, "https://x");
	CHECK_INT(o.verbose, 1);
	CHECK_INT(o.max_time_ms, 2500);
	CHECK_INT(o.connect_timeout_ms, 3000);
	CHECK_INT(o.nresolve, 1);
}

TEST(opts_group_scopes)
{
	static const char *const a[] = { "create", "deployer", "--org", "acme",
	    "--group", "default", "--scope", "db:create", "--scope",
	    "db:mint-token", NULL };
	const char *s[OPTS_SCOPES_MAX];
	struct opts o;

	CHECK_INT(parse(&o, a), 0);
	CHECK_INT(opts_scope_list(&o, s, OPTS_SCOPES_MAX), 2);
	CHECK_STR(s[0], "db:create");
	CHECK_STR(s[1], "db:mint-token");
}

TEST(opts_presets)
{
	static const char *const ro[] = { "create", "r", "--org", "o", "--group",
	    "g", "--read-only", NULL };
	static const char *const both[] = { "create", "r", "--org", "o",
	    "--group", "g", "--read-only", "--full-access", NULL };
	static const char *const mixed[] = { "create", "r", "--org", "o",
	    "--group", "g", "--full-access", "--scope", "read", NULL };
	const char *s[OPTS_SCOPES_MAX];
	struct opts o;

	CHECK_INT(parse(&o, ro), 0);
	CHECK_INT(opts_scope_list(&o, s, OPTS_SCOPES_MAX), 1);
	CHECK_STR(s[0], "read-only");
	CHECK_INT(parse(&o, both), -1);
	CHECK_INT(err_class(), ERR_USAGE);
	CHECK_INT(parse(&o, mixed), -1);
	CHECK_INT(err_class(), ERR_USAGE);
}

TEST(opts_usage_errors)
{
	static const char *const none[] = { NULL };
	static const char *const unknown[] = { "create", "x", "--bogus", NULL };
	static const char *const nocmd[] = { "frobnicate", NULL };
	static const char *const noname[] = { "create", NULL };
	static const char *const two[] = { "create", "a", "b", "--out", "f",
	    NULL };
	static const char *const grp[] = { "create", "a", "--group", "g",
	    "--scope", "read", NULL };
	static const char *const noscope[] = { "create", "a", "--org", "o",
	    "--group", "g", NULL };
	static const char *const badscope[] = { "create", "a", "--org", "o",
	    "--group", "g", "--scope", "db:everything", NULL };
	static const char *const scopenogroup[] = { "create", "a", "--org",
	    "o", "--read-only", NULL };
	static const char *const novalue[] = { "create", "a", "--org", NULL };
	static const char *const flagvalue[] = { "create", "a", "--json=1", NULL };
	static const char *const badtime[] = { "create", "a", "--max-time",
	    "0", NULL };
	static const char *const badtime2[] = { "create", "a", "--max-time",
	    "1e3", NULL };
	static const char *const *const cases[] = { none, unknown, nocmd,
	    noname, two, grp, noscope, badscope, scopenogroup, novalue,
	    flagvalue, badtime, badtime2 };
	struct opts o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(&o, cases[i]), -1);
		CHECK_INT(err_class(), ERR_USAGE);
	}
}

TEST(opts_double_dash)
{
	static const char *const a[] = { "create", "--", "--odd-name", NULL };
	struct opts o;

	CHECK_INT(parse(&o, a), 0);
	CHECK_STR(o.args[0], "--odd-name");
}

TEST(opts_names)
{
	char long_name[OPTS_NAME_MAX + 2];

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	err_clear();
	CHECK_INT(opts_check_name("production-api"), 0);
	CHECK_INT(opts_check_name("my token"), 0);
	CHECK_INT(opts_check_name(""), -1);
	CHECK_INT(opts_check_name("   "), -1);
	CHECK_INT(opts_check_name("a\tb"), -1);
	CHECK_INT(opts_check_name("a\x1b[31m"), -1);
	CHECK_INT(opts_check_name("del\x7f"), -1);
	CHECK_INT(opts_check_name(long_name), -1);
	long_name[OPTS_NAME_MAX] = '\0';
	CHECK_INT(opts_check_name(long_name), 0);
	CHECK_INT(err_class(), ERR_USAGE);
}

TEST(opts_vague)
{
	CHECK_INT(opts_name_is_vague("token1"), 1);
	CHECK_INT(opts_name_is_vague("test"), 1);
	CHECK_INT(opts_name_is_vague("TEST42"), 1);
	CHECK_INT(opts_name_is_vague("tmp"), 1);
	CHECK_INT(opts_name_is_vague("ci-cd-pipeline"), 0);
	CHECK_INT(opts_name_is_vague("testing-db-migrations"), 0);
	CHECK_INT(opts_name_is_vague("token-rotator"), 0);
}

TEST(opts_help_without_command)
{
	static const char *const a[] = { "--help", NULL };
	static const char *const v[] = { "--version", NULL };
	struct opts o;

	CHECK_INT(parse(&o, a), 0);
	CHECK_INT(o.help, 1);
	CHECK_INT(parse(&o, v), 0);
	CHECK_INT(o.version, 1);
}

TEST(opts_lifecycle_commands)
{
	static const char *const list[] = { "list", "--org", "acme", "--json",
	    NULL };
	static const char *const val[] = { "validate", NULL };
	static const char *const rev[] = { "revoke", "a", "b", "--force", NULL };
	static const char *const revid[] = { "revoke", "--org", "o", "--id",
	    "X1", NULL };
	static const char *const rot[] = { "rotate", "ci", "--org", "o",
	    "--revoke-old", "--out", "/tmp/x", "--force", "--audit-log", "a",
	    "--by", "me", "--purpose", "ci", NULL };
	static const char *const sinks[] = { "create", "ci", "--org", "o",
	    "--env-file", ".env", "--env-key", "MY_TOKEN", "--print", NULL };
	struct opts o;

	CHECK_INT(parse(&o, list), 0);
	CHECK_INT(o.cmd, CMD_LIST);
	CHECK_STR(o.org, "acme");
	CHECK_INT(parse(&o, val), 0);
	CHECK_INT(o.cmd, CMD_VALIDATE);
	CHECK_INT(parse(&o, rev), 0);
	CHECK_INT(o.nargs, 2);
	CHECK_INT(o.force, 1);
	CHECK_INT(parse(&o, revid), 0);
	CHECK_STR(o.id, "X1");
	CHECK_INT(parse(&o, rot), 0);
	CHECK_INT(o.cmd, CMD_ROTATE);
	CHECK_INT(o.revoke_old, 1);
	CHECK_STR(o.out, "/tmp/x");
	CHECK_STR(o.by, "me");
	CHECK_INT(parse(&o, sinks), 0);
	CHECK_STR(o.env_key, "MY_TOKEN");
	CHECK_INT(o.print, 1);
}

TEST(opts_lifecycle_errors)
{
	static const char *const a1[] = { "list", "--group", "g", NULL };
	static const char *const a2[] = { "validate", "x", NULL };
	static const char *const a3[] = { "revoke", "--id", "X", NULL };
	static const char *const a4[] = { "revoke", "a", "--org", "o", "--id",
	    "X", NULL };
	static const char *const a5[] = { "revoke", NULL };
	static const char *const a6[] = { "create", "a", "--env-key", "K",
	    NULL };
	static const char *const a7[] = { "create", "a", "--env-file", "f",
	    "--env-key", "1BAD", NULL };
	static const char *const a8[] = { "create", "a", "--print", NULL };
	static const char *const a9[] = { "create", "a", "--force", NULL };
	static const char *const a10[] = { "create", "a", "--by", "me", NULL };
	static const char *const a11[] = { "list", "--revoke-old", NULL };
	static const char *const a12[] = { "validate", "--out", "f", NULL };
	static const char *const a13[] = { "--out", "f", "list", NULL };
	static const char *const a14[] = { "rotate", "a", "b", NULL };
	static const char *const *const cases[] = { a1, a2, a3, a4, a5, a6,
	    a7, a8, a9, a10, a11, a12, a13, a14 };
	struct opts o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(&o, cases[i]), -1);
		CHECK_INT(err_class(), ERR_USAGE);
	}
}

TEST(opts_rotate_name_room)
{
	char name[OPTS_NAME_MAX + 1];
	const char *a[] = { "rotate", name, NULL };
	struct opts o;

	memset(name, 'r', OPTS_NAME_MAX - OPTS_ROTATE_SUFFIX);
	name[OPTS_NAME_MAX - OPTS_ROTATE_SUFFIX] = '\0';
	CHECK_INT(parse(&o, a), 0);
	name[OPTS_NAME_MAX - OPTS_ROTATE_SUFFIX] = 'r';
	name[OPTS_NAME_MAX - OPTS_ROTATE_SUFFIX + 1] = '\0';
	CHECK_INT(parse(&o, a), -1);
}

const struct t_case t_cases_opts[] = {
	T(opts_lifecycle_commands), T(opts_lifecycle_errors),
	T(opts_rotate_name_room),
	T(opts_globals_anywhere), T(opts_group_scopes), T(opts_presets),
	T(opts_usage_errors), T(opts_double_dash), T(opts_names),
	T(opts_vague), T(opts_help_without_command), T_END
};
