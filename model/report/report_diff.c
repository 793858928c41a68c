/* report_diff: `pytop diff --stdio` (perf diff's columns under a '#'
 * header saying what was compared) and `pytop diff --format json`. */
#include "pytop/report/report_diff.h"

#include "pytop/base/esc.h"
#include "pytop/model/diff_flame.h"
#include "pytop/report/report_print.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- stdio ---- */

static void side_header(FILE *out, const struct diff *d, enum diff_side side, const char *path)
{
	const struct profile_info *in = profile_info(diff_profile(d, side));
	const struct hist *h = diff_hist(d, side);

	fprintf(out, "# %s: ", side == DIFF_BEFORE ? "Before" : "After ");
	esc_fputs(out, path, 0);
	fputc('\n', out);
	if (*in->cmdline) {
		fputs("#   Command line: ", out);
		esc_fputs(out, in->cmdline, 0);
		fputc('\n', out);
	}
	fprintf(out, "#   Samples: %" PRIu64 " of event '", in->nsamples);
	esc_fputs(out, *in->event ? in->event : "unknown", 0);
	fputc('\'', out);
	if (in->freq)
		fprintf(out, " (%" PRIu64 " Hz)", in->freq);
	fprintf(out, ", duration %.2f s", (double)in->duration / 1e9);
	if (report_filter_active(&diff_report_opts(d)->filter))
		fprintf(out, ", kept %" PRIu64 " (%.2f%%)", hist_kept_samples(h),
			in->nsamples ? 100.0 * (double)hist_kept_samples(h) / (double)in->nsamples : 0.0);
	fputc('\n', out);
}

/* Cells padded to the column's width in display bytes of the escaped text:
 * numbers right-aligned, keys left-aligned, the last one unpadded. */
static void print_cell(FILE *out, const char *text, int width, bool right, bool last)
{
	int len = (int)esc_len(text, 0);
	if (right)
		fprintf(out, "%*s", width > len ? width - len : 0, "");
	esc_fputs(out, text, 0);
	if (!right && !last)
		fprintf(out, "%*s", width > len ? width - len : 0, "");
}

/* The diff's own columns are numbers (right-aligned); keys are text. */
static bool numeric(enum diff_col c)
{
	return c == DCOL_BASELINE || c == DCOL_DELTA || c == DCOL_RATIO;
}

void report_diff_stdio(FILE *out, const struct diff *d, const char *before_path,
		       const char *after_path)
{
	enum diff_col cols[DCOL_COUNT];
	size_t ncols = diff_columns(d, cols), n = diff_nentries(d);
	int width[DCOL_COUNT];
	char buf[1024];
	const char *note;

	fputs("# pytop diff\n#\n", out);
	side_header(out, d, DIFF_BEFORE, before_path);
	side_header(out, d, DIFF_AFTER, after_path);
	if (diff_report_opts(d)->python)
		fputs("# View: Python (interpreter frames folded)\n", out);
	/* both can quote names from the profiles (top entries, events) */
	fputs("# Classes: ", out);
	esc_fputs(out, diff_classes_line(d, buf, sizeof(buf)), 0);
	fputc('\n', out);
	for (size_t i = 0; (note = diff_note(d, i)); i++) {
		fputs("# Note: ", out);
		esc_fputs(out, note, 0);
		fputc('\n', out);
	}
	fprintf(out, "# Baseline: share of BEFORE; Delta: AFTER - BEFORE in points%s\n#\n",
		diff_opts(d)->ratio ? (diff_opts(d)->absolute ? "; Ratio: AFTER / BEFORE weights"
							      : "; Ratio: AFTER / BEFORE shares")
				    : "");

	for (size_t c = 0; c < ncols; c++) {
		width[c] = (int)strlen(diff_col_title(d, cols[c]));
		for (size_t i = 0; i < n; i++) {
			int w = (int)esc_len(diff_cell(d, i, cols[c], buf, sizeof(buf)), 0);
			if (w > width[c])
				width[c] = w;
		}
	}
	fputs("#", out);
	for (size_t c = 0; c < ncols; c++) {
		fputs(c ? "  " : " ", out);
		print_cell(out, diff_col_title(d, cols[c]), width[c], numeric(cols[c]),
			   c + 1 == ncols);
	}
	fputs("\n#", out);
	for (size_t c = 0; c < ncols; c++) {
		fputs(c ? "  " : " ", out);
		for (int k = 0; k < width[c]; k++)
			fputc('.', out);
	}
	fputs("\n#\n", out);
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < ncols; c++) {
			fputs(c ? "  " : "  ", out);
			print_cell(out, diff_cell(d, i, cols[c], buf, sizeof(buf)), width[c],
				   numeric(cols[c]), c + 1 == ncols);
		}
		fputc('\n', out);
	}
	if (!n)
		fputs("# no entries\n", out);
}

