/* test_unwind: the DWARF unwinder on this very process.
 *
 * A chain of noinline functions captures its registers and a copy of its
 * stack, like a perf sample, and the unwinder (answering from
 * /proc/self/maps) must find the chain up to main.  One link of the chain
 * calls through a real copy of a CPython perf trampoline in an anonymous
 * executable page that find_jit reports as a JIT region, for each known
 * shape (with and without endbr64); an unknown shape must stop cleanly. */
#include "tap.h"
#include "pytop/record/unwind.h"
#include "../../record/unwind_int.h"

#include <gelf.h>
#include <libelf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The 3.12 shape, under the name CPython gives it, so the unwinder's own
 * symbol lookup (no override) finds it in this executable. */
__asm__(".text\n"
	".globl _Py_trampoline_func_start\n"
	".type _Py_trampoline_func_start, @function\n"
	"_Py_trampoline_func_start:\n"
	"\tsub $8, %rsp\n"
	"\tcall *%rcx\n"
	"\tadd $8, %rsp\n"
	"\tret\n"
	".globl _Py_trampoline_func_end\n"
	"_Py_trampoline_func_end:\n");
extern const unsigned char _Py_trampoline_func_start[], _Py_trampoline_func_end[];

static const unsigned char shape_sub[] = { 0x48, 0x83, 0xec, 0x08, 0xff, 0xd1, 0x48, 0x83, 0xc4, 0x08, 0xc3 };
static const unsigned char shape_sub_endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x48, 0x83, 0xec, 0x08, 0xff, 0xd1,
						 0x48, 0x83, 0xc4, 0x08, 0xc3 };
static const unsigned char shape_push[] = { 0x55, 0x48, 0x89, 0xe5, 0xff, 0xd1, 0x5d, 0xc3 };
static const unsigned char shape_push_endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xe5, 0xff, 0xd1,
						  0x5d, 0xc3 };
/* push %rbx; call *%rcx; pop %rbx; ret: runs fine, but no CPython has it */
static const unsigned char shape_unknown[] = { 0x53, 0xff, 0xd1, 0x5b, 0xc3 };

/* ---- the process's mappings, as the recorder would know them ---- */

struct xmap {
	uint64_t start, end, pgoff;
	char path[256];
};
static struct xmap maps[512];
static size_t nmaps;
static uint64_t stack_top;
static uint64_t jit_start, jit_end;

static void read_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	nmaps = 0;
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long s, e, off;
		char perms[8], path[256] = "";
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %255s", &s, &e, perms, &off, path) < 4)
			continue;
		if (!strcmp(path, "[stack]"))
			stack_top = e;
		if (perms[2] == 'x' && path[0] == '/' && nmaps < 512) {
			maps[nmaps].start = s;
			maps[nmaps].end = e;
			maps[nmaps].pgoff = off;
			snprintf(maps[nmaps].path, sizeof(maps[nmaps].path), "%s", path);
			nmaps++;
		}
	}
	if (f)
		fclose(f);
}

static int map_calls;

static bool find_map(void *ctx, uint32_t pid, uint64_t addr, struct unwind_map *out)
{
	(void)ctx;
	(void)pid;
	map_calls++;
	for (size_t i = 0; i < nmaps; i++) {
		if (addr >= maps[i].start && addr < maps[i].end) {
			out->path = maps[i].path;
			out->start = maps[i].start;
			out->end = maps[i].end;
			out->pgoff = maps[i].pgoff;
			return true;
		}
	}
	return false;
}

static bool find_no_map(void *ctx, uint32_t pid, uint64_t addr, struct unwind_map *out)
{
	(void)ctx;
	(void)pid;
	(void)addr;
	(void)out;
	return false;
}

static bool find_jit(void *ctx, uint32_t pid, uint64_t addr, uint64_t *start, uint64_t *end)
{
	(void)ctx;
	(void)pid;
	if (addr >= jit_start && addr < jit_end) {
		*start = jit_start;
		*end = jit_end;
		return true;
	}
	return false;
}

/* ---- a sample of ourselves ---- */

#define NSAMPLE_REGS 17
static uint64_t cap_regs[NSAMPLE_REGS]; /* perf order: AX BX CX DX SI DI BP SP IP R8..R15 */
static unsigned char *cap_stack;
static size_t cap_len;

