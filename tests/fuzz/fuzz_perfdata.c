/* fuzz_perfdata: libFuzzer target for the perf.data reader (the file is
 * untrusted: `pytop report -i perf.data`).  Any input must open or fail
 * with a one-line message; an opened file is walked record by record and
 * every sample decoded, never reading outside the input. */
#include "pytop/format/perfdata.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdata_error err = { "" };
	struct perfdata *pf = perfdata_open(data, size, &err);
	const struct pd_rec_header *h;
	size_t off = 0, sum = 0;
	int rc;

	if (!pf) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	for (size_t i = 0; i < perfdata_nattrs(pf); i++)
		sum += strlen(perfdata_event_name(perfdata_attr(pf, i)));
	while ((rc = perfdata_next(pf, &off, &h, &err)) == 1) {
		struct perfdata_sample s;
		if (h->type != PD_REC_SAMPLE || !perfdata_sample(pf, h, &s))
			continue;
		for (uint64_t i = 0; i < s.nr; i++)
			sum += s.chain[i * 8];
		if (s.stack && s.stack_size)
			sum += s.stack[s.stack_size - 1];
	}
	if (rc < 0 && !err.msg[0])
		abort();
	sum += strlen(perfdata_info(pf)->cmdline);
	(void)sum;
	perfdata_free(pf);
	return 0;
}
