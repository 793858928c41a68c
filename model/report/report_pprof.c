/* report_pprof: the tables of pprof's profile.proto from one query (the
 * encoder that writes them lives in the front end: report_pprof.h). */
#include "pytop/report/report_pprof.h"

#include "pytop/base/esc.h"
#include "pytop/base/hmap.h"
#include "pytop/model/hist.h"

#include <stdlib.h>
#include <string.h>

/* Append s (escaped when it is not clean text) to the string table. */
static int64_t add_str(struct pprof_profile *pp, const char *s)
{
	xgrow(&pp->strings, &pp->cap_strings, pp->nstrings + 1, sizeof(*pp->strings));
	if (!esc_is_clean(s, 0)) {
		size_t n = esc_len(s, 0) + 1;
		char *e = arena_alloc(&pp->arena, n);
		esc_text(e, n, s, 0);
		s = e;
	}
	pp->strings[pp->nstrings] = s;
	return (int64_t)pp->nstrings++;
}

static bool is_clock(const char *event)
{
	return !strcmp(event, "cpu-clock") || !strcmp(event, "task-clock") || !*event;
}

/* The mapping of each DSO path, for build-ids: path hash -> mapping index. */
static const char *dso_build_id(const struct pdata *pd, const struct hmap *bypath,
				const char *path)
{
	uint32_t m;
	if (!hmap_get(bypath, hmap_hash_str(path), 0, &m) ||
	    strcmp(pdata_str(pd, pd->mappings[m].path), path))
		return "";
	return pdata_str(pd, pd->mappings[m].build_id);
}

/* Function fields of sym: Python frames "py::qual:/path/file.py" give name
 * qual and file /path/file.py; others their view name and no file. */
static void add_function(struct pprof_profile *pp, const struct hist *h, uint32_t sym,
			 struct pprof_function *f)
{
	const struct profile *p = hist_profile(h);
	const char *raw = profile_sym_name(p, sym, PNAME_RAW);
	const char *colon = NULL;

	if (profile_sym_kind(p, sym) == FRAME_PYTHON && !strncmp(raw, "py::", 4))
		colon = strchr(raw + 4, ':');
	if (colon && colon[1]) {
		size_t n = (size_t)(colon - (raw + 4));
		char *q = arena_strndup(&pp->arena, raw + 4, n);
		f->name = add_str(pp, q);
		f->filename = add_str(pp, colon + 1);
	} else {
		f->name = add_str(pp, hist_sym_name(h, sym));
		f->filename = 0;
	}
	f->system_name = add_str(pp, raw);
	f->start_line = 0; /* pytop.data keeps no line numbers yet */
}

static uint64_t add_mapping(struct pprof_profile *pp, const struct pdata *pd,
			    const struct hmap *bypath, const char *path)
{
	struct pprof_mapping *m = &pp->mappings[pp->nmappings++];
	m->id = pp->nmappings;
	m->filename = add_str(pp, path);
	m->build_id = add_str(pp, dso_build_id(pd, bypath, path));
	return m->id;
}

/* pprof names the profile after its first mapping: make that the program's
 * (the interpreter for Python, else the command line's first word). */
static void main_mapping(struct pprof_profile *pp, const struct profile *p,
			 const struct hmap *bypath, uint64_t *dso_map)
{
	const struct profile_info *in = profile_info(p);
	const char *prog = *in->python_path ? in->python_path : in->cmdline;
	size_t len = strcspn(prog, " ");

	for (size_t d = 0; len && d < profile_ndsos(p); d++) {
		const char *path = profile_dso_name(p, (uint32_t)d, true);
		if (!strncmp(path, prog, len) && !path[len]) {
			dso_map[d] = add_mapping(pp, profile_pdata(p), bypath, path);
			return;
		}
	}
	if (len) { /* no frame in it (the Python view folds the interpreter) */
		char *path = arena_strndup(&pp->arena, prog, len);
		add_mapping(pp, profile_pdata(p), bypath, path);
	}
}

