/* pdatastacks: print the stacks of a pytop.data for tests and quick looks.
 *
 *   pdatastacks [-t] [-k] FILE          folded stacks (the default)
 *   pdatastacks --samples [-k] FILE     one line per sample, with metadata
 *
 * Folded (flame graph input): one line per distinct (thread, stack),
 *   COMM;root;...;leaf COUNT
 * With -t the first field is "COMM/PID/TID".  Inlined frames get
 * "(inlined)".
 *
 * --samples: first the metadata the unwinding tests look at,
 *   # callchain=MODE reason=TEXT stack_bytes=N truncated=N samples=N lost=N
 * then one line per sample in file order, root frame first:
 *   TID FLAGS WEIGHT root;...;leaf
 * FLAGS is "T" for a truncated stack, "-" otherwise.  Python frames keep
 * only "py::QUALNAME" (the ":file" part is dropped); no "(inlined)" marks.
 *
 * In both modes -k follows each frame with its kind in brackets
 * ("main[native]").  Only on-CPU samples are shown; with --off only the
 * off-CPU ones (waits; COUNT is then the waits' time in µs, and --samples
 * prints WEIGHT in ns and FLAGS "P" for a preempted wait). */
#include "pytop/base/xalloc.h"
#include "pytop/format/pdata.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fmt {
	bool off;      /* the off-CPU samples instead of the on-CPU ones */
	bool tid;      /* folded: COMM/PID/TID */
	bool kind;     /* NAME[KIND] */
	bool inlined;  /* NAME(inlined) */
	bool short_py; /* py::QUALNAME without ":file" */
};

/* Prints stack `st` root first, each frame preceded by ';' except the
 * first when `lead` is false.  `path` holds pd->nstacks entries. */
static void print_stack(const struct pdata *pd, uint32_t st, uint32_t *path, const struct fmt *f, bool lead)
{
	size_t depth = 0;

	for (; st != PDATA_NONE; st = pd->stacks[st].parent)
		path[depth++] = pd->stacks[st].frame;
	while (depth-- > 0) {
		const struct pdata_frame *fr = &pd->frames[path[depth]];
		const char *name = pdata_str(pd, fr->name);
		int len = (int)strlen(name);
		if (f->short_py && !strncmp(name, "py::", 4)) {
			const char *colon = strchr(name + 4, ':');
			if (colon)
				len = (int)(colon - name);
		}
		printf("%s%.*s", lead ? ";" : "", len, name);
		lead = true;
		if (f->inlined && (fr->flags & FRAME_F_INLINED))
			printf("(inlined)");
		if (f->kind)
			printf("[%s]", frame_kind_name(fr->kind));
	}
}

struct key {
	uint32_t thread, stack;
	uint64_t count;
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	return x->stack < y->stack ? -1 : x->stack > y->stack;
}

/* From the reader's aggregate: records differing only in flags merge. */
static void print_folded(const struct pdata *pd, uint32_t *path, const struct fmt *f)
{
	struct key *k = xmalloc(pd->naggs + 1, sizeof(*k));
	size_t n = 0;

	size_t nk = 0;
	for (size_t s = 0; s < pd->naggs; s++)
		if (!(pd->aggs[s].flags & SAMPLE_F_OFF_CPU) == !f->off)
			k[nk++] = (struct key){ pd->aggs[s].thread, pd->aggs[s].stack,
						f->off ? (pd->aggs[s].weight + 500) / 1000
						       : pd->aggs[s].samples };
	qsort(k, nk, sizeof(*k), cmp_key);
	for (size_t s = 0; s < nk; s++) {
		if (n && k[n - 1].thread == k[s].thread && k[n - 1].stack == k[s].stack)
			k[n - 1].count += k[s].count;
		else
			k[n++] = k[s];
	}
	for (size_t s = 0; s < n; s++) {
		const struct pdata_thread *t = &pd->threads[k[s].thread];
		printf("%s", pdata_str(pd, t->comm));
		if (f->tid)
			printf("/%u/%u", t->pid, t->tid);
		print_stack(pd, k[s].stack, path, f, true);
		printf(" %llu\n", (unsigned long long)k[s].count);
	}
	free(k);
}

static void print_samples(const struct pdata *pd, uint32_t *path, const struct fmt *f)
{
	printf("# callchain=%s reason=%s stack_bytes=%" PRIu64 " truncated=%" PRIu64 " samples=%zu lost=%" PRIu64 "\n",
	       pdata_str(pd, pd->meta.callchain), pdata_str(pd, pd->meta.callchain_reason),
	       pd->meta.stack_bytes, pd->meta.truncated,
	       (size_t)(f->off ? pd->off_nsamples : pd->nsamples - pd->off_nsamples), pd->meta.lost);
	for (size_t i = 0; i < pd->nsamples; i++) {
		const struct pdata_sample *s = &pd->samples[i];
		if (!(s->flags & SAMPLE_F_OFF_CPU) != !f->off)
			continue;
		printf("%" PRIu32 " %s%s %" PRIu64 " ", pd->threads[s->thread].tid,
		       (s->flags & SAMPLE_F_TRUNCATED) ? "T" : "-",
		       (s->flags & SAMPLE_F_PREEMPTED) ? "P" : "", s->weight);
		print_stack(pd, s->stack, path, f, false);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	struct fmt f = { .inlined = true };
	bool samples = false;
	struct pdata_error err;
	struct pdata *pd;
	uint32_t *path;
	int i;

	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "-t"))
			f.tid = true;
		else if (!strcmp(argv[i], "-k"))
			f.kind = true;
		else if (!strcmp(argv[i], "--off"))
			f.off = true;
		else if (!strcmp(argv[i], "--samples"))
			samples = true;
		else
			break;
	}
	if (i != argc - 1 || (samples && f.tid)) {
		fprintf(stderr, "usage: pdatastacks [--off] [-t] [-k] FILE\n"
				"       pdatastacks --samples [--off] [-k] FILE\n");
		return 2;
	}
	pd = pdata_read_ex(argv[i], samples ? PDATA_KEEP_SAMPLES : 0, &err);
	if (!pd) {
		fprintf(stderr, "pdatastacks: %s: %s\n", argv[i], err.msg);
		return 1;
	}
	path = xmalloc(pd->nstacks + 1, sizeof(*path));
	if (samples) {
		f.inlined = false;
		f.short_py = true;
		print_samples(pd, path, &f);
	} else {
		print_folded(pd, path, &f);
	}
	free(path);
	pdata_free(pd);
	return 0;
}
