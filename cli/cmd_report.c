/* cmd_report: `pytop report` — parse options, load the profile, print it
 * (--stdio, --folded, --format json) or browse it (TUI on a terminal). */
#include "cli.h"
#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"
#include "pytop/report/report_print.h"
#include "pytop/tui/tui.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char report_usage[] =
	"usage: pytop report [OPTIONS]\n"
	"\n"
	"Show a profile: a TUI on a terminal, perf-style text otherwise.\n"
	"\n"
	"  -i, --input FILE        sample file (default pytop.data)\n"
	"      --stdio             text output even on a terminal\n"
	"      --folded            collapsed stacks for flame graphs: comm;root;...;leaf COUNT\n"
	"      --format FMT        text (default) or json\n"
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
	"      --hierarchy         nest the sort keys: comm -> dso -> sym\n"
	"      --python            Python view: fold interpreter frames between py:: frames\n"
	"  -v, --verbose           full paths for DSOs and Python files\n"
	"  -n, --show-nr-samples   a Samples column (sample counts)\n"
	"      --comm LIST         keep samples of these commands\n"
	"      --pid LIST          keep samples of these process ids\n"
	"      --tid LIST          keep samples of these thread ids\n"
	"      --dso LIST          keep samples through these DSOs, show their entries\n"
	"      --symbol-filter RE  keep samples with a frame matching RE (POSIX ERE)\n"
	"      --percentage MODE   relative (of kept samples, default) or absolute\n"
	"  -h, --help              this help\n"
	"\n"
	"examples:\n"
	"  pytop report --stdio --python\n"
	"  pytop report --stdio --no-children --sort dso,sym\n"
	"  pytop report --stdio --hierarchy --percent-limit 1\n"
	"  pytop report --folded --python | flamegraph.pl > flame.svg\n"
	"  pytop report --format json --symbol-filter 'slow_' | python3 -m json.tool\n";

enum out_mode { OUT_AUTO, OUT_STDIO, OUT_FOLDED, OUT_JSON };

/* The TUI on a terminal; without one (or when it cannot start) the --stdio
 * text, saying so on stderr.  topt carries the hidden bench hook. */
