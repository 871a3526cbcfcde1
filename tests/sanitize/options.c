/*
 * options.c — linked into build/turso-token.san only: the sanitizers'
 * defaults, compiled in because the end-to-end suite runs the binary with
 * an empty environment (so ASAN_OPTIONS would never arrive).
 *
 * A report must not pass for one of the program's own exit statuses
 * (0..13, GUIDE §5), which the suite checks exactly: AddressSanitizer
 * exits 99 and UndefinedBehaviorSanitizer 98.  Leak checking is off: the
 * program has no heap, and LeakSanitizer cannot stop the world of a
 * process that made itself non-dumpable.
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *
__asan_default_options(void)
{
	return "exitcode=99:detect_leaks=0:abort_on_error=0";
}

const char *
__ubsan_default_options(void)
{
	return "exitcode=98:print_stacktrace=1:halt_on_error=1";
}
