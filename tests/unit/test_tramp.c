/* test_tramp: decoding CPython perf trampolines and stepping a sampled IP
 * at every instruction of them, on synthetic stacks. */
#include "tap.h"
#include "pytop/python/tramp.h"

#include <stdint.h>
#include <string.h>

static const unsigned char sub_rsp[] = { 0x48, 0x83, 0xec, 0x08, 0xff, 0xd1, 0x48, 0x83, 0xc4, 0x08, 0xc3 };
static const unsigned char push_rbp[] = { 0x55, 0x48, 0x89, 0xe5, 0xff, 0xd1, 0x5d, 0xc3 };

/* A fake stack at address STACK_BASE: words[i] lives at STACK_BASE + 8*i. */
#define STACK_BASE 0x7ffc00001000ULL
static uint64_t words[8];

static bool rd(void *ctx, uint64_t addr, uint64_t *val)
{
	(void)ctx;
	if (addr < STACK_BASE || addr >= STACK_BASE + sizeof(words))
		return false;
	*val = words[(addr - STACK_BASE) / 8];
	return true;
}

#define RA 0x555555551234ULL
#define CALLER_BP 0x7ffc0000f000ULL
#define CUR_BP 0x1111ULL

/* Step at `off` with the stack holding `depth` bytes pushed below RA. */
static void step_case(const char *name, const struct tramp_shape *t, unsigned off, bool leaf,
		      unsigned depth, bool bp_pushed)
{
	uint64_t ip = 0x7f0000000000ULL + off, sp = STACK_BASE, bp = CUR_BP;
	enum tramp_step_result r;
	memset(words, 0, sizeof(words));
	words[depth / 8] = RA;
	if (bp_pushed)
		words[depth / 8 - 1] = CALLER_BP;
	r = tramp_step(t, off, leaf, rd, NULL, &ip, &sp, &bp);
	CHECK(r == TRAMP_STEPPED && ip == RA && sp == STACK_BASE + depth + 8 &&
	      bp == (bp_pushed ? CALLER_BP : CUR_BP),
	      "%s, %s at +%u: caller ip, sp = sp+%u, %s", name, leaf ? "leaf" : "return address", off,
	      depth + 8, bp_pushed ? "rbp = [sp]" : "rbp unchanged");
}

int main(void)
{
	struct tramp_shape t;
	unsigned char buf[32];
	uint64_t ip, sp, bp;
	enum tramp_step_result r;

	/* shape A: sub $8,%rsp; call *%rcx; add $8,%rsp; ret */
	CHECK(tramp_parse(sub_rsp, sizeof(sub_rsp), &t), "sub-rsp shape parses");
	CHECK_EQ_U(t.after_call, 6, "sub-rsp: return address at +6");
	CHECK_EQ_U(t.len, 11, "sub-rsp: 11 bytes");
	step_case("sub-rsp", &t, 6, false, 8, false);
	step_case("sub-rsp", &t, 0, true, 0, false);
	step_case("sub-rsp", &t, 4, true, 8, false);
	step_case("sub-rsp", &t, 6, true, 8, false);
	step_case("sub-rsp", &t, 10, true, 0, false);

	/* shape B: push %rbp; mov %rsp,%rbp; call *%rcx; pop %rbp; ret */
	CHECK(tramp_parse(push_rbp, sizeof(push_rbp), &t), "push-rbp shape parses");
	CHECK_EQ_U(t.after_call, 6, "push-rbp: return address at +6");
	step_case("push-rbp", &t, 6, false, 8, true);
	step_case("push-rbp", &t, 0, true, 0, false);
	step_case("push-rbp", &t, 1, true, 8, true);
	step_case("push-rbp", &t, 4, true, 8, true);
	step_case("push-rbp", &t, 7, true, 0, false);

	/* behind endbr64 every offset moves by 4 */
	memcpy(buf, "\xf3\x0f\x1e\xfa", 4);
	memcpy(buf + 4, push_rbp, sizeof(push_rbp));
	CHECK(tramp_parse(buf, 4 + sizeof(push_rbp), &t), "endbr64 push-rbp parses");
	CHECK_EQ_U(t.after_call, 10, "endbr64 push-rbp: return address at +10");
	step_case("endbr64 push-rbp", &t, 10, false, 8, true);
	step_case("endbr64 push-rbp", &t, 0, true, 0, false);
	step_case("endbr64 push-rbp", &t, 4, true, 0, false);
	step_case("endbr64 push-rbp", &t, 5, true, 8, true);
	memcpy(buf + 4, sub_rsp, sizeof(sub_rsp));
	CHECK(tramp_parse(buf, 4 + sizeof(sub_rsp), &t), "endbr64 sub-rsp parses");
	step_case("endbr64 sub-rsp", &t, 10, false, 8, false);
	step_case("endbr64 sub-rsp", &t, 8, true, 8, false);

	/* what is not a trampoline */
	CHECK(!tramp_parse(sub_rsp, 6, &t), "truncated code is not a trampoline");
	CHECK(!tramp_parse((const unsigned char *)"\x53\xff\xd1\x5b\xc3", 5, &t), "push %%rbx shape is unknown");
	CHECK(!tramp_parse((const unsigned char *)"\xf3\x0f\x1e\xfa\x90", 5, &t), "endbr64 then nop is unknown");

	/* a return address that is not after the call, or mid-instruction */
	tramp_parse(sub_rsp, sizeof(sub_rsp), &t);
	ip = 0, sp = STACK_BASE, bp = CUR_BP;
	r = tramp_step(&t, 4, false, rd, NULL, &ip, &sp, &bp);
	CHECK(r == TRAMP_BAD_OFFSET, "return address at +4: no frame of this shape");
	r = tramp_step(&t, 2, true, rd, NULL, &ip, &sp, &bp);
	CHECK(r == TRAMP_BAD_OFFSET, "leaf IP mid-instruction: no frame of this shape");
	/* the stack copy ends before the return address */
	sp = STACK_BASE + sizeof(words) - 8;
	r = tramp_step(&t, 6, false, rd, NULL, &ip, &sp, &bp);
	CHECK(r == TRAMP_READ_FAILED && sp == STACK_BASE + sizeof(words) - 8,
	      "return address beyond the copy: the read fails, registers untouched");
	return tap_done();
}
