/*
 * options.c — linked into build/turso-token.san only: the sanitizers'
 * defaults, compiled in because the end-to-end suite runs the binary with
 * an empty environment (so ASAN_OPTIONS would never arrive).
 *
 * A report must not pass for one of the program's own exit statuses
 * (0..13, GUIDE §5), which the suite checks exactly: AddressSanitizer
 * (and LeakSanitizer with it) exits 99, UndefinedBehaviorSanitizer 98.
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *
__asan_default_options(void)
{
	return "exitcode=99:detect_leaks=1:abort_on_error=0";
}

const char *
__ubsan_default_options(void)
{
	return "exitcode=98:print_stacktrace=1:halt_on_error=1";
}