/* ---- JSON ---- */

static void json_side(FILE *out, const struct diff *d, enum diff_side side, const char *path)
{
	const struct profile_info *in = profile_info(diff_profile(d, side));
	const struct hist *h = diff_hist(d, side);

	fputs("{\"file\": ", out);
	esc_json(out, path);
	fputs(", \"cmdline\": ", out);
	esc_json(out, in->cmdline);
	fputs(", \"event\": ", out);
	esc_json(out, in->event);
	fprintf(out, ", \"freq\": %" PRIu64 ", \"samples\": %" PRIu64 ", \"weight\": %" PRIu64
		", \"kept_samples\": %" PRIu64 ", \"total_weight\": %" PRIu64
		", \"duration_ns\": %" PRIu64 ", \"biggest_class\": ",
		in->freq, in->nsamples, in->total_weight, hist_kept_samples(h), hist_total_weight(h),
		in->duration);
	esc_json(out, diff_biggest_class(d, side));
	fputc('}', out);
}

static const char *const state_names[] = { "both", "new", "gone" };
static const char *const kind_names[FRAME_KIND_COUNT] = {
	[FRAME_UNKNOWN] = "unknown", [FRAME_PYTHON] = "python", [FRAME_INTERPRETER] = "interpreter",
	[FRAME_NATIVE] = "native", [FRAME_KERNEL] = "kernel",
};
static const char *const key_names[] = { "comm", "pid", "tid", "dso", "sym" };

