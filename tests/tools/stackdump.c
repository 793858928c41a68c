/* stackdump: print every sample of a pytop.data as one folded line, for
 * tests that check recorded stacks with awk/grep.
 *
 *   stackdump FILE
 *
 * Output: first the metadata the unwinding tests look at,
 *   # callchain=MODE reason=TEXT stack_bytes=N truncated=N samples=N
 * then one line per sample, root frame first:
 *   TID FLAGS WEIGHT root;...;leaf
 * FLAGS is "T" for a truncated stack, "-" otherwise.  Python frames keep
 * only "py::QUALNAME" (the ":file" part is dropped). */
#include "pytop/pdata.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct pdata_error err;
	struct pdata *pd;
	uint32_t *chain = NULL;
	size_t cap = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: stackdump FILE\n");
		return 2;
	}
	pd = pdata_read(argv[1], &err);
	if (!pd) {
		fprintf(stderr, "stackdump: %s: %s\n", argv[1], err.msg);
		return 1;
	}
	printf("# callchain=%s reason=%s stack_bytes=%" PRIu64 " truncated=%" PRIu64 " samples=%zu lost=%" PRIu64 "\n",
	       pdata_str(pd, pd->meta.callchain), pdata_str(pd, pd->meta.callchain_reason),
	       pd->meta.stack_bytes, pd->meta.truncated, pd->nsamples, pd->meta.lost);
	for (size_t i = 0; i < pd->nsamples; i++) {
		const struct pdata_sample *s = &pd->samples[i];
		size_t n = 0;
		for (uint32_t st = s->stack; st != PDATA_NONE && st < pd->nstacks; st = pd->stacks[st].parent) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				chain = realloc(chain, cap * sizeof(*chain));
				if (!chain)
					return 1;
			}
			chain[n++] = pd->stacks[st].frame;
		}
		printf("%" PRIu32 " %s %" PRIu64 " ", s->thread < pd->nthreads ? pd->threads[s->thread].tid : 0,
		       (s->flags & SAMPLE_F_TRUNCATED) ? "T" : "-", s->weight);
		while (n--) {
			const char *name = pdata_str(pd, pd->frames[chain[n]].name);
			int len = (int)strlen(name);
			if (!strncmp(name, "py::", 4)) {
				const char *colon = strchr(name + 4, ':');
				if (colon)
					len = (int)(colon - name);
			}
			printf("%.*s%s", len, name, n ? ";" : "\n");
		}
	}
	free(chain);
	pdata_free(pd);
	return 0;
}
