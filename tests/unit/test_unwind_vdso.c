/* test_unwind_vdso: frames with no file behind them or no CFI at all.
 * A leaf in the kernel's vDSO (time.perf_counter() samples land there) is
 * unwound with the unwinder's own copy of the vDSO; a walk that reaches a
 * program's entry point (_start of ld.so has no CFI) ends as complete. */
#include "tap.h"
#include "pytop/record/unwind.h"

#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static uint64_t vdso_lo, vdso_hi, ld_lo, ld_hi, ld_pgoff;
static char ld_path[256];

static void read_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long s, e, off;
		char perms[8], path[256] = "";
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %255s", &s, &e, perms, &off, path) < 4)
			continue;
		if (!strcmp(path, "[vdso]")) {
			vdso_lo = s;
			vdso_hi = e;
		} else if (perms[2] == 'x' && strstr(path, "/ld-linux-x86-64.so")) {
			ld_lo = s;
			ld_hi = e;
			ld_pgoff = off;
			snprintf(ld_path, sizeof(ld_path), "%s", path);
		}
	}
	if (f)
		fclose(f);
}

static bool find_map(void *ctx, uint32_t pid, uint64_t addr, struct unwind_map *out)
{
	(void)ctx;
	(void)pid;
	if (addr >= vdso_lo && addr < vdso_hi) {
		*out = (struct unwind_map){ .path = "[vdso]", .start = vdso_lo, .end = vdso_hi, .pgoff = 0 };
		return true;
	}
	if (addr >= ld_lo && addr < ld_hi) {
		*out = (struct unwind_map){ .path = ld_path, .start = ld_lo, .end = ld_hi, .pgoff = ld_pgoff };
		return true;
	}
	return false;
}

/* Address of a function in an ELF image in our memory (vDSO) or file. */
static uint64_t elf_symbol(Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM || !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *n;
			if (gelf_getsym(data, (int)i, &s) && (n = elf_strptr(elf, sh.sh_link, s.st_name)) &&
			    !strcmp(n, name))
				return s.st_value;
		}
	}
	return 0;
}

int main(void)
{
	struct unwind_callbacks cb = { .find_map = find_map };
	uint64_t regs[17], stack[4], ips[8];
	enum unwind_stop why;
	struct unwinder *u;
	size_t n;

	elf_version(EV_CURRENT);
	read_maps();
	CHECK(vdso_lo && vdso_hi > vdso_lo, "this process has a vDSO");
	CHECK(ld_lo && ld_path[0], "and ld.so is mapped from %s", ld_path);

	/* a leaf at the first instruction of __vdso_clock_gettime: CFA = SP+8 */
	Elf *elf = elf_memory((char *)(uintptr_t)vdso_lo, vdso_hi - vdso_lo);
	uint64_t fn = elf ? elf_symbol(elf, "__vdso_clock_gettime") : 0;
	if (elf)
		elf_end(elf);
	CHECK(fn != 0, "__vdso_clock_gettime found");
	/* the vDSO is linked at 0 (or its own base): make it an address */
	if (fn < vdso_lo)
		fn += vdso_lo;
	memset(regs, 0, sizeof(regs));
	stack[0] = 0x1234; /* the planted return address */
	stack[1] = stack[2] = stack[3] = 0;
	regs[7] = 0x7ffc00000000ULL; /* SP */
	regs[8] = fn;                /* IP */
	u = unwinder_new(&cb);
	n = unwinder_unwind(u, 1, regs, (const unsigned char *)stack, sizeof(stack), ips, 8, &why);
	CHECK(n >= 2 && ips[0] == fn && ips[1] == 0x1234,
	      "vDSO leaf: its caller's return address is found (%zu frames, %s)", n, unwind_stop_name(why));
	unwinder_free(u);

	/* ld.so's _start has no CFI: a walk that reaches it is complete */
	FILE *f = fopen(ld_path, "rb");
	unsigned char eh[64];
	uint64_t entry = 0;
	if (f && fread(eh, 1, sizeof(eh), f) == sizeof(eh))
		memcpy(&entry, eh + 24, 8); /* e_entry */
	if (f)
		fclose(f);
	uint64_t base = getauxval(AT_BASE);
	CHECK(entry && base, "ld.so entry point %#llx at base %#llx", (unsigned long long)entry,
	      (unsigned long long)base);
	regs[8] = base + entry + 7; /* _start+7: after `call _dl_start` */
	u = unwinder_new(&cb);
	n = unwinder_unwind(u, 1, regs, (const unsigned char *)stack, sizeof(stack), ips, 8, &why);
	CHECK(n == 1 && why == UNWIND_END, "entry point: the walk ends complete (%zu frames, %s)", n,
	      unwind_stop_name(why));
	unwinder_free(u);
	/* without the file behind it, the same address is just code without info */
	struct unwind_callbacks nocb = { .find_map = NULL };
	u = unwinder_new(&nocb);
	n = unwinder_unwind(u, 1, regs, (const unsigned char *)stack, sizeof(stack), ips, 8, &why);
	CHECK(n == 1 && why == UNWIND_NO_INFO, "entry point of an unknown file: no unwind info (%s)",
	      unwind_stop_name(why));
	unwinder_free(u);
	return tap_done();
}
