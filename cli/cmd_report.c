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
	"      --format FMT        text (default), json, pprof (gzip'd profile.proto for\n"
	"                          go tool pprof, Pyroscope, Parca) or speedscope\n"
	"  -o, --output FILE       write the text/export to FILE ('-': standard output)\n"
	"      --svg FILE          interactive flame graph (- for stdout); with -G an icicle of callers\n"
	"  -h, --help              this help\n"
	"\n"
	"what to show:\n";

static const char report_examples[] =
	"\n"
	"examples:\n"
	"  pytop report --stdio --python\n"
	"  pytop report --stdio --no-children --sort dso,sym\n"
	"  pytop report --stdio --hierarchy --percent-limit 1\n"
	"  pytop report --svg flame.svg --python\n"
	"  pytop report --format json --symbol-filter 'slow_' | python3 -m json.tool\n"
	"  pytop report --format pprof --python -o profile.pb.gz && go tool pprof -top profile.pb.gz\n"
	"  pytop report --format speedscope -o profile.speedscope.json\n";

enum out_mode { OUT_AUTO, OUT_STDIO, OUT_FOLDED, OUT_JSON, OUT_PPROF, OUT_SPEEDSCOPE, OUT_SVG };

/* The TUI on a terminal; without one (or when it cannot start) the --stdio
 * text, saying so on stderr.  topt carries the hidden bench hook. */
static int run_tui(const struct profile *p, const struct report_opts *o,
		   const struct tui_options *topt, char *err, size_t len)
{
	if (topt->replay_keys || tui_available()) {
		if (tui_browse(p, o, topt, err, len) == 0)
			return 0;
		cli_error("report: %s; printing --stdio output", err);
		if (topt->replay_keys)
			return 0;
	} else {
		fprintf(stderr, "pytop: report: not a terminal; printing --stdio output\n");
	}
	return report_print_stdio(stdout, p, o, err, len);
}

/* --svg FILE: written whole to FILE.tmp, then renamed, so a failed run
 * leaves no half file; "-" is stdout.  Returns like the printers; a file
 * that cannot be written is reported here (-2). */
