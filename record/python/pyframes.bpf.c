/* pyframes.bpf.c: the BPF frame reader.  Attached to pytop's sampling perf
 * events, it runs at each sample of a configured process (the `procs` map,
 * filled by bpfread.c), finds the sampled thread's PyThreadState and walks
 * its chain of Python frames, innermost first, writing per frame the code
 * object's address and the raw instruction value (pyframes_abi.h).
 *
 * Why a record of its own, joined in user space, rather than the whole
 * sample from BPF: the native stack stays what perf_event gives (frame
 * pointer callchain, or the user stack copy that -g dwarf unwinds in the
 * recorder), so every call-graph mode keeps working unchanged; the program
 * runs in the overflow handler just before the kernel writes the perf
 * sample, so its record is in the ring buffer before the sample is in the
 * perf buffer, and (tid, time, ip) identifies the sample it belongs to.
 *
 * Finding the thread state: the interpreter's thread list, matched by the
 * kernel tid (native_thread_id, 3.11+) or by pthread_self() (= the task's
 * %fs base on x86-64, 3.8-3.10), with a tid -> tstate cache checked by
 * reading the id back.  Not the thread-local _Py_tss_tstate: it is NULL
 * while the thread has released the GIL (3.12+), exactly when a waiting
 * thread is sampled.  See pytop/python/pyoffsets.h. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

#include "pyframes_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct pyf_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} tstates SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pyf_sample);
} scratch SEC(".maps");

/* one frame's bytes and its code object's head, each read at once */
#define FRAME_BUF 128
#define CODE_BUF 256
struct fbuf {
	unsigned char b[FRAME_BUF];
	unsigned char c[CODE_BUF];
	__u64 frame; /* the next frame to read */
	__u32 fault;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fbuf);
} framebuf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PYF_C_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &which);
	if (c)
		*c += 1;
}

static __always_inline __u64 read_ptr(__u64 addr)
{
	__u64 v = 0;
	if (bpf_probe_read_user(&v, sizeof(v), (const void *)addr))
		return 0;
	return v;
}

/* ---- the thread state ---- */

struct scan_ctx {
	const struct pyf_proc *p;
	__u64 ts;     /* the thread state looked at */
	__u64 want;   /* the id to match */
	__u64 found;
	__u16 id_off;
};

static long scan_one(__u64 i, void *arg)
{
	struct scan_ctx *c = arg;
	(void)i;
	if (!c->ts)
		return 1;
	if (read_ptr(c->ts + c->id_off) == c->want) {
		c->found = c->ts;
		return 1;
	}
	c->ts = read_ptr(c->ts + c->p->off.tstate_next);
	return 0;
}

/* The id a thread state records for the current thread, and where. */
static __always_inline __u64 thread_id(const struct pyf_proc *p, __u32 tid, __u16 *off)
{
	if (p->off.tstate_native_thread_id != PYOFF_NONE) {
		*off = p->off.tstate_native_thread_id;
		return tid;
	}
	struct task_struct *task = bpf_get_current_task_btf();
	*off = p->off.tstate_thread_id;
	return task->thread.fsbase;
}

static __always_inline __u64 find_tstate(const struct pyf_proc *p, __u32 tid)
{
	struct scan_ctx c = { .p = p };
	__u64 *cached = bpf_map_lookup_elem(&tstates, &tid);
	__u64 interp;

	c.want = thread_id(p, tid, &c.id_off);
	if (cached && *cached && read_ptr(*cached + c.id_off) == c.want)
		return *cached;
	interp = read_ptr(p->runtime + p->off.runtime_interp_head);
	for (int k = 0; k < PYF_MAX_INTERPS && interp && !c.found; k++) {
		c.ts = read_ptr(interp + p->off.interp_tstate_head);
		bpf_loop(PYF_MAX_THREADS, scan_one, &c, 0);
		interp = read_ptr(interp + p->off.interp_next);
	}
	if (c.found)
		bpf_map_update_elem(&tstates, &tid, &c.found, BPF_ANY);
	return c.found;
}

/* ---- the frames ---- */

/* The walk's state lives in the per-CPU maps, not on the stack: the
 * verifier then sees the counters as unknown values, bounded by their
 * checks, instead of exploring every count. */
struct walk_ctx {
	const struct pyf_proc *p;
};

static __always_inline __u64 field(const struct fbuf *fb, __u16 off, __u16 size)
{
	__u64 v = 0;
	if (off > FRAME_BUF - 8)
		return 0;
	v = *(const __u64 *)&fb->b[off];
	if (size == 4)
		v &= 0xffffffffu;
	return v;
}

static __always_inline __u64 code_field(const struct fbuf *fb, __u16 off)
{
	if (off > CODE_BUF - 8)
		return 0;
	return *(const __u64 *)&fb->c[off];
}

