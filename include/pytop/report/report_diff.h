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

#endif
