/* spill: the recording's samples, kept out of memory while recording.
 *
 * Every sample goes to an unnamed temporary file (O_TMPFILE, or a name
 * unlinked at once), so nothing is left behind whatever ends pytop, through
 * a bounded buffer; the final writer reads them back in order.  When the
 * file cannot be created or written (a full disk), the samples from then
 * on stay in memory and the run is not lost.  Private to record/. */
#ifndef PYTOP_RECORD_SPILL_H
#define PYTOP_RECORD_SPILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pytop/format/codec.h"

#define SPILL_BUFFER (64u << 10) /* bytes gathered before a write */

/* One sample as the loop saw it: the thread is a pdata thread, the stack a
 * raw node of struct rec (or PDATA_NONE). */
struct spill_rec {
	uint64_t time, weight;
	uint32_t thread, stack;
	uint8_t flags;
};

struct spill {
	int fd;            /* the temporary file, -1 when there is none */
	int err;           /* errno of the first failure, 0 */
	uint64_t file_len; /* bytes of whole records in the file */
	uint64_t count;    /* samples put */
	uint64_t prev_time;
	struct buf pending; /* records not in the file: bounded unless the file failed */
	/* reading back */
	unsigned char *rbuf;
	size_t rlen, rpos, mpos;
	uint64_t roff, rprev_time;
};

/* Starts an empty spill in the first of `dirs` (NULL-terminated; NULL
 * entries are skipped) where an unnamed file can be made.  Without any, the
 * samples stay in memory and s->err says why. */
void spill_open(struct spill *s, const char *const *dirs, size_t ndirs);
/* Frees the buffers and closes (so removes) the file. */
void spill_close(struct spill *s);

/* Appends one sample.  Returns false once, when the file has just failed
 * (the samples are kept in memory from then on: tell the user). */
bool spill_put(struct spill *s, const struct spill_rec *r);

/* Restarts reading at the first sample (flushing what is pending first).
 * Returns 0, or -1 when the file cannot be read. */
int spill_rewind(struct spill *s);
/* The next sample: 1, 0 after the last, -1 on a read error or a corrupt
 * record. */
int spill_next(struct spill *s, struct spill_rec *out);

/* Bytes of memory the spill holds now (buffers' capacities). */
size_t spill_memory(const struct spill *s);

#endif
