/* cli: the pytop command-line front end (private to cli/).
 * It sits above record/, model/ and tui/ and is the only place that calls
 * exit() or prints "pytop: WHAT: WHY" lines. */
#ifndef PYTOP_CLI_H
#define PYTOP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses shared by every subcommand. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,  /* the operation failed: bad file, no permission, ... */
	EXIT_USAGE = 2, /* bad options or arguments */
};

/* Each returns the process exit status. argv[0] is the subcommand name. */
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_import(int argc, char **argv);

/* ---- options (query_opts.c) ---- */

struct report_opts;

/* Does argv[*i] name option long_ (or short_)?  Sets *val from "--opt=VAL"
 * or from the next argument when the option takes a value.  Returns 1 when
 * matched, 0 when not, -1 when the value is missing. */
int cli_opt(int argc, char **argv, int *i, const char *short_, const char *long_, bool takes,
	    const char **val);
/* One option of a report query (sort, order, children, call graph, limits,
 * view, filters) at argv[*i], for command `cmd` ("report", "diff").
 * Returns 1 when it is one: o is updated, or the error was printed and *rc
 * set to EXIT_USAGE.  Returns 0 when argv[*i] is not a query option. */
int cli_query_option(const char *cmd, int argc, char **argv, int *i, struct report_opts *o,
		     int *rc);
/* Their --help lines. */
extern const char cli_query_usage[];

/* ---- profiles (load.c) ---- */

struct profile;

/* The profile in `path` (a pytop.data file, or a perf.data file imported
 * on the way), or NULL after printing "pytop: PATH: WHY" (the reader's one
 * line).  Import notes go to stderr.  Free with profile_free(). */
struct profile *cli_load_profile(const char *path);

struct pdata;
/* The perf.data file `path` imported (perf_import), or NULL after printing
 * "pytop: PATH: WHY".  Free with pdata_free(). */
struct pdata *cli_import_perf(const char *path);

/* ---- exports (export_pprof.c) ---- */

/* Query o of p as a gzip-compressed pprof profile.proto on out.  Returns 0,
 * or -1 with a one-line reason in err; write errors are the caller's. */
int cli_write_pprof(FILE *out, const struct profile *p, const struct report_opts *o, char *err,
		    size_t errlen);

/* Print "pytop: " + formatted message + newline to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