static int run_tui(const struct profile *p, const struct report_opts *o,
		   const struct tui_options *topt, char *err, size_t len)
{
	if (topt->replay_keys || tui_available()) {
		if (tui_browse(p, o, topt, err, len) == 0)
			return 0;
		fprintf(stderr, "pytop: report: %s; printing --stdio output\n", err);
		if (topt->replay_keys)
			return 0;
	} else {
		fprintf(stderr, "pytop: report: not a terminal; printing --stdio output\n");
	}
	return report_print_stdio(stdout, p, o, err, len);
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

/* Does argv[*i] name option long_/short_?  Sets *val from "--opt=VAL" or the
 * next argument when the option takes a value; returns 1 when matched,
 * 0 when not, -1 when the value is missing. */
static int opt(int argc, char **argv, int *i, const char *short_, const char *long_,
	       bool takes, const char **val)
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

int cmd_report(int argc, char **argv)
{
	const char *path = "pytop.data";
	enum out_mode mode = OUT_AUTO;
	struct report_opts o;
	struct tui_options topt = { 0 };
	struct pdata_error perr;
	struct profile *p;
	char err[512];
	int rc = EXIT_OK;

	report_opts_init(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		int m;
#define OPT(s, l, t) ((m = opt(argc, argv, &i, s, l, t, &v)) < 0 ? (cli_error("report: option '%s' needs a value", a), rc = EXIT_USAGE, 1) : m)
		if (OPT("-h", "--help", false)) {
			fputs(report_usage, stdout);
			goto out;
		} else if (rc) {
			goto out;
		} else if (OPT("-i", "--input", true)) {
			if (!rc)
				path = v;
		} else if (OPT(NULL, "--stdio", false)) {
			mode = OUT_STDIO;
		} else if (OPT(NULL, "--folded", false)) {
			mode = OUT_FOLDED;
		} else if (OPT(NULL, "--format", true)) {
			if (rc)
				break;
			if (!strcmp(v, "json"))
				mode = OUT_JSON;
			else if (!strcmp(v, "text"))
				mode = mode == OUT_JSON ? OUT_AUTO : mode;
			else {
				cli_error("report: --format: unknown format '%s' (use text or json)", v);
				rc = EXIT_USAGE;
			}
		} else if (OPT("-s", "--sort", true)) {
			if (!rc && report_opts_set_sort(&o, v, err, sizeof(err)) < 0) {
				cli_error("report: --sort: %s", err);
				rc = EXIT_USAGE;
			}
		} else if (OPT(NULL, "--order", true)) {
			if (rc)
				break;
			if (!strcmp(v, "weight"))
				o.order = ORDER_WEIGHT;
			else if (!strcmp(v, "key"))
				o.order = ORDER_KEY;
			else {
				cli_error("report: --order: unknown order '%s' (use weight or key)", v);
				rc = EXIT_USAGE;
			}
		} else if (OPT(NULL, "--children", false)) {
			o.children = CHILDREN_ON;
		} else if (OPT(NULL, "--no-children", false)) {
			o.children = CHILDREN_OFF;
		} else if (OPT("-G", "--inverted", false)) {
			o.inverted = true;
		} else if (OPT("-g", "--call-graph", true)) {
			if (rc)
				break;
			if (!strcmp(v, "graph") || !strcmp(v, "total"))
				o.graph = GRAPH_TOTAL;
			else if (!strcmp(v, "entry"))
				o.graph = GRAPH_ENTRY;
			else if (!strcmp(v, "none"))
				o.graph = GRAPH_NONE;
			else {
				cli_error("report: --call-graph: unknown mode '%s' (use graph, entry or none)", v);
				rc = EXIT_USAGE;
			}
		} else if (OPT(NULL, "--percent-limit", true)) {
			if (!rc && parse_percent(v, &o.percent_limit) < 0) {
				cli_error("report: --percent-limit: '%s' is not a percentage (0 to 100)", v);
				rc = EXIT_USAGE;
			}
			o.entry_limit = o.percent_limit;
		} else if (OPT(NULL, "--hierarchy", false)) {
			o.hierarchy = true;
		} else if (OPT(NULL, "--python", false)) {
			o.python = true;
		} else if (OPT("-v", "--verbose", false)) {
			o.verbose = true;
		} else if (OPT("-n", "--show-nr-samples", false)) {
			o.show_samples = true;
		} else if (OPT(NULL, "--comm", true) || (!rc && OPT(NULL, "--comms", true))) {
			if (!rc && report_filter_add_comms(&o.filter, v, err, sizeof(err)) < 0) {
				cli_error("report: --comm: %s", err);
				rc = EXIT_USAGE;
			}
		} else if (OPT(NULL, "--pid", true) || (!rc && OPT(NULL, "--pids", true))) {
			if (!rc && report_filter_add_pids(&o.filter, v, err, sizeof(err)) < 0) {
				cli_error("report: --pid: %s", err);
				rc = EXIT_USAGE;
			}
		} else if (OPT(NULL, "--tid", true) || (!rc && OPT(NULL, "--tids", true))) {
			if (!rc && report_filter_add_tids(&o.filter, v, err, sizeof(err)) < 0) {
				cli_error("report: --tid: %s", err);
				rc = EXIT_USAGE;
			}
		} else if (OPT(NULL, "--dso", true) || (!rc && OPT(NULL, "--dsos", true))) {
			if (!rc && report_filter_add_dsos(&o.filter, v, err, sizeof(err)) < 0) {
				cli_error("report: --dso: %s", err);
				rc = EXIT_USAGE;
			}
		} else if (OPT(NULL, "--replay-keys", true)) {
			/* hidden bench hook: bench/tui.sh, pytop-report(1) BENCH */
			topt.replay_keys = v;
		} else if (OPT(NULL, "--replay-size", true)) {
			if (v && sscanf(v, "%dx%d", &topt.replay_cols, &topt.replay_lines) != 2) {
				cli_error("report: --replay-size: '%s' is not COLSxLINES", v);
				rc = EXIT_USAGE;
			}
		} else if (OPT(NULL, "--replay-dump", false)) {
			topt.replay_dump = true;
		} else if (OPT(NULL, "--symbol-filter", true)) {
			if (!rc && report_filter_set_symbol(&o.filter, v, err, sizeof(err)) < 0) {
				cli_error("report: --symbol-filter: %s", err);
				rc = EXIT_USAGE;
			}
		} else if (OPT(NULL, "--percentage", true)) {
			if (rc)
				break;
			if (!strcmp(v, "relative"))
				o.percentage = PERCENT_RELATIVE;
			else if (!strcmp(v, "absolute"))
				o.percentage = PERCENT_ABSOLUTE;
			else {
				cli_error("report: --percentage: unknown mode '%s' (use relative or absolute)", v);
				rc = EXIT_USAGE;
			}
		} else if (!rc) {
			if (a[0] == '-')
				cli_error("report: unknown option '%s' (see 'pytop report --help')", a);
			else
				cli_error("report: unexpected argument '%s' (use -i FILE for the input)", a);
			rc = EXIT_USAGE;
		}
#undef OPT
		if (rc)
			goto out;
	}
	if (rc)
		goto out;
	p = profile_load(path, &perr);
	if (!p) {
		cli_error("%s: %s", path, perr.msg);
		rc = EXIT_FAIL;
		goto out;
	}
	switch (mode) {
	case OUT_FOLDED:
		rc = report_print_folded(stdout, p, &o, err, sizeof(err));
		break;
	case OUT_JSON:
		rc = report_print_json(stdout, p, &o, err, sizeof(err));
		break;
	case OUT_STDIO:
		rc = report_print_stdio(stdout, p, &o, err, sizeof(err));
		break;
	case OUT_AUTO:
		rc = run_tui(p, &o, &topt, err, sizeof(err));
		break;
	}
	profile_free(p);
	if (rc < 0) {
		cli_error("report: %s", err);
		rc = EXIT_USAGE;
	} else if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_error("report: write error: %s", strerror(errno));
		rc = EXIT_FAIL;
	}
out:
	report_opts_free(&o);
	return rc;
}
