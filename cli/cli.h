/* cli: the pytop command-line front end (private to cli/).
 * It sits above record/, model/ and tui/ and is the only place that calls
 * exit() or prints "pytop: WHAT: WHY" lines. */
#ifndef PYTOP_CLI_H
#define PYTOP_CLI_H

/* Exit statuses shared by every subcommand. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,  /* the operation failed: bad file, no permission, ... */
	EXIT_USAGE = 2, /* bad options or arguments */
};

/* Each returns the process exit status. argv[0] is the subcommand name. */
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Print "pytop: " + formatted message + newline to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
