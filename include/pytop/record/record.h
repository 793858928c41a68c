/* record: sample a launched command or running processes into a pdata file.
 *
 * record_run() opens the perf events (falling back from cycles to
 * cpu-clock and from kernel+user to user-only when the machine or the
 * paranoid level says so), follows the target through its ring buffers
 * until it exits (or Ctrl-C, or the duration), then symbolizes the
 * unique addresses once and writes the file. */
#ifndef PYTOP_RECORD_H
#define PYTOP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pytop/record/unwind.h"

enum record_cg {
	RECORD_CG_AUTO = 0,
	RECORD_CG_FP,
	RECORD_CG_DWARF,
};

/* Where Python frames come from (see DESIGN.md, "Data flow" 3). */
enum record_pyframes {
	RECORD_PYF_AUTO = 0,    /* bpf where the kernel allows it, else trampoline */
	RECORD_PYF_BPF,         /* the BPF frame reader */
	RECORD_PYF_TRAMPOLINE,  /* -X perf (PYTHONPERFSUPPORT=1) and perf maps */
};

#define RECORD_DEFAULT_FREQ 999
#define RECORD_DEFAULT_STACK UNWIND_DEFAULT_STACK_BYTES /* measured: see unwind.h */

struct record_opts {
	char *const *argv;          /* command to launch, or NULL to attach */
	const pid_t *pids;          /* attach: processes */
	size_t npids;
	double duration;            /* seconds, 0 = until Ctrl-C or exit; then a
				       launched command is stopped (SIGTERM) */
	const char *output;         /* file to write */
	const char *event;          /* event name, NULL for the default */
	uint64_t freq;              /* Hz */
	enum record_cg callchain;
	uint32_t stack_bytes;       /* dwarf: user stack copy size, 0 = default */
	bool python;                /* argv runs a Python interpreter */
	const char *python_path;    /* for the metadata, or NULL */
	const char *python_version;
	bool keep_perf_maps;        /* leave /tmp/perf-PID.map of launched processes */
	enum record_pyframes python_frames; /* AUTO is resolved by the caller
				       (record_choose_pyframes) or here */
	const char *cmdline;        /* what the metadata calls the command */
	bool no_off_cpu;            /* --no-off-cpu: CPU samples only (no context-switch events) */
	/* Notes and warnings, one line without "pytop: " or newline. */
	void (*message)(void *ctx, const char *line);
	void *message_ctx;
};

struct record_result {
	uint64_t samples, lost, throttled, truncated;
	size_t threads, processes;
	uint64_t bytes;             /* size of the written file */
	char written[4096];         /* where it went: o->output, or where a failed
				     * write put the profile instead */
	char event[32];             /* the event actually sampled */
	char callchain[16];         /* "fp" or "dwarf" */
	char callchain_reason[160];
	bool kernel;                /* kernel frames were recorded */
	bool launched;              /* a command was launched ... */
	int wait_status;            /* ... and this is its waitpid() status */
	bool stopped;               /* ... which the duration ended: pytop stopped it */
	uint64_t unwind_stops[UNWIND_STOP_COUNT];
	uint64_t user_frames, user_named; /* symbol resolution rate */
	char python_frames[16];     /* "bpf" or "trampoline" */
	/* off-CPU recording: were the context-switch events open, did they
	 * take stacks (kernel access), and the counts */
	bool off_cpu, off_cpu_stacks;
	uint64_t switch_outs, off_samples, off_dropped, switch_lost;
};

/* Records.  Returns 0 when the file was written; otherwise -1 with `err`
 * set to one line "WHAT: WHY" and no file written.  A launched target that
 * crashed still gives 0 (see wait_status). */
int record_run(const struct record_opts *o, struct record_result *res, char *err, size_t errlen);

/* The one place `-g auto` is decided: the mode for these options and, in
 * *reason, why (static text). */
enum record_cg record_auto_callchain(const struct record_opts *o, const char **reason);

/* Decides --python-frames auto: RECORD_PYF_BPF when the kernel loads the
 * BPF frame reader here, else RECORD_PYF_TRAMPOLINE with `why` set to the
 * kernel's reason (one line).  Other modes are returned as they are. */
enum record_pyframes record_choose_pyframes(enum record_pyframes want, char *why, size_t whylen);

/* Whether the Python these options launch or attach to keeps frame
 * pointers: 1 yes, 0 no (built without), -1 unknown (its build flags could
 * not be read), -2 not a Python target.  From -1 up, `python` gets the
 * interpreter's path (truncated to len). */
int record_python_keeps_fp(const struct record_opts *o, char *python, size_t len);

/* Maps an event name to perf_event_open's type and config.  Returns false
 * for a name pytop does not know. */
bool record_event_lookup(const char *name, uint32_t *type, uint64_t *config);
/* Known event names, comma-separated, for messages. */
const char *record_event_names(void);

/* Reads the integer in /proc/sys/kernel/NAME (e.g. "perf_event_paranoid")
 * into *v.  Returns false, *v untouched, when the file cannot be read or
 * does not start with a number. */
bool record_kernel_setting(const char *name, long long *v);

#endif
