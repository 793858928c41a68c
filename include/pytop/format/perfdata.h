/* perfdata: a reader of the perf.data files `perf record` writes (the
 * "PERFILE2" file format: header, event attributes, a data section of
 * perf_event records, feature sections after it).
 *
 * The file is untrusted: every size, offset and count is checked against
 * the image, and a record is handed out only when it lies inside the data
 * section.  Feature sections the reader does not know are skipped.  What it
 * cannot read gets one line in err: pipe-mode files (`perf record -o -`),
 * compressed data (`-z`), another byte order or architecture.  libc only;
 * the constants are the published perf_event ABI, spelled here (model/
 * knows nothing of <linux/perf_event.h>). */
#ifndef PYTOP_PERFDATA_H
#define PYTOP_PERFDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pytop/format/pdata.h"

/* Record types and misc bits of the ABI that the importer uses. */
enum {
	PD_REC_MMAP = 1,
	PD_REC_LOST = 2,
	PD_REC_COMM = 3,
	PD_REC_EXIT = 4,
	PD_REC_THROTTLE = 5,
	PD_REC_FORK = 7,
	PD_REC_SAMPLE = 9,
	PD_REC_MMAP2 = 10,
	PD_REC_LOST_SAMPLES = 13,
	PD_REC_USER_FIRST = 64,   /* perf's own records (skipped) */
	PD_REC_COMPRESSED = 81,
};
#define PD_MISC_CPUMODE_MASK 7u
#define PD_MISC_KERNEL 1u
#define PD_MISC_USER 2u
#define PD_CONTEXT_MAX ((uint64_t)-4095)
#define PD_CONTEXT_KERNEL ((uint64_t)-128)
#define PD_CONTEXT_USER ((uint64_t)-512)

/* sample_type bits */
enum {
	PD_S_IP = 1u << 0, PD_S_TID = 1u << 1, PD_S_TIME = 1u << 2, PD_S_ADDR = 1u << 3,
	PD_S_READ = 1u << 4, PD_S_CALLCHAIN = 1u << 5, PD_S_ID = 1u << 6, PD_S_CPU = 1u << 7,
	PD_S_PERIOD = 1u << 8, PD_S_STREAM_ID = 1u << 9, PD_S_RAW = 1u << 10,
	PD_S_BRANCH_STACK = 1u << 11, PD_S_REGS_USER = 1u << 12, PD_S_STACK_USER = 1u << 13,
	PD_S_IDENTIFIER = 1u << 16,
};

/* The header of every record (struct perf_event_header). */
struct pd_rec_header {
	uint32_t type;
	uint16_t misc;
	uint16_t size;
};

struct perfdata_attr {
	uint32_t type;
	uint64_t config;
	uint64_t sample_period; /* or frequency when freq */
	uint64_t sample_type, read_format, branch_sample_type;
	uint64_t sample_regs_user;
	uint32_t sample_stack_user;
	bool freq, sample_id_all, exclude_kernel;
	const char *name;        /* from the EVENT_DESC feature, or "" */
	const uint64_t *ids;     /* sample ids of this event (copied) */
	size_t nids;
};

/* One sample, decoded by its event's sample_type.  Pointers point into the
 * image; multi-byte arrays may be unaligned (read them with memcpy). */
struct perfdata_sample {
	uint32_t attr;            /* index of its event */
	uint16_t misc;
	uint64_t ip, time, period, id;
	uint32_t pid, tid, cpu;
	uint64_t nr;              /* callchain entries at chain */
	const unsigned char *chain;
	uint64_t abi;             /* 0: no user registers */
	const unsigned char *regs;
	uint64_t regs_mask;       /* which registers, ascending bits */
	const unsigned char *stack;
	uint64_t stack_size, dyn_size;
};

struct perfdata_build_id {
	uint32_t pid;
	char hex[41];             /* lower-case hex, up to 20 bytes */
	const char *path;
};

struct perfdata_info {
	const char *hostname, *os_release, *arch, *perf_version, *cmdline; /* "" when absent */
	uint32_t nr_cpus;
	struct perfdata_build_id *build_ids;
	size_t nbuild_ids;
	uint64_t first_time, last_time; /* SAMPLE_TIME feature, 0 when absent */
	size_t unknown_features;        /* set feature bits the reader skipped */
};

struct perfdata;

/* Reads the header, attributes and features of a perf.data image of `len`
 * bytes (the caller keeps it mapped while the perfdata lives).  Returns
 * NULL with err filled ("not a perf.data file", "pipe-mode perf.data ...",
 * "corrupt perf.data: ...").  Free with perfdata_free(). */
struct perfdata *perfdata_open(const void *image, size_t len, struct pdata_error *err);
void perfdata_free(struct perfdata *pd);

const struct perfdata_info *perfdata_info(const struct perfdata *pd);
size_t perfdata_nattrs(const struct perfdata *pd);
const struct perfdata_attr *perfdata_attr(const struct perfdata *pd, size_t i);

/* The next record of the data section at *off (start with 0).  Returns 1
 * and sets *h to an aligned copy valid until the next call (size bytes,
 * size >= 8), 0 at the end, or -1 with err filled for a record that does
 * not fit or a compressed record. */
int perfdata_next(struct perfdata *pd, size_t *off, const struct pd_rec_header **h,
		  struct pdata_error *err);

/* Decodes the SAMPLE record h (from perfdata_next).  Returns false for a
 * record too short for its event's fields or of no known event. */
bool perfdata_sample(const struct perfdata *pd, const struct pd_rec_header *h,
		     struct perfdata_sample *s);

/* The time of record h (a sample's, or the sample_id trailer's of another
 * record), or UINT64_MAX when it carries none.  perf writes per-CPU buffers
 * one after the other, so a reader sorts records by this time (perf
 * report's ordered events) before replaying them. */
uint64_t perfdata_record_time(const struct perfdata *pd, const struct pd_rec_header *h);

/* Name of an event attribute ("cpu-clock", "cycles", ... or its EVENT_DESC
 * name, modifiers cut). */
const char *perfdata_event_name(const struct perfdata_attr *a);

#endif
