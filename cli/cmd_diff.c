/* cmd_diff: `pytop diff BEFORE AFTER` — parse options, load both profiles,
 * compare them (model/diff.c) and print the comparison (--stdio, --format
 * json) or browse it (TUI on a terminal). */
#include "cli.h"
#include "pytop/model/diff.h"
#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"
#include "pytop/report/report_diff.h"
#include "pytop/tui/tui.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char diff_usage[] =
	"usage: pytop diff [OPTIONS] BEFORE.data AFTER.data\n"
	"\n"
	"Compare two profiles entry by entry: did the bottleneck move?  Baseline is\n"
	"an entry's share of BEFORE, Delta the change of its share in percentage\n"
	"points (AFTER - BEFORE); entries in one run only show new or gone.  Python\n"
	"functions match by qualname and file, native symbols by name and library.\n"
	"A TUI on a terminal, perf diff-style text otherwise.\n"
	"\n"
	"      --stdio             text output even on a terminal\n"
	"      --format FMT        text (default) or json\n"
	"      --svg FILE          differential flame graph (- for stdout): AFTER's\n"
	"                          widths, red where a frame grew, blue where it shrank\n"
	"      --ratio             a Ratio column: AFTER / BEFORE of the shares\n"
	"      --absolute          with --ratio: of the raw weights instead\n"
	"  -h, --help              this help\n"
	"\n"
	"what to compare (as pytop report; default --python --sort sym --no-children):\n";

static const char diff_examples[] =
	"\n"
	"examples:\n"
	"  pytop diff before.data after.data\n"
	"  pytop diff --stdio --ratio --sort dso,sym before.data after.data\n"
	"  pytop diff --format json --percent-limit 1 before.data after.data\n"
	"  pytop diff --svg diff.svg --children before.data after.data\n";

enum out_mode { OUT_AUTO, OUT_STDIO, OUT_JSON, OUT_SVG };

/* --svg FILE: written whole to FILE.tmp, then renamed, so a failed run
 * never leaves half a file; "-" writes to stdout.  Returns an exit status. */
static int write_svg(const char *path, const struct diff *d, const char *paths[2])
{
	char tmp[4096];
	FILE *f;
	int rc = EXIT_OK;

	if (!strcmp(path, "-")) {
		report_diff_svg(stdout, d, paths[0], paths[1]);
		return EXIT_OK;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		cli_error("diff: --svg: path too long");
		return EXIT_USAGE;
	}
	f = fopen(tmp, "w");
	if (!f) {
		cli_error("diff: cannot write '%s': %s", tmp, strerror(errno));
		return EXIT_FAIL;
	}
	report_diff_svg(f, d, paths[0], paths[1]);
	if (ferror(f) | (fclose(f) != 0)) {
		cli_error("diff: write error on '%s': %s", tmp, strerror(errno));
		rc = EXIT_FAIL;
	} else if (rename(tmp, path) < 0) {
		cli_error("diff: cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		rc = EXIT_FAIL;
	}
	if (rc != EXIT_OK)
		unlink(tmp);
	return rc;
}

static int run_tui(const struct diff *d, const char *paths[2])
{
	char err[512];
	if (tui_available()) {
		if (tui_browse_diff(diff_profile(d, DIFF_BEFORE), diff_profile(d, DIFF_AFTER),
				    diff_report_opts(d), diff_opts(d), paths, err, sizeof(err)) == 0)
			return 0;
		fprintf(stderr, "pytop: diff: %s; printing --stdio output\n", err);
	} else {
		fprintf(stderr, "pytop: diff: not a terminal; printing --stdio output\n");
	}
	report_diff_stdio(stdout, d, paths[0], paths[1]);
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	const char *paths[2] = { NULL, NULL }, *svg_path = NULL;
	size_t npaths = 0;
	enum out_mode mode = OUT_AUTO;
	struct report_opts o;
	struct diff_opts dopts = { 0 };
	struct profile *p[2] = { NULL, NULL };
	struct diff *d = NULL;
	char err[512];
	int rc = EXIT_OK;

	report_opts_init(&o);
	o.python = true;
	o.children = CHILDREN_OFF;
	report_opts_set_sort(&o, "sym", err, sizeof(err));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		int m;
#define OPT(s, l, t) ((m = cli_opt(argc, argv, &i, s, l, t, &v)) < 0 ? (cli_error("diff: option '%s' needs a value", a), rc = EXIT_USAGE, 1) : m)
		if (OPT("-h", "--help", false)) {
			fputs(diff_usage, stdout);
			fputs(cli_query_usage, stdout);
			fputs(diff_examples, stdout);
			goto out;
		} else if (rc) {
			goto out;
		} else if (OPT(NULL, "--stdio", false)) {
			mode = OUT_STDIO;
		} else if (OPT(NULL, "--format", true)) {
			if (rc)
				break;
			if (!strcmp(v, "json"))
				mode = OUT_JSON;
			else if (!strcmp(v, "text"))
				mode = mode == OUT_JSON ? OUT_AUTO : mode;
			else {
				cli_error("diff: --format: unknown format '%s' (use text or json)", v);
				rc = EXIT_USAGE;
			}
		} else if (OPT(NULL, "--svg", true)) {
			mode = OUT_SVG;
			svg_path = v;
		} else if (OPT(NULL, "--ratio", false)) {
			dopts.ratio = true;
		} else if (OPT(NULL, "--absolute", false)) {
			dopts.absolute = true;
		} else if (cli_query_option("diff", argc, argv, &i, &o, &rc)) {
			/* sort, children, view, filters: query_opts.c */
		} else if (!rc) {
			if (a[0] == '-' && a[1]) {
				cli_error("diff: unknown option '%s' (see 'pytop diff --help')", a);
				rc = EXIT_USAGE;
			} else if (npaths == 2) {
				cli_error("diff: unexpected argument '%s' (give BEFORE and AFTER only)", a);
				rc = EXIT_USAGE;
			} else {
				paths[npaths++] = a;
			}
		}
#undef OPT
		if (rc)
			goto out;
	}
	if (npaths != 2) {
		cli_error("diff: give two profiles: pytop diff BEFORE.data AFTER.data");
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.hierarchy) {
		cli_error("diff: --hierarchy: not supported by diff (compare with --sort instead)");
		rc = EXIT_USAGE;
		goto out;
	}
	if (dopts.absolute && !dopts.ratio) {
		cli_error("diff: --absolute: only with --ratio (deltas are always of shares)");
		rc = EXIT_USAGE;
		goto out;
	}
	for (int s = 0; s < 2; s++)
		if (!(p[s] = cli_load_profile(paths[s]))) {
			rc = EXIT_FAIL;
			goto out;
		}
	d = diff_new(p[0], p[1], &o, &dopts, err, sizeof(err));
	if (!d) {
		cli_error("diff: %s", err);
		rc = EXIT_USAGE;
		goto out;
	}
	switch (mode) {
	case OUT_JSON:
		report_diff_json(stdout, d, paths[0], paths[1]);
		break;
	case OUT_STDIO:
		report_diff_stdio(stdout, d, paths[0], paths[1]);
		break;
	case OUT_SVG:
		rc = write_svg(svg_path, d, paths);
		break;
	case OUT_AUTO:
		rc = run_tui(d, paths);
		break;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_error("diff: write error: %s", strerror(errno));
		rc = EXIT_FAIL;
	}
out:
	diff_free(d);
	profile_free(p[0]);
	profile_free(p[1]);
	report_opts_free(&o);
	return rc;
}
