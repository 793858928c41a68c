/* pytop: command dispatch, --help and --version. */
#include "cli.h"

#include "pytop/base/esc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: pytop [--version] [--help] COMMAND [ARGS]\n"
	"\n"
	"A CPU profiler for Python programs: complete Python stacks on a stock\n"
	"CPython 3.12+, a small sample file, a fast report.\n"
	"\n"
	"commands:\n"
	"  record   run a program (or attach to one) and sample it into pytop.data\n"
	"             pytop record script.py [ARGS]     a Python script, with -X perf\n"
	"             pytop record -- ./prog [ARGS]     any program\n"
	"             pytop record -p PID -d 10         attach for 10 seconds\n"
	"  report   browse a profile (TUI on a terminal, text otherwise)\n"
	"             pytop report                      reads ./pytop.data\n"
	"             pytop report --stdio              text, like perf report --stdio\n"
	"  diff     compare two profiles: did the bottleneck move?\n"
	"             pytop diff before.data after.data\n"
	"             pytop report -i perf.data         a perf record file, unwound by pytop\n"
	"  import   convert a perf.data file into a self-contained pytop.data\n"
	"             pytop import perf.data -o pytop.data\n"
	"\n"
	"'pytop COMMAND --help' lists a command's options; 'man pytop' has the rest.\n";

void cli_error(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	fflush(stdout);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* messages quote names and paths: escape them like every text output */
	fputs("pytop: ", stderr);
	esc_fputs(stderr, msg, 0);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} commands[] = {
		{ "record", cmd_record },
		{ "report", cmd_report },
		{ "diff", cmd_diff },
		{ "import", cmd_import },
	};
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
		printf("pytop %s\n", PYTOP_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	cli_error("'%s' is not a pytop command (see 'pytop --help')", cmd);
	return EXIT_USAGE;
}
