/* query_opts: the options of a report query (sort keys, children, graph
 * mode, view, filters), parsed the same way for every command that shows a
 * profile (`pytop report`, `pytop diff`). */
#include "cli.h"
#include "pytop/model/report_opts.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cli_query_usage[] =
	"  -s, --sort KEYS         entry keys, comma list of comm,pid,tid,dso,sym\n"
	"                          (default comm,dso,sym)\n"
	"      --order ORDER       sort entries by weight (default) or by key\n"
	"      --children          Children and Self columns (default with call stacks)\n"
	"      --no-children       one Overhead column (self time only)\n"
	"  -G, --inverted          call graphs show callers instead of callees\n"
	"  -g, --call-graph MODE   graph (percent of total, default), entry (percent of\n"
	"                          the entry) or none\n"
	"      --percent-limit N   hide entries and call-graph lines under N percent\n"
	"                          (graph lines default to 0.5)\n"
	"      --max-stack N       keep the innermost N frames of each stack (the cut\n"
	"                          ones start at [truncated]; default all)\n"
	"      --hierarchy         nest the sort keys: comm -> dso -> sym\n"
	"      --python            Python view: Python functions with their own time as\n"
	"                          Self, C calls by name (default with Python frames)\n"
	"      --no-python         all frames, the interpreter's own included\n"
	"  -v, --verbose           full paths for DSOs and Python files\n"
	"      --lines             split Python functions by source line: tally (lines.py:8)\n"
	"  -n, --show-nr-samples   a Samples column (sample counts)\n"
	"      --comm LIST         keep samples of these commands\n"
	"      --pid LIST          keep samples of these process ids\n"
	"      --tid LIST          keep samples of these thread ids\n"
	"      --dso LIST          keep samples through these DSOs, show their entries\n"
	"      --symbol-filter RE  keep samples with a frame matching RE (POSIX ERE)\n"
	"      --percentage MODE   relative (of kept samples, default) or absolute\n"
	"      --metric METRIC     cpu (time on CPU, default), off-cpu (time waiting)\n"
	"                          or wall (both); off-cpu and wall need a recording\n"
	"                          with off-CPU time (the default of pytop record)\n";

int cli_opt(int argc, char **argv, int *i, const char *short_, const char *long_, bool takes,
	    const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(long_);
	if ((short_ && !strcmp(a, short_)) || !strcmp(a, long_)) {
		if (!takes)
			return 1;
		if (*i + 1 >= argc)
			return -1;
		*val = argv[++*i];
		return 1;
	}
	if (takes && !strncmp(a, long_, n) && a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	return 0;
}

static int parse_percent(const char *s, double *out)
{
	char *end;
	double v;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 100)
		return -1;
	*out = v;
	return 0;
}

