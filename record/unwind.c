/* unwind: placeholder until DWARF unwinding lands: returns the sampled IP
 * only and marks the stack truncated (UNWIND_NO_INFO). */
#include "pytop/unwind.h"
#include "pytop/xalloc.h"

#include <stdlib.h>

/* perf_event_x86_regs: BP = 6, SP = 7, IP = 8 */
#define REG_MASK ((1ULL << 6) | (1ULL << 7) | (1ULL << 8))

struct unwinder {
	struct unwind_callbacks cb;
};

uint64_t unwind_sample_regs_mask(void)
{
	return REG_MASK;
}

struct unwinder *unwinder_new(const struct unwind_callbacks *cb)
{
	struct unwinder *u = xcalloc(1, sizeof(*u));
	u->cb = *cb;
	return u;
}

void unwinder_free(struct unwinder *u)
{
	free(u);
}

void unwinder_forget_pid(struct unwinder *u, uint32_t pid)
{
	(void)u;
	(void)pid;
}

size_t unwinder_unwind(struct unwinder *u, uint32_t pid, const uint64_t *regs,
		       const unsigned char *stack, size_t stack_len,
		       uint64_t *ips, size_t max, enum unwind_stop *why)
{
	(void)u;
	(void)pid;
	(void)stack;
	(void)stack_len;
	*why = UNWIND_NO_INFO;
	if (!max)
		return 0;
	ips[0] = regs[2]; /* IP: third bit of the mask */
	return 1;
}

const char *unwind_stop_name(enum unwind_stop why)
{
	static const char *const names[UNWIND_STOP_COUNT] = {
		[UNWIND_END] = "complete",
		[UNWIND_STACK_SHORT] = "stack copy too small",
		[UNWIND_NO_INFO] = "no unwind info",
		[UNWIND_UNKNOWN_JIT] = "unknown JIT frame shape",
		[UNWIND_MAX_DEPTH] = "too deep",
		[UNWIND_ERROR] = "unwinding error",
	};
	return (unsigned)why < UNWIND_STOP_COUNT ? names[why] : "unknown";
}
