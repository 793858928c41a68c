/* symbolize: libdw for ELF symbols and inline chains, /proc/kallsyms for
 * the kernel. */
#include "pytop/symbolize.h"
#include "pytop/xalloc.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sym_file {
	bool tried;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	char build_id[41 * 2];
};

struct ksym {
	uint64_t addr;
	const char *name;
};

struct symbolizer {
	struct sym_file *files; /* indexed by key */
	size_t nfiles;
	struct arena arena;     /* names we own (kernel, DWARF copies) */
	struct ksym *ksyms;
	size_t nksyms, cap_ksyms;
	bool ktried;
};

static char *debuginfo_path;

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

struct symbolizer *symbolizer_new(void)
{
	struct symbolizer *s = xcalloc(1, sizeof(*s));
	arena_init(&s->arena);
	return s;
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfiles; i++)
		if (s->files[i].dwfl)
			dwfl_end(s->files[i].dwfl);
	free(s->files);
	free(s->ksyms);
	arena_free(&s->arena);
	free(s);
}

static struct sym_file *file_for(struct symbolizer *s, uint32_t key, const char *path)
{
	struct sym_file *f;

	if (key >= s->nfiles) {
		size_t n = s->nfiles ? s->nfiles : 16;
		while (n <= key)
			n *= 2;
		s->files = xrealloc(s->files, n, sizeof(*s->files));
		memset(s->files + s->nfiles, 0, (n - s->nfiles) * sizeof(*s->files));
		s->nfiles = n;
	}
	f = &s->files[key];
	if (f->tried)
		return f;
	f->tried = true;
	f->dwfl = dwfl_begin(&offline_callbacks);
	if (!f->dwfl)
		return f;
	dwfl_report_begin(f->dwfl);
	const char *base = strrchr(path, '/');
	f->mod = dwfl_report_elf(f->dwfl, base ? base + 1 : path, path, -1, 0, false);
	dwfl_report_end(f->dwfl, NULL, NULL);
	if (f->mod) {
		const unsigned char *bits;
		GElf_Addr vaddr;
		int n = dwfl_module_build_id(f->mod, &bits, &vaddr);
		for (int i = 0; i < n && i < 40; i++)
			snprintf(f->build_id + 2 * i, 3, "%02x", bits[i]);
	}
	return f;
}

const char *symbolizer_build_id(struct symbolizer *s, uint32_t key, const char *path)
{
	return file_for(s, key, path)->build_id;
}

/* file offset -> module address, through the PT_LOAD program headers */
static bool offset_to_addr(Dwfl_Module *mod, uint64_t off, uint64_t *vaddr, uint64_t *addr)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	size_t n;

	if (!elf || elf_getphdrnum(elf, &n) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (off >= ph.p_offset && off < ph.p_offset + ph.p_filesz) {
			*vaddr = off - ph.p_offset + ph.p_vaddr;
			*addr = *vaddr + bias;
			return true;
		}
	}
	return false;
}

/* Inlined functions at addr, innermost first, into names[]; returns the
 * count, and the containing subprogram's DWARF name in *outer. */
static size_t inline_chain(struct symbolizer *s, Dwfl_Module *mod, uint64_t addr,
			   const char **names, size_t max, const char **outer)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(mod, addr, &bias);
	Dwarf_Die *scopes = NULL;
	size_t n = 0;
	int nscopes;

	*outer = NULL;
	if (!cu)
		return 0;
	nscopes = dwarf_getscopes(cu, addr - bias, &scopes);
	for (int i = 0; i < nscopes; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine && n < max) {
			const char *nm = dwarf_diename(&scopes[i]);
			names[n++] = nm ? arena_strndup(&s->arena, nm, strlen(nm)) : "[inlined]";
		} else if (tag == DW_TAG_subprogram) {
			const char *nm = dwarf_diename(&scopes[i]);
			*outer = nm ? arena_strndup(&s->arena, nm, strlen(nm)) : NULL;
			break;
		}
	}
	free(scopes);
	return n;
}

size_t symbolizer_resolve(struct symbolizer *s, uint32_t key, const char *path, uint64_t off,
			  struct sym_frame *out, size_t max, uint64_t *vaddr)
{
	struct sym_file *f = file_for(s, key, path);
	uint64_t addr, soff = 0;
	const char *sym = NULL, *inl[32], *outer = NULL;
	GElf_Sym esym;
	GElf_Word shndx;
	Elf *elf;
	Dwarf_Addr bias;
	size_t ninl, n = 0;

	*vaddr = off;
	if (!max || !f->mod || !offset_to_addr(f->mod, off, vaddr, &addr))
		return 0;
	sym = dwfl_module_addrinfo(f->mod, addr, &soff, &esym, &shndx, &elf, &bias);
	ninl = inline_chain(s, f->mod, addr, inl, sizeof(inl) / sizeof(inl[0]), &outer);
	if (!sym && !outer)
		return 0;
	out[n++] = (struct sym_frame){ .name = sym ? sym : outer,
				       .addr = sym ? *vaddr - soff : *vaddr };
	/* inl[] is innermost first; the file wants root first */
	for (size_t i = ninl; i-- > 0 && n < max;)
		out[n++] = (struct sym_frame){ .name = inl[i], .addr = *vaddr, .inlined = true };
	return n;
}

/* ---- kernel ---- */

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void load_kallsyms(struct symbolizer *s)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512];
	bool nonzero = false;

	s->ktried = true;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		uint64_t addr;
		char type, name[256];
		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		nonzero |= addr != 0;
		xgrow(&s->ksyms, &s->cap_ksyms, s->nksyms + 1, sizeof(*s->ksyms));
		s->ksyms[s->nksyms++] = (struct ksym){
			.addr = addr, .name = arena_strndup(&s->arena, name, strlen(name)) };
	}
	fclose(f);
	if (!nonzero) { /* kptr_restrict hides the addresses */
		s->nksyms = 0;
		return;
	}
	qsort(s->ksyms, s->nksyms, sizeof(*s->ksyms), cmp_ksym);
}

const char *symbolizer_kernel(struct symbolizer *s, uint64_t addr, uint64_t *start)
{
	size_t lo = 0, hi;

	if (!s->ktried)
		load_kallsyms(s);
	hi = s->nksyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	*start = s->ksyms[lo - 1].addr;
	return s->ksyms[lo - 1].name;
}
