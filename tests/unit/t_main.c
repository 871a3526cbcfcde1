/*
 * t_main.c — runs every case of every linked test file.  Each test
 * file's table is named t_cases_<file>; main.c of the unit binary
 * (generated list below) walks them all.
 */
#include "t.h"
#include "../../src/err.h"

int t_failed_checks;

extern const struct t_case t_cases_http[], t_cases_json[], t_cases_text[],
    t_cases_net[], t_cases_opts[], t_cases_store[], t_cases_err[],
    t_cases_wide[], t_cases_ca[];

static const struct t_case *const suites[] = {
	t_cases_http, t_cases_json, t_cases_text, t_cases_net, t_cases_opts,
	t_cases_store, t_cases_err, t_cases_wide, t_cases_ca,
};

int
main(void)
{
	int passed = 0, failed = 0;
	size_t s;
	const struct t_case *c;

	for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		for (c = suites[s]; c->name != 0; c++) {
			int before = t_failed_checks;

			err_clear();
			c->fn();
			if (t_failed_checks == before) {
				passed++;
			} else {
				failed++;
				fprintf(stderr, "FAIL %s\n", c->name);
			}
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
