/* tap.h: the smallest TAP producer for pytop's unit tests.
 *
 *   CHECK(cond, "what it shows", ...);      one test point
 *   CHECK_EQ_STR(got, want, "what");        string equality, prints both
 *   return tap_done();                      prints the plan, exit status
 */
#ifndef PYTOP_TAP_H
#define PYTOP_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failures;

__attribute__((format(printf, 5, 6)))
static void tap_check(int ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", ok ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok) {
		tap_failures++;
		printf("#   failed at %s:%d: %s\n", file, line, expr);
	}
	fflush(stdout);
}

#define CHECK(cond, ...) tap_check(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

#define CHECK_EQ_STR(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int ok_ = g_ && w_ && strcmp(g_, w_) == 0; \
	tap_check(ok_, __FILE__, __LINE__, #got " == " #want, __VA_ARGS__); \
	if (!ok_) printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define CHECK_EQ_U(got, want, ...) do { \
	unsigned long long g_ = (got), w_ = (want); \
	tap_check(g_ == w_, __FILE__, __LINE__, #got " == " #want, __VA_ARGS__); \
	if (g_ != w_) printf("#   got %llu, want %llu\n", g_, w_); \
} while (0)

static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failures ? 1 : 0;
}

#endif
