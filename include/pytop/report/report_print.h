/* report_print: text printers of the model: perf-style --stdio, collapsed
 * stacks (--folded), JSON (--format json; schema in pytop-report(1)) and
 * speedscope's JSON (--format speedscope); the SVG flame graph (--svg).
 * Each returns 0, or -1 with a one-line reason in err (bad option value
 * such as an invalid regex); write errors are the caller's (ferror). */
#ifndef PYTOP_REPORT_PRINT_H
#define PYTOP_REPORT_PRINT_H

#include <stddef.h>
#include <stdio.h>

#include "pytop/model/callgraph.h"
#include "pytop/model/hist.h"
#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"

int report_print_stdio(FILE *out, const struct profile *p, const struct report_opts *o,
		       char *err, size_t errlen);
int report_print_folded(FILE *out, const struct profile *p, const struct report_opts *o,
			char *err, size_t errlen);
int report_print_json(FILE *out, const struct profile *p, const struct report_opts *o,
		      char *err, size_t errlen);
/* speedscope's file format: shared frames (name, file), one sampled profile
 * per thread whose weights sum to the thread's kept weight. */
int report_print_speedscope(FILE *out, const struct profile *p, const struct report_opts *o,
			    char *err, size_t errlen);
/* An interactive flame graph (flame.h) as one self-contained SVG file:
 * styles and script inline, nothing fetched; frames below 0.05% of the
 * total merged per parent.  An icicle of callers with o->inverted. */
int report_print_svg(FILE *out, const struct profile *p, const struct report_opts *o,
		     char *err, size_t errlen);

/* The colours and captions of a flame graph chosen by the caller (pytop
 * diff's differential flame graph); NULL paints frames by class. */
struct svg_paint {
	const char *title;    /* "Differential flame graph" (the command line follows) */
	const char *subtitle; /* the line under the title */
	const char *legend;   /* one line instead of the class legend */
	/* node n's fill ("#rrggbb", "" keeps the class colour) and a note for
	 * the details line shown on hover ("" for none) */
	void (*paint)(void *ctx, uint32_t node, char *fill, size_t flen, char *note, size_t nlen);
	void *ctx;
};
struct flame;
/* The SVG of flame f (its hist's query says the view and direction). */
int report_svg_flame(FILE *out, const struct flame *f, const struct svg_paint *paint);

/* Pieces, for callers that print their own way. */
/* The '#' header block, classification line included. */
void report_print_header(FILE *out, const struct hist *h);
/* One entry's call graph in perf's glyph layout, left margin `margin`.
 * Returns 0 when nothing was printed (every line under the limit). */
int report_print_callgraph(FILE *out, struct callgraph *g, int margin);

#endif
