/* report_speedscope: speedscope's file format (file-format-schema.json of
 * the speedscope package): shared frames, one "sampled" profile per thread
 * whose samples are the query's unique stacks, root first, weighted. */
#include "pytop/report/report_print.h"

#include "pytop/base/esc.h"
#include "pytop/base/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct srec {
	uint32_t thread;
	uint32_t leaf;
	uint64_t weight;
};

static int srec_cmp(const void *a, const void *b)
{
	const struct srec *x = a, *y = b;
	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	return x->leaf < y->leaf ? -1 : x->leaf > y->leaf;
}

/* One shared frame: Python frames "py::qual:/path/file.py" give name qual
 * and file; others their view name (and their DSO as the file). */
static void put_frame(FILE *out, const struct hist *h, uint32_t sym)
{
	const struct profile *p = hist_profile(h);
	const char *raw = profile_sym_name(p, sym, PNAME_RAW);
	const char *colon = NULL;
	uint32_t dso = profile_sym_dso(p, sym);

	if (profile_sym_kind(p, sym) == FRAME_PYTHON && !strncmp(raw, "py::", 4))
		colon = strchr(raw + 4, ':');
	fputs("{\"name\": ", out);
	if (colon && colon[1]) {
		size_t n = (size_t)(colon - (raw + 4));
		char *q = xmalloc(n + 1, 1);
		memcpy(q, raw + 4, n);
		q[n] = '\0';
		esc_json(out, q);
		free(q);
		fputs(", \"file\": ", out);
		esc_json(out, colon + 1);
	} else {
		esc_json(out, hist_sym_name(h, sym));
		if (dso != PROFILE_NONE && profile_dso_name(p, dso, true)[0] != '[') {
			fputs(", \"file\": ", out);
			esc_json(out, profile_dso_name(p, dso, true));
		}
	}
	fputc('}', out);
}

int report_print_speedscope(FILE *out, const struct profile *p, const struct report_opts *o,
			    char *err, size_t errlen)
{
	struct hist *h = hist_new(p, o, err, errlen);
	const struct pdata *pd = profile_pdata(p);
	const struct profile_info *in;
	struct srec *r;
	uint32_t *frame_of, *path = NULL;
	size_t n, nsyms, nframes = 0, cap_path = 0;
	const char *unit;

	if (!h)
		return -1;
	in = profile_info(p);
	unit = !strcmp(in->event, "cpu-clock") || !strcmp(in->event, "task-clock") || !*in->event
		       ? "nanoseconds" : "none";
	n = hist_nstacks(h);
	r = xmalloc(n ? n : 1, sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		struct hist_stack st = hist_stack(h, i);
		r[i] = (struct srec){ .thread = st.thread, .leaf = st.leaf, .weight = st.weight };
	}
	if (n > 1)
		qsort(r, n, sizeof(*r), srec_cmp);
	/* shared frames: the symbols the kept stacks use, numbered on first use */
	nsyms = profile_nsyms(p);
	frame_of = xmalloc(nsyms ? nsyms : 1, sizeof(*frame_of));
	for (size_t k = 0; k < nsyms; k++)
		frame_of[k] = UINT32_MAX;
	fputs("{\"$schema\": \"https://www.speedscope.app/file-format-schema.json\",\n"
	      " \"exporter\": \"pytop " PYTOP_VERSION "\",\n \"name\": ", out);
	esc_json(out, *in->cmdline ? in->cmdline : "pytop");
	fputs(",\n \"activeProfileIndex\": 0,\n \"shared\": {\"frames\": [", out);
	for (size_t i = 0; i < n; i++)
		for (uint32_t nd = r[i].leaf; nd != HIST_NONE; nd = hist_node_parent(h, nd)) {
			uint32_t sym = hist_node_sym(h, nd);
			if (frame_of[sym] != UINT32_MAX)
				continue;
			frame_of[sym] = (uint32_t)nframes;
			fputs(nframes++ ? ",\n  " : "\n  ", out);
			put_frame(out, h, sym);
		}
	fputs("]},\n \"profiles\": [", out);
	for (size_t i = 0, np = 0; i < n; np++) {
		size_t j = i;
		uint64_t total = 0;
		const struct pdata_thread *t = &pd->threads[r[i].thread];

		while (j < n && r[j].thread == r[i].thread)
			total += r[j++].weight;
		fputs(np ? ",\n  {" : "\n  {", out);
		fputs("\"type\": \"sampled\", \"name\": ", out);
		{
			const char *comm = pdata_str(pd, t->comm);
			size_t len = strlen(comm) + 48;
			char *name = xmalloc(len, 1);
			snprintf(name, len, "%s (pid %u, tid %u)", comm, t->pid, t->tid);
			esc_json(out, name);
			free(name);
		}
		fprintf(out, ", \"unit\": \"%s\", \"startValue\": 0, \"endValue\": %" PRIu64
			",\n   \"samples\": [", unit, total);
		for (size_t k = i; k < j; k++) {
			size_t depth = 0;
			for (uint32_t nd = r[k].leaf; nd != HIST_NONE; nd = hist_node_parent(h, nd)) {
				xgrow(&path, &cap_path, depth + 1, sizeof(*path));
				path[depth++] = frame_of[hist_node_sym(h, nd)];
			}
			fputs(k > i ? ", [" : "[", out);
			while (depth--)
				fprintf(out, "%u%s", path[depth], depth ? ", " : "");
			fputc(']', out);
		}
		fputs("],\n   \"weights\": [", out);
		for (size_t k = i; k < j; k++)
			fprintf(out, "%s%" PRIu64, k > i ? ", " : "", r[k].weight);
		fputs("]}", out);
		i = j;
	}
	fputs("]}\n", out);
	free(path);
	free(frame_of);
	free(r);
	hist_free(h);
	return 0;
}
