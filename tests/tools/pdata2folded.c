/* pdata2folded: print a pytop.data as folded stacks, one line per distinct
 * (thread, stack), for tests and quick looks:
 *
 *   pdata2folded [-t] [-k] FILE
 *
 * Lines are "COMM;root;...;leaf COUNT" (flame graph input).  With -t the
 * first field is "COMM/PID/TID"; with -k each frame is followed by its kind
 * in brackets ("main[native]").  Inlined frames get "(inlined)". */
#include "pytop/pdata.h"
#include "pytop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
	struct pdata_error err;
	struct pdata *pd;
	struct key *k;
	uint32_t *path;
	size_t n = 0;
	int with_tid = 0, with_kind = 0, i;

	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "-t"))
			with_tid = 1;
		else if (!strcmp(argv[i], "-k"))
			with_kind = 1;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: pdata2folded [-t] [-k] FILE\n");
		return 2;
	}
	pd = pdata_read(argv[argc - 1], &err);
	if (!pd) {
		fprintf(stderr, "pdata2folded: %s: %s\n", argv[argc - 1], err.msg);
		return 1;
	}
	k = xmalloc(pd->nsamples + 1, sizeof(*k));
	for (size_t s = 0; s < pd->nsamples; s++)
		k[s] = (struct key){ pd->samples[s].thread, pd->samples[s].stack, 1 };
	qsort(k, pd->nsamples, sizeof(*k), cmp_key);
	for (size_t s = 0; s < pd->nsamples; s++) {
		if (n && k[n - 1].thread == k[s].thread && k[n - 1].stack == k[s].stack)
			k[n - 1].count++;
		else
			k[n++] = k[s];
	}
	path = xmalloc(pd->nstacks + 1, sizeof(*path));
	for (size_t s = 0; s < n; s++) {
		const struct pdata_thread *t = &pd->threads[k[s].thread];
		size_t depth = 0;
		if (with_tid)
			printf("%s/%u/%u", pdata_str(pd, t->comm), t->pid, t->tid);
		else
			printf("%s", pdata_str(pd, t->comm));
		for (uint32_t st = k[s].stack; st != PDATA_NONE; st = pd->stacks[st].parent)
			path[depth++] = pd->stacks[st].frame;
		while (depth-- > 0) {
			const struct pdata_frame *f = &pd->frames[path[depth]];
			printf(";%s", pdata_str(pd, f->name));
			if (f->flags & FRAME_F_INLINED)
				printf("(inlined)");
			if (with_kind)
				printf("[%s]", frame_kind_name(f->kind));
		}
		printf(" %llu\n", (unsigned long long)k[s].count);
	}
	free(path);
	free(k);
	pdata_free(pd);
	return 0;
}
