/* fuzz_pdata: libFuzzer target for the sample-file reader.  Any input must
 * decode or fail with a "corrupt sample file" style message: never crash,
 * leak, hang or allocate beyond the input's size.  A decoded profile is
 * walked fully; its aggregate must agree with its samples (counts, weights,
 * per-thread totals and spans); the aggregate-only decode must give the
 * same aggregate; and the profile re-encoded must decode again to the same
 * tables and aggregate. */
#include "pytop/format/pdata.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_aggregate(const struct pdata *a, const struct pdata *b)
{
	if (a->naggs != b->naggs || a->nsamples != b->nsamples ||
	    a->total_weight != b->total_weight || a->ntruncated != b->ntruncated ||
	    a->nthreads != b->nthreads)
		return 0;
	for (size_t i = 0; i < a->naggs; i++)
		if (memcmp(&a->aggs[i], &b->aggs[i], sizeof(a->aggs[i])))
			return 0;
	for (size_t t = 0; t < a->nthreads; t++)
		if (a->threads[t].nsamples != b->threads[t].nsamples ||
		    a->threads[t].weight != b->threads[t].weight ||
		    a->threads[t].first_time != b->threads[t].first_time ||
		    a->threads[t].last_time != b->threads[t].last_time)
			return 0;
	return 1;
}

/* The aggregate recomputed from the per-sample records. */
static void check_samples(const struct pdata *pd)
{
	uint64_t n = 0, w = 0, tr = 0;
	for (size_t i = 0; i < pd->naggs; i++) {
		if (!pd->aggs[i].samples)
			abort();
		n += pd->aggs[i].samples;
		w += pd->aggs[i].weight;
	}
	for (size_t i = 0; i < pd->nsamples; i++) {
		const struct pdata_sample *s = &pd->samples[i];
		const struct pdata_thread *t = &pd->threads[s->thread];
		if (s->time < t->first_time || s->time > t->last_time)
			abort();
		tr += (s->flags & SAMPLE_F_TRUNCATED) != 0;
	}
	if (n != pd->nsamples || w != pd->total_weight || tr != pd->ntruncated ||
	    pd->meta.truncated > pd->nsamples || w >= (1ULL << 63))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdata_error err;
	struct pdata *pd = pdata_decode_ex(data, size, PDATA_KEEP_SAMPLES, &err), *again, *agg;
	unsigned char *img;
	size_t len, depth = 0;

	agg = pdata_decode(data, size, &err);
	if (!pd) {
		if (!err.msg[0] || agg)
			abort();
		return 0;
	}
	if (!agg || agg->samples || !same_aggregate(pd, agg))
		abort();
	pdata_free(agg);
	check_samples(pd);
	for (size_t i = 0; i < pd->naggs; i++)
		depth += pdata_stack_depth(pd, pd->aggs[i].stack);
	for (size_t i = 0; i < pd->nframes; i++)
		depth += strlen(pdata_str(pd, pd->frames[i].name));
	(void)depth;
	pdata_encode(pd, &img, &len);
	again = pdata_decode(img, len, &err);
	if (!again || again->nstacks != pd->nstacks || !same_aggregate(pd, again))
		abort();
	pdata_free(again);
	free(img);
	pdata_free(pd);
	return 0;
}
