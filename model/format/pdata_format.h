/* pdata_format: constants of the on-disk layout, shared by the encoder and
 * the decoder only (private to model/).  See man/pytop-data.5. */
#ifndef PYTOP_PDATA_FORMAT_H
#define PYTOP_PDATA_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "pytop/format/pdata.h"

#define PDATA_MAGIC "PYTOPDAT"
#define PDATA_BOM 0x01020304u
#define PDATA_HEADER_SIZE 16
#define PDATA_SECTION_HEADER_SIZE 16

enum pdata_section {
	SEC_STRINGS = 1,
	SEC_MAPPINGS = 2,
	SEC_FRAMES = 3,
	SEC_STACKS = 4,
	SEC_THREADS = 5,
	SEC_SAMPLES = 6,
	SEC_META = 7,
	/* 1.1, after the metadata, each at most once, only when not empty: */
	SEC_OFFCPU = 8, /* off-CPU samples: the sample records, OFF_SHIFT */
	SEC_SPANS = 9,  /* thread spans */
	SEC_LINES = 10, /* 1.2: frame lines, after the metadata, at most once */
	SEC_END = 0xff,
};

/* Sample record: varint (stack + 1) << SAMPLE_SHIFT | bits, then the thread
 * (varint) and the weight delta (svarint) when their bits say they changed,
 * then the time as an svarint residual from its prediction (see
 * enc_samples() in pdata_write.c). */
enum {
	SAMPLE_BIT_TRUNCATED = 1,
	SAMPLE_BIT_THREAD = 2,
	SAMPLE_BIT_WEIGHT = 4,
	SAMPLE_SHIFT = 3,
	/* off-CPU records: the same with one more bit */
	OFF_BIT_PREEMPTED = 8,
	OFF_SHIFT = 4,
};

enum meta_type { META_STR = 0, META_U64 = 1, META_I64 = 2 };

struct meta_field {
	uint32_t tag;
	enum meta_type type;
	size_t offset; /* in struct pdata_meta */
	const char *name;
	int optional; /* written only when not zero (1.1 fields) */
};

/* pdata_agg_sample() for n samples, faster (see pdata.c). */
#define PDATA_AGG_BATCH 64
void pdata_agg_samples(struct pdata *pd, const struct pdata_sample *s, size_t n);

extern const struct meta_field pdata_meta_fields[];
extern const size_t pdata_meta_nfields;

#endif
