/* symbolize: libdw for ELF symbols and inline chains, /proc/kallsyms for
 * the kernel. */
#include "pytop/base/bisect.h"
#include "pytop/base/hmap.h"
#include "pytop/base/xalloc.h"
#include "pytop/record/symbolize.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <ctype.h>
#include <sys/auxv.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sym_sub {
	Dwarf_Die die;    /* a function's DIE (valid while the Dwfl lives) */
	Dwarf_Addr bias;
};

struct fsym {
	uint64_t addr, size; /* module addresses */
	const char *name;    /* owned by the Dwfl */
	bool global;
};

struct sym_file {
	bool tried, syms_loaded;
	struct fsym *syms;   /* function symbols sorted by address */
	size_t nsyms, cap_syms;
	struct hmap sub_idx;  /* symbol start -> subs index or SUB_NONE */
	struct sym_sub *subs;
	size_t nsubs, cap_subs;
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
	struct fsym *vsyms;     /* the vDSO's functions by address (names in arena) */
	size_t nvsyms;
	uint64_t vbias;         /* the vDSO's link address of its first byte */
	bool vtried;
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
	for (size_t i = 0; i < s->nfiles; i++) {
		if (s->files[i].dwfl)
			dwfl_end(s->files[i].dwfl);
		hmap_free(&s->files[i].sub_idx);
		free(s->files[i].syms);
		free(s->files[i].subs);
	}
	free(s->files);
	free(s->ksyms);
	free(s->vsyms);
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

/* ---- inline chains ----
 * The containing function's DIE is found once per function (scanning the
 * unit's top level) and cached; each address then walks down from it
 * through the blocks and inlined calls that contain it. */

#define SUB_NONE UINT32_MAX

static bool is_block(int tag)
{
	return tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block ||
	       tag == DW_TAG_try_block || tag == DW_TAG_catch_block;
}

/* Appends, outermost first, the inlined calls under `parent` containing pc. */
static size_t walk_inlines(Dwarf_Die *parent, Dwarf_Addr pc, const char **names, size_t n,
			   size_t max)
{
	Dwarf_Die child;
	if (dwarf_child(parent, &child) != 0)
		return n;
	do {
		int tag = dwarf_tag(&child);
		if (is_block(tag) && dwarf_haspc(&child, pc) == 1) {
			if (tag == DW_TAG_inlined_subroutine && n < max) {
				const char *nm = dwarf_diename(&child);
				names[n++] = nm ? nm : "[inlined]";
			}
			return walk_inlines(&child, pc, names, n, max);
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

/* The subprogram among the children of `parent` (a unit or a namespace)
 * whose ranges contain pc.  Only those levels are scanned: siblings are
 * skipped whole, which is what makes this cheaper than dwarf_getscopes(). */
static bool find_subprogram(Dwarf_Die *parent, Dwarf_Addr pc, Dwarf_Die *out)
{
	Dwarf_Die child;
	if (dwarf_child(parent, &child) != 0)
		return false;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_subprogram && dwarf_haspc(&child, pc) == 1) {
			*out = child;
			return true;
		}
		if (tag == DW_TAG_namespace && find_subprogram(&child, pc, out))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* The function DIE containing addr (cached by the symbol's start), or NULL. */
static Dwarf_Die *function_die(struct sym_file *f, uint64_t sym_start, uint64_t addr,
			       Dwarf_Addr *bias)
{
	uint32_t i;
	if (hmap_get(&f->sub_idx, sym_start, 0, &i)) {
		if (i == SUB_NONE)
			return NULL;
		*bias = f->subs[i].bias;
		return &f->subs[i].die;
	}
	Dwarf_Die *cu = dwfl_module_addrdie(f->mod, addr, bias), die;
	i = SUB_NONE;
	if (cu && find_subprogram(cu, addr - *bias, &die)) {
		xgrow(&f->subs, &f->cap_subs, f->nsubs + 1, sizeof(*f->subs));
		f->subs[f->nsubs] = (struct sym_sub){ .die = die, .bias = *bias };
		i = (uint32_t)f->nsubs++;
	}
	hmap_put(&f->sub_idx, sym_start, 0, i);
	return i == SUB_NONE ? NULL : &f->subs[i].die;
}

/* ---- function symbols ----
 * One sorted table per file, built on first use, searched by bisection
 * (cheaper than asking libdwfl for every address). */

static int cmp_fsym(const void *a, const void *b)
{
	const struct fsym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if ((x->size != 0) != (y->size != 0)) /* sized first, then global first */
		return x->size ? -1 : 1;
	return (int)y->global - (int)x->global;
}

/* ---- PLT stubs ---- */

/* The ELF section called `name` (its header in *sh), or NULL. */
static Elf_Scn *section_named(Elf *elf, const char *name, GElf_Shdr *sh)
{
	size_t shstr;
	if (elf_getshdrstrndx(elf, &shstr) != 0)
		return NULL;
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		const char *sn;
		if (!gelf_getshdr(scn, sh))
			continue;
		sn = elf_strptr(elf, shstr, sh->sh_name);
		if (sn && !strcmp(sn, name))
			return scn;
	}
	return NULL;
}

/* Length of a symbol's name without its version ("memcpy@@GLIBC_2.14"). */
static size_t unversioned(const char *name)
{
	return strcspn(name, "@");
}

/* Name of a PLT slot's target into buf: the dynamic symbol of its
 * relocation, or for an IRELATIVE slot (an IFUNC the DSO calls in itself:
 * libc's memcpy) the one global function at its addend; perf's
 * "*ABS*+0xADDR" when resolvers are shared.  False when it has none. */
static bool plt_target(struct sym_file *f, Elf *elf, const GElf_Rela *rel, Elf_Data *dynsym,
		       size_t dynstr, GElf_Addr bias, char *buf, size_t len)
{
	GElf_Sym sym;
	size_t idx = GELF_R_SYM(rel->r_info);
	const char *t = NULL, *best = NULL;
	if (idx && dynsym && gelf_getsym(dynsym, (int)idx, &sym))
		t = elf_strptr(elf, dynstr, sym.st_name);
	if (t && *t) {
		snprintf(buf, len, "%.*s", (int)unversioned(t), t);
		return true;
	}
	if (idx || GELF_R_TYPE(rel->r_info) != R_X86_64_IRELATIVE)
		return false;
	for (size_t i = 0; i < f->nsyms; i++) { /* unsorted yet: once per slot */
		const char *n = f->syms[i].name;
		if (f->syms[i].addr != (uint64_t)rel->r_addend + bias || !f->syms[i].global)
			continue;
		if (best && (unversioned(best) != unversioned(n) ||
			     strncmp(best, n, unversioned(n)))) {
			snprintf(buf, len, "*ABS*+0x%" PRIx64, (uint64_t)rel->r_addend);
			return true;
		}
		best = n;
	}
	if (best)
		snprintf(buf, len, "%.*s", (int)unversioned(best), best);
	else
		snprintf(buf, len, "*ABS*+0x%" PRIx64, (uint64_t)rel->r_addend);
	return true;
}

static int cmp_rela(const void *a, const void *b)
{
	const GElf_Rela *x = a, *y = b;
	return x->r_offset < y->r_offset ? -1 : x->r_offset > y->r_offset;
}

/* The GOT slot a 16-byte stub jumps through: its "jmp *disp32(%rip)"
 * (ff 25, maybe after endbr64 and a bnd prefix), or 0 for a stub that
 * does not (.plt's lazy-binding half with IBT). */
static uint64_t stub_slot(const unsigned char *b, uint64_t addr)
{
	for (int i = 0; i + 6 <= 16; i++)
		if (b[i] == 0xff && b[i + 1] == 0x25) {
			int32_t disp;
			memcpy(&disp, b + i + 2, 4);
			return addr + (uint64_t)i + 6 + (uint64_t)(int64_t)disp;
		}
	return 0;
}

/* perf's names for the stubs of .plt and .plt.sec, which no symbol table
 * covers: "TARGET@plt".  Each 16-byte stub (x86-64) jumps through a GOT
 * slot; the .rela.plt relocation of that slot names the target.  The model
 * folds such helpers into their caller (classes.c "*@plt"). */
static void add_plt_syms(struct symbolizer *s, struct sym_file *f)
{
	static const char *const plts[] = { ".plt", ".plt.sec" };
	GElf_Addr bias;
	GElf_Shdr rsh, dsh, psh;
	GElf_Ehdr eh;
	Elf *elf = dwfl_module_getelf(f->mod, &bias);
	Elf_Scn *rscn, *dscn;
	Elf_Data *rdata, *ddata;
	GElf_Rela *rels;
	size_t nrel = 0;

	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64)
		return;
	rscn = section_named(elf, ".rela.plt", &rsh);
	if (!rscn || rsh.sh_type != SHT_RELA || !rsh.sh_entsize || !(rdata = elf_getdata(rscn, NULL)))
		return;
	dscn = elf_getscn(elf, rsh.sh_link);
	ddata = dscn && gelf_getshdr(dscn, &dsh) ? elf_getdata(dscn, NULL) : NULL;
	rels = xmalloc(rsh.sh_size / rsh.sh_entsize + 1, sizeof(*rels));
	for (size_t i = 0; i < rsh.sh_size / rsh.sh_entsize; i++)
		if (gelf_getrela(rdata, (int)i, &rels[nrel]))
			nrel++;
	qsort(rels, nrel, sizeof(*rels), cmp_rela);
	for (size_t p = 0; p < 2; p++) {
		Elf_Scn *pscn = section_named(elf, plts[p], &psh);
		Elf_Data *pdata = pscn && psh.sh_type == SHT_PROGBITS ? elf_getdata(pscn, NULL) : NULL;
		if (!pdata || !pdata->d_buf || pdata->d_size < psh.sh_size)
			continue;
		for (size_t i = 0; i + 16 <= psh.sh_size; i += 16) {
			GElf_Rela key = { .r_offset = stub_slot((const unsigned char *)pdata->d_buf + i,
								psh.sh_addr + i) };
			const GElf_Rela *rel = key.r_offset ? bsearch(&key, rels, nrel, sizeof(*rels),
								      cmp_rela) : NULL;
			char name[256];
			size_t nl;
			if (!rel || !plt_target(f, elf, rel, ddata, ddata ? dsh.sh_link : 0, bias, name,
						sizeof(name) - 4))
				continue;
			nl = strlen(name);
			memcpy(name + nl, "@plt", 5);
			xgrow(&f->syms, &f->cap_syms, f->nsyms + 1, sizeof(*f->syms));
			f->syms[f->nsyms++] = (struct fsym){
				.addr = psh.sh_addr + bias + i, .size = 16,
				.name = arena_strndup(&s->arena, name, nl + 4) };
		}
	}
	free(rels);
}

static void load_syms(struct symbolizer *s, struct sym_file *f)
{
	int n = dwfl_module_getsymtab(f->mod);
	size_t k = 0;

	f->syms_loaded = true;
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(f->mod, i, &sym, &addr, &shndx, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);
		if (!name || !*name || (type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    shndx == SHN_UNDEF || shndx == (GElf_Word)-1 || !addr)
			continue;
		xgrow(&f->syms, &f->cap_syms, f->nsyms + 1, sizeof(*f->syms));
		f->syms[f->nsyms++] = (struct fsym){ .addr = addr, .size = sym.st_size, .name = name,
						     .global = GELF_ST_BIND(sym.st_info) != STB_LOCAL };
	}
	add_plt_syms(s, f);
	if (!f->nsyms)
		return;
	qsort(f->syms, f->nsyms, sizeof(*f->syms), cmp_fsym);
	for (size_t i = 0; i < f->nsyms; i++) /* one symbol per address: the best */
		if (!k || f->syms[k - 1].addr != f->syms[i].addr)
			f->syms[k++] = f->syms[i];
	f->nsyms = k;
}

/* The function symbol containing addr, or NULL. */
static const struct fsym *find_sym(struct symbolizer *s, struct sym_file *f, uint64_t addr)
{
	size_t lo;

	if (!f->syms_loaded)
		load_syms(s, f);
	lo = bisect_upper(f->syms, f->nsyms, sizeof(*f->syms), offsetof(struct fsym, addr), addr);
	if (!lo)
		return NULL;
	const struct fsym *sy = &f->syms[lo - 1];
	if (sy->size ? addr < sy->addr + sy->size : lo == f->nsyms || addr < f->syms[lo].addr)
		return sy;
	return NULL;
}

size_t symbolizer_resolve(struct symbolizer *s, uint32_t key, const char *path, uint64_t off,
			  struct sym_frame *out, size_t max, uint64_t *vaddr)
{
	struct sym_file *f = file_for(s, key, path);
	uint64_t addr;
	const char *inl[32];
	const struct fsym *sym;
	Dwarf_Addr dbias;
	Dwarf_Die *fn;
	size_t ninl = 0, n = 0;

	*vaddr = off;
	if (!max || !f->mod || !offset_to_addr(f->mod, off, vaddr, &addr))
		return 0;
	sym = find_sym(s, f, addr);
	if (!sym)
		return 0;
	out[n++] = (struct sym_frame){ .name = sym->name, .addr = *vaddr - (addr - sym->addr) };
	fn = function_die(f, sym->addr, addr, &dbias);
	if (fn)
		ninl = walk_inlines(fn, addr - dbias, inl, 0, sizeof(inl) / sizeof(inl[0]));
	for (size_t i = 0; i < ninl && n < max; i++) /* outermost first, like the file */
		out[n++] = (struct sym_frame){ .name = inl[i], .addr = *vaddr, .inlined = true };
	return n;
}

/* ---- kernel ---- */

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* /proc/kallsyms is large (100k+ lines): read it in big chunks and parse
 * by hand; only text symbols matter. */
static void load_kallsyms(struct symbolizer *s)
{
	int fd = open("/proc/kallsyms", O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 20, len = 0;
	char *buf;
	bool nonzero = false;

	s->ktried = true;
	if (fd < 0)
		return;
	buf = xmalloc(cap, 1);
	for (;;) {
		ssize_t r;
		if (len == cap)
			buf = xrealloc(buf, cap *= 2, 1);
		r = read(fd, buf + len, cap - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	for (char *p = buf, *end = buf + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *q = p, *name;
		uint64_t addr = 0;
		if (!nl)
			nl = end;
		for (; q < nl && isxdigit((unsigned char)*q); q++)
			addr = addr << 4 | (uint64_t)(isdigit((unsigned char)*q) ? *q - '0' : (*q | 0x20) - 'a' + 10);
		if (q + 3 < nl && q[0] == ' ' && q[2] == ' ' &&
		    (q[1] == 't' || q[1] == 'T' || q[1] == 'w' || q[1] == 'W')) {
			name = q + 3;
			size_t nlen = strcspn(name, " \t\n");
			if (name + nlen > nl)
				nlen = (size_t)(nl - name);
			nonzero |= addr != 0;
			xgrow(&s->ksyms, &s->cap_ksyms, s->nksyms + 1, sizeof(*s->ksyms));
			s->ksyms[s->nksyms++] = (struct ksym){
				.addr = addr, .name = arena_strndup(&s->arena, name, nlen) };
		}
		p = nl + 1;
	}
	free(buf);
	if (!nonzero) { /* kptr_restrict hides the addresses */
		s->nksyms = 0;
		return;
	}
	qsort(s->ksyms, s->nksyms, sizeof(*s->ksyms), cmp_ksym);
}

const char *symbolizer_kernel(struct symbolizer *s, uint64_t addr, uint64_t *start)
{
	size_t lo;

	if (!s->ktried)
		load_kallsyms(s);
	lo = bisect_upper(s->ksyms, s->nksyms, sizeof(*s->ksyms), offsetof(struct ksym, addr), addr);
	if (!lo)
		return NULL;
	*start = s->ksyms[lo - 1].addr;
	return s->ksyms[lo - 1].name;
}

/* ---- vDSO ----
 * The kernel maps the same vDSO image into every process: read the
 * recorder's own (no file to open), its dynamic symbol table through
 * libelf. */

static void load_vdso(struct symbolizer *s)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR), lo, hi, size = 0;
	char line[256];
	FILE *maps;
	unsigned char *img;
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t cap = 0;

	s->vtried = true;
	if (!base || !(maps = fopen("/proc/self/maps", "re")))
		return;
	while (fgets(line, sizeof(line), maps))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo == base && strstr(line, "[vdso]"))
			size = hi - lo;
	fclose(maps);
	if (!size)
		return;
	img = xmalloc(size, 1); /* libelf wants an image it may own */
	memcpy(img, (const void *)base, size);
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)img, size);
	if (elf) {
		size_t nph = 0;
		GElf_Phdr ph;
		if (elf_getphdrnum(elf, &nph) == 0)
			for (size_t i = 0; i < nph; i++)
				if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
				    ph.p_offset == 0) {
					s->vbias = ph.p_vaddr;
					break;
				}
	}
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM || !sh.sh_entsize ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;
			if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF ||
			    !(name = elf_strptr(elf, sh.sh_link, sym.st_name)) || !*name)
				continue;
			xgrow(&s->vsyms, &cap, s->nvsyms + 1, sizeof(*s->vsyms));
			s->vsyms[s->nvsyms++] = (struct fsym){
				.addr = sym.st_value, .size = sym.st_size,
				.name = arena_strndup(&s->arena, name, strlen(name)),
				/* __vdso_clock_gettime (global) over its weak alias */
				.global = GELF_ST_BIND(sym.st_info) == STB_GLOBAL };
		}
	}
	if (elf)
		elf_end(elf);
	free(img);
	if (s->nvsyms)
		qsort(s->vsyms, s->nvsyms, sizeof(*s->vsyms), cmp_fsym);
}

const char *symbolizer_vdso(struct symbolizer *s, uint64_t off, uint64_t *start)
{
	if (!s->vtried)
		load_vdso(s);
	/* the vDSO is mapped whole from its first byte */
	uint64_t addr = off + s->vbias;
	for (size_t i = s->nvsyms; i-- > 0;) { /* a handful of symbols */
		const struct fsym *sy = &s->vsyms[i];
		if (sy->addr <= addr && (addr < sy->addr + sy->size || !sy->size)) {
			while (i > 0 && s->vsyms[i - 1].addr == sy->addr) /* the best alias */
				sy = &s->vsyms[--i];
			*start = sy->addr - s->vbias;
			return sy->name;
		}
	}
	return NULL;
}
