/* report_diff: printers of a diff (diff.h): perf diff's --stdio layout and
 * JSON (`pytop diff --format json`; schema in pytop-diff(1)).  Paths are
 * the two files as the user named them, for the header.  Write errors are
 * the caller's (ferror). */
#ifndef PYTOP_REPORT_DIFF_H
#define PYTOP_REPORT_DIFF_H

#include <stdio.h>

#include "pytop/model/diff.h"

void report_diff_stdio(FILE *out, const struct diff *d, const char *before_path,
		       const char *after_path);
void report_diff_json(FILE *out, const struct diff *d, const char *before_path,
		      const char *after_path);
/* The differential flame graph (diff_flame.h) as report_print_svg's
 * interactive SVG: AFTER's frames and widths, red where a frame's share
 * grew, blue where it shrank (full colour at DIFF_SVG_FULL points). */
#define DIFF_SVG_FULL 5.0
void report_diff_svg(FILE *out, const struct diff *d, const char *before_path,
		     const char *after_path);

#endif