__attribute__((noinline, no_sanitize("address")))
static void copy_stack(uint64_t sp)
{
	size_t len = stack_top - sp;
	if (len > 512 * 1024)
		len = 512 * 1024;
	len &= ~(size_t)7;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t w = *(volatile const uint64_t *)(uintptr_t)(sp + i);
		memcpy(cap_stack + i, &w, 8);
	}
	cap_len = len;
}

__attribute__((noinline)) void capture_here(void);
__attribute__((noinline)) void capture_here(void)
{
	uint64_t ip, sp, bp, bx, r12, r13, r14, r15;
	__asm__ volatile("lea 0(%%rip), %0\n\t"
			 "mov %%rsp, %1\n\t"
			 "mov %%rbp, %2\n\t"
			 "mov %%rbx, %3\n\t"
			 "mov %%r12, %4\n\t"
			 "mov %%r13, %5\n\t"
			 "mov %%r14, %6\n\t"
			 "mov %%r15, %7\n\t"
			 : "=r"(ip), "=m"(sp), "=m"(bp), "=m"(bx), "=m"(r12), "=m"(r13), "=m"(r14), "=m"(r15));
	memset(cap_regs, 0, sizeof(cap_regs));
	cap_regs[1] = bx;
	cap_regs[6] = bp;
	cap_regs[7] = sp;
	cap_regs[8] = ip;
	cap_regs[13] = r12;
	cap_regs[14] = r13;
	cap_regs[15] = r14;
	cap_regs[16] = r15;
	copy_stack(sp);
}

/* The callers of the trampoline do not keep frame pointers (like CPython's
 * -O3 build), so their CFA depends on the SP the trampoline step recovers. */
#define NOFP __attribute__((noinline, optimize("omit-frame-pointer")))

typedef uint64_t (*callee_fn)(uint64_t, uint64_t, uint64_t);
typedef uint64_t (*tramp_fn)(uint64_t, uint64_t, uint64_t, callee_fn);
static tramp_fn tramp;
static volatile uint64_t sink;

NOFP uint64_t chain_c(uint64_t a, uint64_t b, uint64_t c);
NOFP uint64_t chain_b(uint64_t a);
NOFP uint64_t chain_a(uint64_t a);

NOFP uint64_t chain_c(uint64_t a, uint64_t b, uint64_t c)
{
	capture_here();
	sink = a + b + c;
	return sink + 1;
}

NOFP uint64_t chain_b(uint64_t a)
{
	uint64_t r = tramp ? tramp(a, 2, 3, chain_c) : chain_c(a, 2, 3);
	sink = r;
	return r + 1;
}

NOFP uint64_t chain_a(uint64_t a)
{
	uint64_t r = chain_b(a + 1);
	sink = r;
	return r + 1;
}

/* ---- function extents from our own symbol table ---- */

struct fn {
	const char *name;
	uint64_t addr, size;
};
static struct fn fns[] = {
	{ "capture_here", 0, 0 }, { "chain_c", 0, 0 }, { "chain_b", 0, 0 },
	{ "chain_a", 0, 0 }, { "main", 0, 0 },
};
enum { F_CAPTURE, F_C, F_B, F_A, F_MAIN, NFNS };

static void load_sizes(void)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *name;
			if (!gelf_getsym(data, (int)i, &s) || !(name = elf_strptr(elf, sh.sh_link, s.st_name)))
				continue;
			for (int k = 0; k < NFNS; k++)
				if (!strcmp(name, fns[k].name) && GELF_ST_TYPE(s.st_info) == STT_FUNC)
					fns[k].size = s.st_size;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
}

static int which_fn(uint64_t ip)
{
	for (int k = 0; k < NFNS; k++)
		if (ip > fns[k].addr && ip <= fns[k].addr + fns[k].size)
			return k;
	return -1;
}

/* Unwind the captured sample; returns the frame count. */
static size_t unwind_capture(struct unwinder *u, size_t stack_len, uint64_t *ips, size_t max,
			     enum unwind_stop *why)
{
	return unwinder_unwind(u, (uint32_t)getpid(), cap_regs, cap_stack, stack_len, ips, max, why);
}

/* The chain, innermost first, must appear in order (capture_here, chain_c,
 * [jit], chain_b, chain_a directly; main somewhere above). */
