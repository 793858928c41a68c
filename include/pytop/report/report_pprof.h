/* report_pprof: a query as the tables of pprof's profile.proto, in plain C.
 *
 * model/ is libc only, so this module builds the profile's content (string
 * table, functions, locations, mappings, samples with labels) and a front
 * end that links protobuf-c and zlib encodes it (cli/export_pprof.c).
 * Field meanings follow profile.proto: ids start at 1 (0 = none), every
 * string is an index into strings[] and strings[0] is "".  The query's view,
 * filters and verbosity apply exactly as for the other printers, so
 * `go tool pprof -top` shows the Self/Children shares of `--stdio`. */
#ifndef PYTOP_REPORT_PPROF_H
#define PYTOP_REPORT_PPROF_H

#include <stddef.h>
#include <stdint.h>

#include "pytop/base/xalloc.h"
#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"

struct pprof_value_type {
	int64_t type, unit; /* string indexes */
};

struct pprof_label {
	int64_t key, str, num; /* str = 0 for a numeric label */
};

#define PPROF_NLABELS 3    /* pid, tid (numbers), comm (string) */
#define PPROF_NVALUES 2    /* samples/count, then the weight in its unit */

struct pprof_sample {
	const uint64_t *location_ids; /* leaf first, nlocations of them */
	size_t nlocations;
	int64_t value[PPROF_NVALUES];
	struct pprof_label label[PPROF_NLABELS];
};

struct pprof_mapping {
	uint64_t id;
	int64_t filename, build_id;
};

/* One location per symbol of the view: one Line (function, line 0 when the
 * file has no line) and the symbol's mapping. */
struct pprof_location {
	uint64_t id, mapping_id; /* mapping_id 0: none */
	uint64_t function_id;
	int64_t line;
};

struct pprof_function {
	uint64_t id;
	int64_t name, system_name, filename, start_line;
};

struct pprof_profile {
	struct pprof_value_type sample_type[PPROF_NVALUES];
	struct pprof_sample *samples;
	size_t nsamples;
	struct pprof_mapping *mappings;
	size_t nmappings;
	struct pprof_location *locations;
	size_t nlocations;
	struct pprof_function *functions;
	size_t nfunctions;
	const char **strings; /* strings[0] == ""; valid UTF-8 without controls
				 (esc_text), owned by the result or by p */
	size_t nstrings;
	int64_t time_nanos, duration_nanos;
	struct pprof_value_type period_type;
	int64_t period;
	int64_t default_sample_type; /* string index: the weight's type */
	/* private storage */
	uint64_t *loc_ids;
	size_t cap_strings;
	struct arena arena;
};

/* Build the pprof tables of query o on p.  Returns NULL with a one-line
 * reason in err for a bad option value (as hist_new).  Strings point into
 * p, which must outlive the result.  Free with report_pprof_free(). */
struct pprof_profile *report_pprof_build(const struct profile *p, const struct report_opts *o,
					 char *err, size_t errlen);
void report_pprof_free(struct pprof_profile *pp);

#endif