static int write_svg(const char *path, const struct profile *p, const struct report_opts *o,
		     char *err, size_t len)
{
	char tmp[4096];
	FILE *f;
	int rc;

	if (!path || !strcmp(path, "-"))
		return report_print_svg(stdout, p, o, err, len);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		cli_error("report: --svg: path too long");
		return -2;
	}
	f = fopen(tmp, "w");
	if (!f) {
		cli_error("report: cannot write '%s': %s", tmp, strerror(errno));
		return -2;
	}
	rc = report_print_svg(f, p, o, err, len);
	if (ferror(f) | (fclose(f) != 0)) {
		cli_error("report: write error on '%s': %s", tmp, strerror(errno));
		rc = -2;
	} else if (rc == 0 && rename(tmp, path) < 0) {
		cli_error("report: cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		rc = -2;
	}
	if (rc != 0)
		unlink(tmp);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	const char *path = "pytop.data", *opath = NULL, *svg_path = NULL;
	FILE *out = stdout;
	enum out_mode mode = OUT_AUTO;
	struct report_opts o;
	struct tui_options topt = { 0 };
	struct profile *p;
	char err[512];
	int rc = EXIT_OK;

	report_opts_init(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		int m;
#define OPT(s, l, t) ((m = cli_opt(argc, argv, &i, s, l, t, &v)) < 0 ? (cli_error("report: option '%s' needs a value", a), rc = EXIT_USAGE, 1) : m)
		if (OPT("-h", "--help", false)) {
			fputs(report_usage, stdout);
			fputs(cli_query_usage, stdout);
			fputs(report_examples, stdout);
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
		} else if (OPT(NULL, "--svg", true)) {
			mode = OUT_SVG;
			svg_path = v;
		} else if (OPT(NULL, "--format", true)) {
			if (rc)
				break;
			if (!strcmp(v, "json"))
				mode = OUT_JSON;
			else if (!strcmp(v, "pprof"))
				mode = OUT_PPROF;
			else if (!strcmp(v, "speedscope"))
				mode = OUT_SPEEDSCOPE;
			else if (!strcmp(v, "text"))
				mode = mode >= OUT_JSON ? OUT_AUTO : mode;
			else {
				cli_error("report: --format: unknown format '%s' (use text, json, pprof "
					  "or speedscope)", v);
				rc = EXIT_USAGE;
			}
		} else if (OPT("-o", "--output", true)) {
			if (!rc)
				opath = v;
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
		} else if (cli_query_option("report", argc, argv, &i, &o, &rc)) {
			/* sort, children, view, filters: query_opts.c */
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
	if (opath && mode == OUT_AUTO)
		mode = OUT_STDIO; /* -o FILE: the text, never the browser */
	if (mode == OUT_PPROF && (!opath || !strcmp(opath, "-")) && isatty(STDOUT_FILENO)) {
		cli_error("report: --format pprof is gzip data, not for a terminal "
			  "(use -o FILE, or redirect: > profile.pb.gz)");
		rc = EXIT_USAGE;
		goto out;
	}
	p = cli_load_profile(path);
	if (!p) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (o.metric != METRIC_CPU && !profile_has_off_cpu(p)) {
		cli_error("report: --metric %s: %s has no off-CPU time (recorded with --no-off-cpu "
			  "or by an older pytop); use --metric cpu", report_metric_name(o.metric), path);
		profile_free(p);
		rc = EXIT_USAGE;
		goto out;
	}
	if (mode == OUT_SVG && opath) {
		cli_error("report: --svg writes to its own FILE; drop -o");
		profile_free(p);
		rc = EXIT_USAGE;
		goto out;
	}
	if (opath && strcmp(opath, "-") && !(out = fopen(opath, "w"))) {
		cli_error("report: %s: %s", opath, strerror(errno));
		profile_free(p);
		rc = EXIT_FAIL;
		goto out;
	}
	/* a Python profile opens in the Python view (the exports to other
	 * tools keep every frame unless asked) */
	if (!o.python_set && mode != OUT_PPROF && mode != OUT_SPEEDSCOPE)
		o.python = profile_has_python(p);
	switch (mode) {
	case OUT_FOLDED:
		rc = report_print_folded(out, p, &o, err, sizeof(err));
		break;
	case OUT_JSON:
		rc = report_print_json(out, p, &o, err, sizeof(err));
		break;
	case OUT_PPROF:
		rc = cli_write_pprof(out, p, &o, err, sizeof(err));
		break;
	case OUT_SPEEDSCOPE:
		rc = report_print_speedscope(out, p, &o, err, sizeof(err));
		break;
	case OUT_STDIO:
		rc = report_print_stdio(out, p, &o, err, sizeof(err));
		break;
	case OUT_SVG:
		rc = write_svg(svg_path, p, &o, err, sizeof(err));
		break;
	case OUT_AUTO:
		rc = run_tui(p, &o, &topt, err, sizeof(err));
		break;
	}
	profile_free(p);
	if (rc == -2) {
		rc = EXIT_FAIL;
	} else if (rc < 0) {
		cli_error("report: %s", err);
		rc = EXIT_USAGE;
	} else if (fflush(out) == EOF || ferror(out)) {
		if (out == stdout)
			cli_error("report: write error: %s", strerror(errno));
		else
			cli_error("report: %s: write error: %s", opath, strerror(errno));
		rc = EXIT_FAIL;
	}
	if (out != stdout && fclose(out) == EOF && rc == EXIT_OK) {
		cli_error("report: %s: write error: %s", opath, strerror(errno));
		rc = EXIT_FAIL;
	}
	if (rc && out != stdout)
		unlink(opath);
out:
	report_opts_free(&o);
	return rc;
}