static bool chain_in_order(const uint64_t *ips, size_t n, bool through_jit, char *msg, size_t msglen)
{
	static const int want[] = { F_CAPTURE, F_C, F_B, F_A, F_MAIN };
	size_t w = 0, i;
	int pos = 0;
	bool seen_jit = false;
	msg[0] = 0;
	for (i = 0; i < n && w < 5; i++) {
		int k = which_fn(ips[i]);
		bool skip = w == 4 && k != F_MAIN; /* test_through_trampoline */
		bool jit = ips[i] >= jit_start && ips[i] < jit_end;
		pos += snprintf(msg + pos, msglen - (size_t)pos, "%s%s", i ? " > " : "",
				jit ? "[jit]" : k >= 0 ? fns[k].name : "(caller)");
		if (pos >= (int)msglen)
			pos = (int)msglen - 1;
		if (jit) {
			if (!through_jit || w != 2)
				return false;
			seen_jit = true;
			continue;
		}
		if (skip)
			continue;
		if (k != want[w])
			return false;
		w++;
	}
	return w == 5 && seen_jit == through_jit;
}

static void *jit_page;

static void set_jit(const unsigned char *code, size_t len)
{
	mprotect(jit_page, 4096, PROT_READ | PROT_WRITE);
	memset(jit_page, 0xcc, 4096);
	/* not at the page start, like CPython's trampoline arena */
	memcpy((char *)jit_page + 64, code, len);
	mprotect(jit_page, 4096, PROT_READ | PROT_EXEC);
	jit_start = (uint64_t)(uintptr_t)jit_page + 64;
	jit_end = jit_start + len;
	tramp = (tramp_fn)(uintptr_t)jit_start;
}

static void test_through_trampoline(const char *name, const unsigned char *code, size_t len, bool override)
{
	struct unwind_callbacks cb = { .find_map = find_map, .find_jit = find_jit };
	struct unwinder *u = unwinder_new(&cb);
	uint64_t ips[64];
	enum unwind_stop why;
	char msg[512];
	size_t n;

	set_jit(code, len);
	if (override)
		CHECK(unwinder_set_trampoline(u, (uint32_t)getpid(), code, len), "%s: shape recognised", name);
	sink = chain_a(1);
	n = unwind_capture(u, cap_len, ips, 64, &why);
	CHECK(chain_in_order(ips, n, true, msg, sizeof(msg)), "%s: capture_here > chain_c > [jit] > chain_b > chain_a > main (%s)",
	      name, msg);
	CHECK(n >= 3 && ips[2] == jit_start + len - (code[len - 2] == 0x5d ? 2 : 5),
	      "%s: the JIT frame is the return address after call *%%rcx", name);
	CHECK(why == UNWIND_END, "%s: stack complete (%s)", name, unwind_stop_name(why));
	unwinder_free(u);
}

