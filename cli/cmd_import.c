/* cmd_import: `pytop import perf.data -o pytop.data` — a perf.data file
 * (fp or dwarf call graphs, CPython perf maps) symbolized and unwound once,
 * on the machine that has its binaries, kept as a small pytop.data. */
#include "cli.h"
#include "pytop/format/pdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char import_usage[] =
	"usage: pytop import [-o OUT] [PERF.DATA]\n"
	"\n"
	"Convert a perf.data file (perf record -g or --call-graph dwarf, with or\n"
	"without CPython's -X perf maps) into a self-contained pytop.data: names,\n"
	"unwound Python stacks and all, readable on any machine.\n"
	"\n"
	"  -i, --input FILE   the perf.data file (default perf.data)\n"
	"  -o, --output FILE  the sample file to write (default pytop.data; an\n"
	"                     existing one is kept as FILE.old)\n"
	"  -h, --help         this help\n"
	"\n"
	"example:\n"
	"  perf record --call-graph dwarf python3.12 -X perf app.py\n"
	"  pytop import perf.data -o app.data && pytop report -i app.data --stdio\n";

int cmd_import(int argc, char **argv)
{
	const char *in = NULL, *out = "pytop.data";
	struct pdata_error err = { "" };
	struct pdata *pd;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		int m;
		if ((m = cli_opt(argc, argv, &i, "-h", "--help", false, &v)) > 0) {
			fputs(import_usage, stdout);
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "-o", "--output", true, &v)) != 0 ||
			   (m = cli_opt(argc, argv, &i, "-i", "--input", true, &v)) != 0) {
			if (m < 0) {
				cli_error("import: option '%s' needs a value", a);
				return EXIT_USAGE;
			}
			if (a[1] == 'o' || !strncmp(a, "--o", 3))
				out = v;
			else
				in = v;
		} else if (a[0] == '-' && a[1]) {
			cli_error("import: unknown option '%s' (see 'pytop import --help')", a);
			return EXIT_USAGE;
		} else if (in) {
			cli_error("import: unexpected argument '%s' (one input file)", a);
			return EXIT_USAGE;
		} else {
			in = a;
		}
	}
	if (!in)
		in = "perf.data";
	pd = cli_import_perf(in);
	if (!pd)
		return EXIT_FAIL;
	if (pdata_write(pd, out, true, &err) < 0) {
		cli_error("import: cannot write %s: %s", out, err.msg);
		pdata_free(pd);
		return EXIT_FAIL;
	}
	fprintf(stderr, "[ pytop import: %zu samples, %zu threads from %s written to %s ]\n",
		pd->nsamples, pd->nthreads, in, out);
	pdata_free(pd);
	return EXIT_OK;
}
