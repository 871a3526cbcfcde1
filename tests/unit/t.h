/*
 * t.h — the unit-test harness: a check macro, a registry of test
 * functions, and a runner that ends on "N passed, N failed".
 *
 * A test file defines functions with TEST(name) and lists them in a
 * `const struct t_case t_cases[]` ending with T_END.  One check failing
 * fails its test; the runner keeps going and exits non-zero at the end.
 */
#ifndef T_H
#define T_H

#include <stdio.h>
#include <string.h>

struct t_case {
	const char *name;
	void (*fn)(void);
};

extern int t_failed_checks;

#define TEST(name) static void name(void)
#define T(name) { #name, name }
#define T_END { 0, 0 }

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "  %s:%d: check failed: %s\n", \
		    __FILE__, __LINE__, #cond); \
		t_failed_checks++; \
	} \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) { \
		fprintf(stderr, "  %s:%d: %s is %lld, want %lld\n", \
		    __FILE__, __LINE__, #got, g_, w_); \
		t_failed_checks++; \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ == 0 || strcmp(g_, w_) != 0) { \
		fprintf(stderr, "  %s:%d: %s is \"%s\", want \"%s\"\n", \
		    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); \
		t_failed_checks++; \
	} \
} while (0)

#define CHECK_MEM(got, glen, want, wlen) do { \
	size_t gl_ = (glen), wl_ = (wlen); \
	if (gl_ != wl_ || memcmp((got), (want), gl_) != 0) { \
		fprintf(stderr, "  %s:%d: %s differs (len %zu, want %zu)\n", \
		    __FILE__, __LINE__, #got, gl_, wl_); \
		t_failed_checks++; \
	} \
} while (0)

/* Each test file provides this table. */
/* Each test file defines `const struct t_case t_cases_<module>[]`. */

#endif