int cli_query_option(const char *cmd, int argc, char **argv, int *i, struct report_opts *o,
		     int *rc)
{
	const char *a = argv[*i], *v = NULL;
	char err[512];
	int m;
#define OPT(s, l, t) ((m = cli_opt(argc, argv, i, s, l, t, &v)) < 0 ? (cli_error("%s: option '%s' needs a value", cmd, a), *rc = EXIT_USAGE, 1) : m)
	if (OPT("-s", "--sort", true)) {
		if (!*rc && report_opts_set_sort(o, v, err, sizeof(err)) < 0) {
			cli_error("%s: --sort: %s", cmd, err);
			*rc = EXIT_USAGE;
		}
	} else if (OPT(NULL, "--metric", true)) {
		int mt;
		if (*rc)
			return 1;
		mt = report_metric_parse(v);
		if (mt < 0) {
			cli_error("%s: --metric: unknown metric '%s' (use cpu, off-cpu or wall)", cmd, v);
			*rc = EXIT_USAGE;
		} else {
			o->metric = (enum report_metric)mt;
		}
	} else if (OPT(NULL, "--order", true)) {
		if (*rc)
			return 1;
		if (!strcmp(v, "weight"))
			o->order = ORDER_WEIGHT;
		else if (!strcmp(v, "key"))
			o->order = ORDER_KEY;
		else {
			cli_error("%s: --order: unknown order '%s' (use weight or key)", cmd, v);
			*rc = EXIT_USAGE;
		}
	} else if (OPT(NULL, "--children", false)) {
		o->children = CHILDREN_ON;
	} else if (OPT(NULL, "--no-children", false)) {
		o->children = CHILDREN_OFF;
	} else if (OPT("-G", "--inverted", false)) {
		o->inverted = true;
	} else if (OPT("-g", "--call-graph", true)) {
		if (*rc)
			return 1;
		if (!strcmp(v, "graph") || !strcmp(v, "total"))
			o->graph = GRAPH_TOTAL;
		else if (!strcmp(v, "entry"))
			o->graph = GRAPH_ENTRY;
		else if (!strcmp(v, "none"))
			o->graph = GRAPH_NONE;
		else {
			cli_error("%s: --call-graph: unknown mode '%s' (use graph, entry or none)", cmd, v);
			*rc = EXIT_USAGE;
		}
	} else if (OPT(NULL, "--percent-limit", true)) {
		if (!*rc && parse_percent(v, &o->percent_limit) < 0) {
			cli_error("%s: --percent-limit: '%s' is not a percentage (0 to 100)", cmd, v);
			*rc = EXIT_USAGE;
		}
		o->entry_limit = o->percent_limit;
	} else if (OPT(NULL, "--max-stack", true)) {
		char *end;
		unsigned long n;
		if (*rc)
			return 1;
		errno = 0;
		n = strtoul(v, &end, 10);
		if (errno || end == v || *end || *v == '-' || n < 1 || n > UINT32_MAX) {
			cli_error("%s: --max-stack: '%s' is not a frame count (1 or more)", cmd, v);
			*rc = EXIT_USAGE;
			return 1;
		}
		o->max_stack = (uint32_t)n;
	} else if (OPT(NULL, "--hierarchy", false)) {
		o->hierarchy = true;
	} else if (OPT(NULL, "--python", false)) {
		o->python = o->python_set = true;
	} else if (OPT(NULL, "--no-python", false)) {
		o->python = false;
		o->python_set = true;
	} else if (OPT("-v", "--verbose", false)) {
		o->verbose = true;
	} else if (OPT(NULL, "--lines", false)) {
		o->lines = true;
	} else if (OPT("-n", "--show-nr-samples", false)) {
		o->show_samples = true;
	} else if (OPT(NULL, "--comm", true) || (!*rc && OPT(NULL, "--comms", true))) {
		if (!*rc && report_filter_add_comms(&o->filter, v, err, sizeof(err)) < 0) {
			cli_error("%s: --comm: %s", cmd, err);
			*rc = EXIT_USAGE;
		}
	} else if (OPT(NULL, "--pid", true) || (!*rc && OPT(NULL, "--pids", true))) {
		if (!*rc && report_filter_add_pids(&o->filter, v, err, sizeof(err)) < 0) {
			cli_error("%s: --pid: %s", cmd, err);
			*rc = EXIT_USAGE;
		}
	} else if (OPT(NULL, "--tid", true) || (!*rc && OPT(NULL, "--tids", true))) {
		if (!*rc && report_filter_add_tids(&o->filter, v, err, sizeof(err)) < 0) {
			cli_error("%s: --tid: %s", cmd, err);
			*rc = EXIT_USAGE;
		}
	} else if (OPT(NULL, "--dso", true) || (!*rc && OPT(NULL, "--dsos", true))) {
		if (!*rc && report_filter_add_dsos(&o->filter, v, err, sizeof(err)) < 0) {
			cli_error("%s: --dso: %s", cmd, err);
			*rc = EXIT_USAGE;
		}
	} else if (OPT(NULL, "--symbol-filter", true)) {
		if (!*rc && report_filter_set_symbol(&o->filter, v, err, sizeof(err)) < 0) {
			cli_error("%s: --symbol-filter: %s", cmd, err);
			*rc = EXIT_USAGE;
		}
	} else if (OPT(NULL, "--percentage", true)) {
		if (*rc)
			return 1;
		if (!strcmp(v, "relative"))
			o->percentage = PERCENT_RELATIVE;
		else if (!strcmp(v, "absolute"))
			o->percentage = PERCENT_ABSOLUTE;
		else {
			cli_error("%s: --percentage: unknown mode '%s' (use relative or absolute)", cmd, v);
			*rc = EXIT_USAGE;
		}
	} else {
		return 0;
	}
#undef OPT
	return 1;
}
