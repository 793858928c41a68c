/* cmd_report: `pytop report` (minimal until the report model lands):
 * loads and validates a sample file and prints its totals. */
#include "cli.h"
#include "pytop/pdata.h"

#include <stdio.h>
#include <string.h>

int cmd_report(int argc, char **argv)
{
	const char *path = "pytop.data";
	struct pdata_error err;
	struct pdata *pd;

	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-i") || !strcmp(argv[i], "--input")) && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			puts("usage: pytop report [--stdio] [-i FILE]");
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--stdio"))
			continue;
		else {
			cli_error("report: unknown option '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	pd = pdata_read(path, &err);
	if (!pd) {
		cli_error("%s: %s", path, err.msg);
		return EXIT_FAIL;
	}
	printf("# samples: %zu, stacks: %zu, frames: %zu, threads: %zu\n",
	       pd->nsamples, pd->nstacks, pd->nframes, pd->nthreads);
	pdata_free(pd);
	return EXIT_OK;
}