static __always_inline void put(struct pyf_sample *s, __u64 code, __u64 instr, __u64 ident)
{
	__u32 n = s->nslots;
	if (n >= PYF_SLOTS)
		return;
	s->frames[n].code = code;
	s->frames[n].instr = instr;
	s->frames[n].ident = ident;
	s->nslots = (__u16)(n + 1);
}


static long walk_one(__u64 i, void *arg)
{
	struct walk_ctx *w = arg;
	const struct py_offsets *o = &w->p->off;
	__u32 zero = 0, size = w->p->frame_read, csize = w->p->code_read;
	__u16 name = o->code_qualname != PYOFF_NONE ? o->code_qualname : o->code_name;
	struct pyf_sample *s = bpf_map_lookup_elem(&scratch, &zero);
	struct fbuf *fb = bpf_map_lookup_elem(&framebuf, &zero);
	__u64 code, instr;
	(void)i;

	if (!s || !fb || !fb->frame || s->nslots >= PYF_SLOTS - 1 || s->nframes >= PYF_MAX_FRAMES)
		return 1;
	if (size > FRAME_BUF)
		size = FRAME_BUF;
	if (bpf_probe_read_user(fb->b, size, (const void *)fb->frame)) {
		fb->fault = 1;
		return 1;
	}
	code = field(fb, o->frame_code, 8);
	instr = field(fb, o->frame_instr, o->frame_instr_size);
	fb->frame = field(fb, o->frame_back, 8);
	if (o->frame_owner_cstack != PYOFF_NONE && o->frame_owner != PYOFF_NONE &&
	    (field(fb, o->frame_owner, 8) & 0xff) == o->frame_owner_cstack) {
		put(s, 0, 0, 0); /* 3.12+: the eval loop's shim frame */
		return 0;
	}
	/* the code object: its type (a torn chain, a popped frame's
	 * `previous` reused, leads to garbage: stop there) and identity */
	if (csize > CODE_BUF)
		csize = CODE_BUF;
	if (bpf_probe_read_user(fb->c, csize, (const void *)code) ||
	    code_field(fb, o->ob_type) != w->p->code_type) {
		fb->fault = 1;
		return 1;
	}
	put(s, code, instr,
	    pyoff_code_ident(code_field(fb, o->code_filename), code_field(fb, name)));
	s->nframes++;
	if (o->frame_is_entry != PYOFF_NONE && (field(fb, o->frame_is_entry, 8) & 0xff))
		put(s, 0, 0, 0); /* 3.11: the first frame of its C call */
	return 0;
}

static __always_inline __u64 first_frame(const struct pyf_proc *p, __u64 ts)
{
	__u64 f = read_ptr(ts + p->off.tstate_frame);
	if (p->off.frame_kind == PYOFF_TS_CFRAME && f)
		f = read_ptr(f + p->off.cframe_current);
	return f;
}

SEC("perf_event")
int pyf_on_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = (__u32)(id >> 32), tid = (__u32)id, zero = 0;
	struct pyf_proc *p = bpf_map_lookup_elem(&procs, &pid);
	struct walk_ctx w = { 0 };
	struct pyf_sample *s;
	struct fbuf *fb;
	__u64 ts, size, avail;

	if (!p)
		return 1; /* keep the perf sample, always */
	s = bpf_map_lookup_elem(&scratch, &zero);
	fb = bpf_map_lookup_elem(&framebuf, &zero);
	if (!s || !fb)
		return 1;
	count(PYF_C_SAMPLES);
	s->time = bpf_ktime_get_ns();
	s->ip = ctx->regs.ip;
	s->pid = pid;
	s->tid = tid;
	s->status = PYF_OK;
	s->flags = 0;
	s->nslots = 0;
	s->nframes = 0;
	ts = find_tstate(p, tid);
	if (!ts) {
		s->status = PYF_NO_THREAD;
	} else {
		w.p = p;
		fb->frame = first_frame(p, ts);
		fb->fault = 0;
		bpf_loop(PYF_SLOTS, walk_one, &w, 0);
		if (fb->fault)
			s->status = PYF_READ_FAULT;
		else if (fb->frame)
			s->flags |= PYF_F_TRUNCATED;
	}
	size = __builtin_offsetof(struct pyf_sample, frames) +
	       (__u64)s->nslots * sizeof(struct pyf_frame);
	if (size > sizeof(*s))
		size = sizeof(*s);
	/* wake the recorder only when a quarter of the ring is waiting: it
	 * reads this ring before each drain of the perf buffers anyway */
	avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	if (bpf_ringbuf_output(&events, s, size,
			       avail > (4 << 20) ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP))
		count(PYF_C_LOST);
	return 1;
}