struct pprof_profile *report_pprof_build(const struct profile *p, const struct report_opts *o,
					 char *err, size_t errlen)
{
	struct hist *h = hist_new(p, o, err, errlen);
	const struct pdata *pd = profile_pdata(p);
	const struct profile_info *in = profile_info(p);
	struct pprof_profile *pp;
	uint64_t *sym_loc, *dso_map;
	int64_t *comm_str;
	size_t nstacks, nsyms, ndsos, nids = 0;
	int64_t k_pid, k_tid, k_comm;
	struct hmap bypath;

	if (!h)
		return NULL;
	pp = xcalloc(1, sizeof(*pp));
	arena_init(&pp->arena);
	add_str(pp, "");
	pp->sample_type[0].type = add_str(pp, "samples");
	pp->sample_type[0].unit = add_str(pp, "count");
	if (is_clock(in->event)) {
		pp->sample_type[1].type = add_str(pp, "cpu");
		pp->sample_type[1].unit = add_str(pp, "nanoseconds");
	} else {
		pp->sample_type[1].type = add_str(pp, in->event);
		pp->sample_type[1].unit = add_str(pp, "count");
	}
	pp->period_type = pp->sample_type[1];
	pp->default_sample_type = pp->sample_type[1].type;
	if (in->freq && is_clock(in->event))
		pp->period = (int64_t)(1000000000ull / in->freq);
	else if (in->freq)
		pp->period = in->nsamples ? (int64_t)(in->total_weight / in->nsamples) : 0;
	else
		pp->period = (int64_t)in->period;
	pp->time_nanos = (int64_t)in->start_time;
	pp->duration_nanos = (int64_t)in->duration;
	k_pid = add_str(pp, "pid");
	k_tid = add_str(pp, "tid");
	k_comm = add_str(pp, "comm");

	nstacks = hist_nstacks(h);
	nsyms = profile_nsyms(p);
	ndsos = profile_ndsos(p);
	for (size_t i = 0; i < nstacks; i++) {
		struct hist_stack st = hist_stack(h, i);
		for (uint32_t n = st.leaf; n != HIST_NONE; n = hist_node_parent(h, n))
			nids++;
	}
	sym_loc = xcalloc(nsyms ? nsyms : 1, sizeof(*sym_loc));
	dso_map = xcalloc(ndsos ? ndsos : 1, sizeof(*dso_map));
	comm_str = xcalloc(pd->nstrings ? pd->nstrings : 1, sizeof(*comm_str));
	hmap_init(&bypath);
	for (size_t m = 0; m < pd->nmappings; m++)
		hmap_put(&bypath, hmap_hash_str(pdata_str(pd, pd->mappings[m].path)), 0, (uint32_t)m);
	pp->loc_ids = xmalloc(nids ? nids : 1, sizeof(*pp->loc_ids));
	pp->samples = xcalloc(nstacks ? nstacks : 1, sizeof(*pp->samples));
	pp->locations = xcalloc(nsyms ? nsyms : 1, sizeof(*pp->locations));
	pp->functions = xcalloc(nsyms ? nsyms : 1, sizeof(*pp->functions));
	pp->mappings = xcalloc(ndsos + 1, sizeof(*pp->mappings));
	main_mapping(pp, p, &bypath, dso_map);
	nids = 0;
	for (size_t i = 0; i < nstacks; i++) {
		struct hist_stack st = hist_stack(h, i);
		struct pprof_sample *s = &pp->samples[pp->nsamples++];
		const struct pdata_thread *t = &pd->threads[st.thread];

		s->location_ids = pp->loc_ids + nids;
		for (uint32_t n = st.leaf; n != HIST_NONE; n = hist_node_parent(h, n)) {
			uint32_t sym = hist_node_sym(h, n), dso;
			if (!sym_loc[sym]) {
				struct pprof_location *l = &pp->locations[pp->nlocations++];
				struct pprof_function *f = &pp->functions[pp->nfunctions++];
				l->id = f->id = pp->nlocations;
				l->function_id = f->id;
				add_function(pp, h, sym, f);
				dso = profile_sym_dso(p, sym);
				if (dso != PROFILE_NONE && profile_sym_kind(p, sym) != FRAME_PYTHON) {
					const char *path = profile_dso_name(p, dso, true);
					if (!dso_map[dso] && path[0] != '[')
						dso_map[dso] = add_mapping(pp, pd, &bypath, path);
					l->mapping_id = dso_map[dso];
				}
				sym_loc[sym] = l->id;
			}
			pp->loc_ids[nids++] = sym_loc[sym];
			s->nlocations++;
		}
		s->value[0] = (int64_t)st.samples;
		s->value[1] = (int64_t)st.weight;
		if (!comm_str[t->comm])
			comm_str[t->comm] = add_str(pp, pdata_str(pd, t->comm));
		s->label[0] = (struct pprof_label){ .key = k_pid, .num = t->pid };
		s->label[1] = (struct pprof_label){ .key = k_tid, .num = t->tid };
		s->label[2] = (struct pprof_label){ .key = k_comm, .str = comm_str[t->comm] };
	}
	hmap_free(&bypath);
	free(comm_str);
	free(dso_map);
	free(sym_loc);
	hist_free(h);
	return pp;
}

void report_pprof_free(struct pprof_profile *pp)
{
	if (!pp)
		return;
	free(pp->samples);
	free(pp->mappings);
	free(pp->locations);
	free(pp->functions);
	free(pp->strings);
	free(pp->loc_ids);
	arena_free(&pp->arena);
	free(pp);
}
