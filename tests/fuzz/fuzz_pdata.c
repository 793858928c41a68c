/* fuzz_pdata: libFuzzer target for the sample-file reader.  Any input must
 * decode or fail with a "corrupt sample file" style message: never crash,
 * leak, hang or allocate beyond the input's size.  A decoded profile is
 * walked fully and re-encoded, and must decode again to the same size. */
#include "pytop/format/pdata.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdata_error err;
	struct pdata *pd = pdata_decode(data, size, &err), *again;
	unsigned char *img;
	size_t len, depth = 0;

	if (!pd) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	for (size_t i = 0; i < pd->nsamples; i++)
		depth += pdata_stack_depth(pd, pd->samples[i].stack);
	for (size_t i = 0; i < pd->nframes; i++)
		depth += strlen(pdata_str(pd, pd->frames[i].name));
	(void)depth;
	pdata_encode(pd, &img, &len);
	again = pdata_decode(img, len, &err);
	if (!again || again->nsamples != pd->nsamples || again->nstacks != pd->nstacks)
		abort();
	pdata_free(again);
	free(img);
	pdata_free(pd);
	return 0;
}
