/* tramp: CPython perf trampolines (x86-64).
 *
 * With -X perf, CPython runs each Python frame's evaluation through a copy
 * of a tiny trampoline that has no CFI.  Two shapes exist, each optionally
 * after endbr64 (f3 0f 1e fa):
 *   3.12.x, 3.13.0-3.13.5:  sub $8,%rsp; call *%rcx; add $8,%rsp; ret
 *   3.13.6+, 3.14:          push %rbp; mov %rsp,%rbp; call *%rcx; pop %rbp; ret
 * We decode the bytes the interpreter uses and step frames by the depth the
 * code has pushed at each instruction; anything else is an unknown shape. */
#include "pytop/python/tramp.h"

#include <string.h>

struct insn {
	const char *bytes;
	unsigned char len;
	int push;      /* bytes the instruction pushes (negative: pops) */
	bool saves_bp; /* push %rbp */
	bool restores_bp;
	bool call;
};

static const struct insn insns[] = {
	{ "\xf3\x0f\x1e\xfa", 4, 0, false, false, false }, /* endbr64 */
	{ "\x48\x83\xec\x08", 4, 8, false, false, false }, /* sub $8,%rsp */
	{ "\x48\x83\xc4\x08", 4, -8, false, false, false }, /* add $8,%rsp */
	{ "\x55", 1, 8, true, false, false },              /* push %rbp */
	{ "\x48\x89\xe5", 3, 0, false, false, false },     /* mov %rsp,%rbp */
	{ "\x5d", 1, -8, false, true, false },             /* pop %rbp */
	{ "\xff\xd1", 2, 0, false, false, true },          /* call *%rcx */
	{ "\xc3", 1, 0, false, false, false },             /* ret */
};

enum { I_ENDBR, I_SUB8, I_ADD8, I_PUSHBP, I_MOVBP, I_POPBP, I_CALL, I_RET };

/* The two known sequences (without the optional endbr64). */
static const int shape_sub[] = { I_SUB8, I_CALL, I_ADD8, I_RET, -1 };
static const int shape_push[] = { I_PUSHBP, I_MOVBP, I_CALL, I_POPBP, I_RET, -1 };

static bool match_shape(const unsigned char *code, size_t len, const int *seq,
			bool endbr, struct tramp_shape *t)
{
	size_t pos = 0;
	unsigned depth = 0;
	bool saved = false;
	memset(t, 0, sizeof(*t));
	if (endbr) {
		if (len < 4 || memcmp(code, insns[I_ENDBR].bytes, 4))
			return false;
		t->off[t->n] = 0;
		t->depth[t->n] = 0;
		t->rbp_saved[t->n++] = false;
		pos = 4;
	}
	for (; *seq >= 0; seq++) {
		const struct insn *in = &insns[*seq];
		if (pos + in->len > len || memcmp(code + pos, in->bytes, in->len))
			return false;
		t->off[t->n] = (unsigned char)pos;
		t->depth[t->n] = (unsigned char)depth;
		t->rbp_saved[t->n++] = saved;
		depth = (unsigned)((int)depth + in->push);
		if (in->saves_bp)
			saved = true;
		if (in->restores_bp)
			saved = false;
		pos += in->len;
		if (in->call)
			t->after_call = (unsigned)pos;
	}
	/* Code after `ret` (padding) is allowed; it is never executed. */
	t->len = (unsigned)pos;
	return true;
}

bool tramp_parse(const unsigned char *code, size_t len, struct tramp_shape *out)
{
	static const struct {
		const int *seq;
		bool endbr;
		const char *name;
	} known[] = {
		{ shape_sub, false, "sub-rsp" },
		{ shape_sub, true, "endbr64 sub-rsp" },
		{ shape_push, false, "push-rbp" },
		{ shape_push, true, "endbr64 push-rbp" },
	};
	struct tramp_shape t;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (match_shape(code, len, known[i].seq, known[i].endbr, &t)) {
			t.name = known[i].name;
			*out = t;
			return true;
		}
	}
	return false;
}

enum tramp_step_result tramp_step(const struct tramp_shape *t, uint64_t offset, bool leaf,
				  bool (*read)(void *ctx, uint64_t addr, uint64_t *val), void *ctx,
				  uint64_t *ip, uint64_t *sp, uint64_t *bp)
{
	unsigned i;
	uint64_t ra, bpv = *bp;

	if (!leaf && offset == t->after_call) {
		/* A return address: the state is the one at the call instruction. */
		for (i = 0; i < t->n && t->off[i] + 2u != offset; i++)
			;
	} else if (leaf) {
		for (i = 0; i < t->n && t->off[i] != offset; i++)
			;
	} else {
		return TRAMP_BAD_OFFSET;
	}
	if (i == t->n)
		return TRAMP_BAD_OFFSET;
	if (!read(ctx, *sp + t->depth[i], &ra))
		return TRAMP_READ_FAILED;
	if (t->rbp_saved[i] && !read(ctx, *sp + t->depth[i] - 8, &bpv))
		return TRAMP_READ_FAILED;
	*ip = ra;
	*sp += t->depth[i] + 8u;
	*bp = bpv;
	return TRAMP_STEPPED;
}