void report_diff_json(FILE *out, const struct diff *d, const char *before_path,
		      const char *after_path)
{
	const struct report_opts *o = diff_report_opts(d);
	struct diff_class cls[8];
	size_t ncls = diff_classes(d, cls, 8);
	char buf[1024];
	const char *note;

	fputs("{\"pytop_diff\": 1,\n \"before\": ", out);
	json_side(out, d, DIFF_BEFORE, before_path);
	fputs(",\n \"after\": ", out);
	json_side(out, d, DIFF_AFTER, after_path);
	fprintf(out, ",\n \"view\": \"%s\", \"weight\": \"%s\", \"ratio\": \"%s\",\n \"keys\": [",
		o->python ? "python" : "all", o->children == CHILDREN_ON ? "children" : "self",
		!diff_opts(d)->ratio ? "none" : diff_opts(d)->absolute ? "weights" : "shares");
	for (size_t k = 0; k < o->nkeys; k++)
		fprintf(out, "%s\"%s\"", k ? ", " : "", key_names[o->keys[k]]);
	fputs("],\n \"classes\": [", out);
	for (size_t i = 0; i < ncls; i++)
		fprintf(out, "%s{\"class\": \"%s\", \"before\": %.4f, \"after\": %.4f}", i ? ", " : "",
			cls[i].name, cls[i].share[0], cls[i].share[1]);
	fputs("],\n \"notes\": [", out);
	for (size_t i = 0; (note = diff_note(d, i)); i++) {
		fputs(i ? ", " : "", out);
		esc_json(out, note);
	}
	fputs("],\n \"entries\": [", out);
	for (size_t i = 0; i < diff_nentries(d); i++) {
		const struct diff_entry *e = diff_entry(d, i);
		fprintf(out, "%s\n  {", i ? "," : "");
		for (size_t k = 0; k < o->nkeys; k++) {
			enum diff_col c = (enum diff_col)(DCOL_COMM + o->keys[k]);
			const char *text = diff_cell(d, i, c, buf, sizeof(buf));
			fprintf(out, "\"%s\": ", key_names[o->keys[k]]);
			if (c == DCOL_SYM && strlen(text) > 4 && text[0] == '[')
				text += 4; /* "[.] " is the text layout's */
			esc_json(out, text);
			fputs(", ", out);
		}
		if (o->keys[o->nkeys - 1] == SORT_SYM) {
			enum diff_side side = e->row[1] != HIST_NONE ? DIFF_AFTER : DIFF_BEFORE;
			const struct hist_row *r = hist_row(diff_hist(d, side), e->row[side]);
			fprintf(out, "\"kind\": \"%s\", ",
				r && r->kind < FRAME_KIND_COUNT ? kind_names[r->kind] : "unknown");
		}
		fprintf(out, "\"state\": \"%s\", \"baseline\": %.4f, \"after\": %.4f, \"delta\": %.4f, "
			"\"weight_before\": %" PRIu64 ", \"weight_after\": %" PRIu64,
			state_names[e->state], e->share[0], e->share[1], e->delta, e->weight[0],
			e->weight[1]);
		if (e->has_ratio)
			fprintf(out, ", \"ratio\": %.6f", e->ratio);
		fputc('}', out);
	}
	fputs("\n ]}\n", out);
}

/* ---- differential flame graph ---- */

/* Growth red, shrink blue, the more the change the deeper (linear up to
 * DIFF_SVG_FULL points); no change light grey, as FlameGraph's
 * difffolded colours. */
static void diff_paint(void *ctx, uint32_t node, char *fill, size_t flen, char *note, size_t nlen)
{
	struct diff_flame *df = ctx;
	double dl = diff_flame_delta(df, node), k = fabs(dl) / DIFF_SVG_FULL;
	int c;

	if (k > 1)
		k = 1;
	c = (int)(225.0 - 185.0 * k);
	if (fabs(dl) < 0.005)
		snprintf(fill, flen, "#e1e1e1");
	else if (dl > 0)
		snprintf(fill, flen, "#ff%02x%02x", c, c);
	else
		snprintf(fill, flen, "#%02x%02xff", c, c);
	if (diff_flame_is_new(df, node))
		snprintf(note, nlen, "new in AFTER (%+.2f points)", dl);
	else
		snprintf(note, nlen, "%s%.2f points against BEFORE", fabs(dl) < 0.005 ? "" : dl > 0 ? "+" : "",
			 fabs(dl) < 0.005 ? 0.0 : dl);
}

void report_diff_svg(FILE *out, const struct diff *d, const char *before_path,
		     const char *after_path)
{
	struct diff_flame *df = diff_flame_new(d);
	char sub[1024], legend[256];
	const struct report_opts *o = diff_report_opts(d);
	struct svg_paint paint = {
		.title = "Differential flame graph",
		.subtitle = sub,
		.legend = legend,
		.paint = diff_paint,
		.ctx = df,
	};

	snprintf(sub, sizeof(sub), "%s -> %s: widths of AFTER (%" PRIu64 " samples), %s view",
		 before_path, after_path, hist_kept_samples(diff_hist(d, DIFF_AFTER)),
		 o->python ? "Python" : "all frames");
	snprintf(legend, sizeof(legend),
		 "colour: the frame's change of share, red grew, blue shrank (full at %.0f points), grey unchanged",
		 DIFF_SVG_FULL);
	report_svg_flame(out, diff_flame_after(df), &paint);
	diff_flame_free(df);
}