int main(void)
{
	static unsigned char stackbuf[512 * 1024];
	struct unwind_callbacks cb = { .find_map = find_map, .find_jit = find_jit };
	struct unwinder *u;
	uint64_t ips[64];
	enum unwind_stop why;
	char msg[512];
	size_t n;

	cap_stack = stackbuf;
	fns[F_CAPTURE].addr = (uint64_t)(uintptr_t)capture_here;
	fns[F_C].addr = (uint64_t)(uintptr_t)chain_c;
	fns[F_B].addr = (uint64_t)(uintptr_t)chain_b;
	fns[F_A].addr = (uint64_t)(uintptr_t)chain_a;
	fns[F_MAIN].addr = (uint64_t)(uintptr_t)main;
	load_sizes();
	CHECK(fns[F_MAIN].size && fns[F_CAPTURE].size, "function sizes from our symbol table");
	jit_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(jit_page != MAP_FAILED, "an executable page for the trampolines");
	read_maps();
	CHECK(nmaps > 0 && stack_top, "/proc/self/maps read");

	/* (1) a plain chain, no JIT */
	tramp = NULL;
	u = unwinder_new(&cb);
	sink = chain_a(1);
	n = unwind_capture(u, cap_len, ips, 64, &why);
	CHECK(chain_in_order(ips, n, false, msg, sizeof(msg)), "capture_here > chain_c > chain_b > chain_a > main (%s)", msg);
	CHECK(why == UNWIND_END, "stack complete: %s", unwind_stop_name(why));
	CHECK_EQ_U(ips[0], cap_regs[8], "ips[0] is the sampled IP");
	int calls = map_calls;
	sink = chain_a(1);
	n = unwind_capture(u, cap_len, ips, 64, &why);
	CHECK(why == UNWIND_END && map_calls == calls, "second walk: no new map lookups (cached)");
	/* (3) a short stack copy */
	n = unwind_capture(u, 48, ips, 64, &why);
	CHECK(why == UNWIND_STACK_SHORT && n >= 1, "48-byte stack copy: %s after %zu frames", unwind_stop_name(why), n);
	n = unwind_capture(u, cap_len, ips, 3, &why);
	CHECK(why == UNWIND_MAX_DEPTH && n == 3, "3 slots: too deep, 3 frames");
	unwinder_free(u);

	/* no unwind info anywhere */
	struct unwind_callbacks nocb = { .find_map = find_no_map, .find_jit = find_jit };
	u = unwinder_new(&nocb);
	n = unwind_capture(u, cap_len, ips, 64, &why);
	CHECK(why == UNWIND_NO_INFO && n == 1, "no mapping known: no unwind info, leaf only");
	unwinder_free(u);

	/* (2) through real trampolines of every known shape */
	test_through_trampoline("3.12 shape from _Py_trampoline_func_start", _Py_trampoline_func_start,
				(size_t)(_Py_trampoline_func_end - _Py_trampoline_func_start), false);
	test_through_trampoline("sub-rsp", shape_sub, sizeof(shape_sub), true);
	test_through_trampoline("endbr64 sub-rsp", shape_sub_endbr, sizeof(shape_sub_endbr), true);
	test_through_trampoline("push-rbp", shape_push, sizeof(shape_push), true);
	test_through_trampoline("endbr64 push-rbp", shape_push_endbr, sizeof(shape_push_endbr), true);

	/* an unknown shape stops cleanly at the JIT frame, keeping what it has */
	u = unwinder_new(&cb);
	CHECK(!unwinder_set_trampoline(u, (uint32_t)getpid(), shape_unknown, sizeof(shape_unknown)),
	      "push-rbx shape is not recognised");
	set_jit(shape_unknown, sizeof(shape_unknown));
	sink = chain_a(1);
	n = unwind_capture(u, cap_len, ips, 64, &why);
	CHECK(why == UNWIND_UNKNOWN_JIT && n == 3 && which_fn(ips[1]) == F_C && ips[2] > jit_start && ips[2] < jit_end,
	      "unknown shape: stops at the JIT frame after capture_here > chain_c (%s, %zu frames)",
	      unwind_stop_name(why), n);
	unwinder_free(u);
	tramp = NULL;

	/* garbage: random stack words and IPs all over our own code must end
	 * every walk cleanly (ASan watches the reads) */
	u = unwinder_new(&cb);
	set_jit(shape_sub, sizeof(shape_sub));
	unwinder_set_trampoline(u, (uint32_t)getpid(), shape_sub, sizeof(shape_sub));
	size_t whys[UNWIND_STOP_COUNT] = { 0 };
	uint64_t seed = 88172645463325252ULL, text_lo = fns[F_CAPTURE].addr, text_hi = fns[F_MAIN].addr;
	size_t walks = 0, frames = 0;
	if (text_hi < text_lo) {
		uint64_t t = text_lo;
		text_lo = text_hi;
		text_hi = t;
	}
	for (int iter = 0; iter < 3000; iter++) {
		uint64_t regs[NSAMPLE_REGS], words[64];
		for (size_t i = 0; i < 64; i++) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			/* mix plausible return addresses, stack pointers and junk */
			words[i] = i % 3 == 0 ? text_lo + seed % (text_hi - text_lo + 4096)
				 : i % 3 == 1 ? cap_regs[7] + (seed & 0xfff8) : seed;
			if (i % 11 == 0)
				words[i] = jit_start + seed % (jit_end - jit_start);
		}
		memcpy(regs, cap_regs, sizeof(regs));
		regs[8] = words[3 * (1 + iter % 3)]; /* an address in our code */
		if (iter % 4 == 0)
			regs[8] = jit_start + iter % (jit_end - jit_start);
		frames += unwinder_unwind(u, (uint32_t)getpid(), regs, (const unsigned char *)words,
					  sizeof(words) - (size_t)(iter % 9), ips, 64, &why);
		walks++;
		whys[why]++;
	}
	CHECK(walks == 3000 && frames > walks,
	      "3000 walks over garbage stacks end cleanly (%zu frames; %zu complete, %zu short, %zu no info, "
	      "%zu unknown JIT, %zu errors)", frames, whys[UNWIND_END], whys[UNWIND_STACK_SHORT],
	      whys[UNWIND_NO_INFO], whys[UNWIND_UNKNOWN_JIT], whys[UNWIND_ERROR]);
	unwinder_free(u);

	munmap(jit_page, 4096);
	return tap_done();
}
