/* perf_session: perf_event sampling events and their ring buffers.
 *
 * One sampling event per online CPU and target thread, all events of a CPU
 * writing into one mmap'd ring buffer (PERF_EVENT_IOC_SET_OUTPUT); with
 * spec.switches, also one context-switch event per CPU and thread (the
 * software event PERF_COUNT_SW_CONTEXT_SWITCHES, sample_period 1, with
 * context_switch records), in rings of their own.  The
 * caller reads the raw records with perf_session_drain(); parsing them is
 * the caller's business (see record.c). */
#ifndef PYTOP_PERF_SESSION_H
#define PYTOP_PERF_SESSION_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct perf_session_spec {
	uint32_t type;          /* PERF_TYPE_HARDWARE / PERF_TYPE_SOFTWARE */
	uint64_t config;        /* event within the type */
	uint64_t freq;          /* samples per second */
	bool kernel;            /* false: exclude_kernel (user space only) */
	bool enable_on_exec;    /* launched target: counting starts at its exec */
	uint64_t regs_user;     /* PERF_SAMPLE_REGS_USER mask, 0 = none (fp mode) */
	uint32_t stack_user;    /* PERF_SAMPLE_STACK_USER bytes, 0 = none */
	size_t ring_pages;      /* data pages per CPU ring buffer (power of two) */
	bool switches;          /* also the context-switch events (off-CPU time) */
};

/* Where a delivered record comes from. */
enum perf_source { PERF_SRC_SAMPLING = 0, PERF_SRC_SWITCH };

/* The sample_type every event of a session uses for `spec`. */
uint64_t perf_session_sample_type(const struct perf_session_spec *spec);

struct perf_session;

/* Opens events for `spec` on each thread in tids[0..ntids) (pid or tid as
 * perf_event_open takes it) on every online CPU.  Ring buffers shrink from
 * spec->ring_pages (down to 8 pages) when the locked-memory limit says so.
 * Returns a session, or NULL with *err set to the errno of the first failing
 * perf_event_open (EACCES: not permitted, ENOENT/EOPNOTSUPP: event not
 * supported, ESRCH: the thread is gone; ESRCH is skipped unless every thread
 * fails), or to minus the errno of a failing mmap.
 * Free with perf_session_free(). */
struct perf_session *perf_session_open(const struct perf_session_spec *spec, const pid_t *tids,
				       size_t ntids, int *err);
void perf_session_free(struct perf_session *s);

/* Start counting now (events opened without enable_on_exec start disabled). */
void perf_session_enable(struct perf_session *s);
void perf_session_disable(struct perf_session *s);

/* Number of ring buffers (one per CPU and kind of event) and the fd to poll
 * for each. */
size_t perf_session_nbuffers(const struct perf_session *s);
int perf_session_fd(const struct perf_session *s, size_t i);
size_t perf_session_ncpus(const struct perf_session *s);
/* Number of perf events (per CPU and thread) and the fd of each. */
size_t perf_session_nevents(const struct perf_session *s);
int perf_session_event_fd(const struct perf_session *s, size_t i);

/* Calls fn for every complete record waiting in the ring buffers, in
 * timestamp order across all CPUs and both kinds of events, with the
 * source of each, then releases the space.  The records are copied out
 * first; a pointer is valid during its call only.  Returns the number of
 * records delivered. */
size_t perf_session_drain(struct perf_session *s,
			  void (*fn)(void *ctx, const struct perf_event_header *rec,
				     enum perf_source src),
			  void *ctx);

#endif
