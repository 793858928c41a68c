/* unwind_dso: per-file unwind info for the DWARF unwinder.
 *
 * Each ELF file a sampled process maps is opened once (keyed by path, and
 * reopened when its device, inode or mtime changes), mapped read-only, and
 * parsed with libelf for its PT_LOAD segments, its .eh_frame_hdr (the binary
 * search table libunwind walks) and, when a JIT frame needs it, CPython's
 * `_Py_trampoline_func_start`.  The unwinder then reads unwind tables and
 * code bytes straight from the mapped file. */
#include "unwind_int.h"
#include "pytop/base/hmap.h"
#include "pytop/base/xalloc.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DSO_BUCKETS 256

struct dso_cache {
	struct dso *bucket[DSO_BUCKETS];
};

struct dso_cache *dso_cache_new(void)
{
	return xcalloc(1, sizeof(struct dso_cache));
}

static void dso_free(struct dso *d)
{
	if (d->image && !d->borrowed)
		munmap((void *)d->image, d->size);
	free(d->loads);
	free(d->path);
	free(d);
}

void dso_cache_free(struct dso_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < DSO_BUCKETS; i++) {
		struct dso *d = c->bucket[i], *next;
		for (; d; d = next) {
			next = d->next;
			dso_free(d);
		}
	}
	free(c);
}

/* File offset of ELF vaddr `v`, with how many bytes are file-backed from there. */
static bool vaddr_to_off(const struct dso *d, uint64_t v, uint64_t *off, uint64_t *avail)
{
	for (size_t i = 0; i < d->nloads; i++) {
		const struct dso_load *l = &d->loads[i];
		if (v >= l->vaddr && v - l->vaddr < l->filesz) {
			*off = l->offset + (v - l->vaddr);
			*avail = l->filesz - (v - l->vaddr);
			if (*off >= d->size)
				return false;
			if (*avail > d->size - *off)
				*avail = d->size - *off;
			return true;
		}
	}
	return false;
}

size_t dso_read(const struct dso *d, uint64_t vaddr, void *buf, size_t len)
{
	uint64_t off, avail;
	if (!d->ok || !vaddr_to_off(d, vaddr, &off, &avail))
		return 0;
	if (len > avail)
		len = (size_t)avail;
	memcpy(buf, d->image + off, len);
	return len;
}

static size_t enc_size(unsigned enc)
{
	switch (enc & 0x0f) {
	case 0x00: return 8; /* absptr */
	case 0x02: case 0x0a: return 2;
	case 0x03: case 0x0b: return 4;
	case 0x04: case 0x0c: return 8;
	default: return 0;
	}
}

/* .eh_frame_hdr: version 1, eh_frame_ptr, fde_count, then a sorted table of
 * (initial location, FDE address) pairs, both datarel sdata4 (0x3b), which
 * is the only table encoding libunwind's remote search accepts. */
static void parse_eh_frame_hdr(struct dso *d, uint64_t vaddr)
{
	unsigned char h[4 + 8 + 8];
	size_t n = dso_read(d, vaddr, h, sizeof(h));
	size_t ptr_size, count_size;
	uint64_t count = 0;
	if (n < 4 || h[0] != 1 || h[3] != 0x3b)
		return;
	ptr_size = enc_size(h[1]);
	count_size = enc_size(h[2]);
	if (!ptr_size || (count_size != 4 && count_size != 8) || 4 + ptr_size + count_size > n)
		return;
	if (count_size == 4) {
		uint32_t c32;
		memcpy(&c32, h + 4 + ptr_size, 4);
		count = c32;
	} else {
		memcpy(&count, h + 4 + ptr_size, 8);
	}
	if (!count)
		return;
	d->hdr_vaddr = vaddr;
	d->table_off = 4 + ptr_size + count_size;
	d->fde_count = count;
	d->has_hdr = true;
}

/* Parses the ELF image at d->image: PT_LOADs, .eh_frame_hdr, entry. */
static void dso_parse(struct dso *d)
{
	Elf *elf = elf_memory((char *)d->image, d->size);
	GElf_Ehdr eh;
	size_t nph;
	uint64_t hdr = 0;
	bool have_hdr = false;

	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    elf_getphdrnum(elf, &nph))
		goto out;
	d->entry = eh.e_entry;
	d->loads = xcalloc(nph ? nph : 1, sizeof(*d->loads));
	d->min_vaddr = UINT64_MAX;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD) {
			struct dso_load *l = &d->loads[d->nloads++];
			l->vaddr = ph.p_vaddr;
			l->memsz = ph.p_memsz;
			l->offset = ph.p_offset;
			l->filesz = ph.p_filesz;
			l->exec = ph.p_flags & PF_X;
			if (ph.p_vaddr < d->min_vaddr)
				d->min_vaddr = ph.p_vaddr;
			if (ph.p_vaddr + ph.p_memsz > d->max_vaddr)
				d->max_vaddr = ph.p_vaddr + ph.p_memsz;
		} else if (ph.p_type == PT_GNU_EH_FRAME) {
			hdr = ph.p_vaddr;
			have_hdr = true;
		}
	}
	if (!d->nloads)
		goto out;
	d->ok = true;
	if (have_hdr)
		parse_eh_frame_hdr(d, hdr);
out:
	if (elf)
		elf_end(elf);
}

/* The kernel's vDSO is the same image in every process: use our own. */
static void vdso_open(struct dso *d)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);
	char line[256];
	FILE *f;
	if (!base)
		return;
	f = fopen("/proc/self/maps", "re");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo == base) {
			d->image = (const unsigned char *)lo;
			d->size = hi - lo;
			d->borrowed = true;
			break;
		}
	}
	if (f)
		fclose(f);
	if (d->image)
		dso_parse(d);
}

static void dso_open(struct dso *d)
{
	int fd;
	struct stat st;

	if (!strcmp(d->path, "[vdso]")) {
		vdso_open(d);
		return;
	}
	fd = open(d->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		close(fd);
		return;
	}
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	d->size = (size_t)st.st_size;
	void *img = mmap(NULL, d->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (img == MAP_FAILED)
		return;
	d->image = img;
	dso_parse(d);
}

static bool dso_stale(const struct dso *d)
{
	struct stat st;
	if (d->borrowed || stat(d->path, &st))
		return false; /* gone: keep what we have */
	return st.st_dev != d->dev || st.st_ino != d->ino ||
	       (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec != d->mtime_ns;
}

struct dso *dso_get(struct dso_cache *c, const char *path)
{
	static bool elf_ready;
	unsigned b = (unsigned)(hmap_hash_str(path) % DSO_BUCKETS);
	struct dso **pp, *d;

	for (pp = &c->bucket[b]; (d = *pp); pp = &d->next) {
		if (strcmp(d->path, path))
			continue;
		if (!d->ok || !dso_stale(d))
			return d;
		*pp = d->next; /* replaced on disk: reopen */
		dso_free(d);
		break;
	}
	if (!elf_ready) {
		elf_version(EV_CURRENT);
		elf_ready = true;
	}
	d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(path);
	dso_open(d);
	d->next = c->bucket[b];
	c->bucket[b] = d;
	return d;
}

bool dso_is_entry(const struct dso *d, uint64_t vaddr)
{
	/* _start is a handful of instructions; its return address after
	 * `call __libc_start_main` (or _dl_start) lies within them */
	return d->ok && d->entry && vaddr >= d->entry && vaddr - d->entry < 64;
}

bool dso_bias(const struct dso *d, uint64_t start, uint64_t pgoff, uint64_t *bias)
{
	const struct dso_load *best = NULL;
	for (size_t i = 0; i < d->nloads; i++) {
		const struct dso_load *l = &d->loads[i];
		uint64_t lo = l->offset & ~(uint64_t)0xfff;
		if (pgoff >= lo && pgoff < l->offset + (l->filesz ? l->filesz : 1)) {
			if (!best || (l->exec && !best->exec))
				best = l;
		}
	}
	if (!best)
		return false;
	/* file offset X of this segment lives at bias + vaddr + (X - offset) */
	*bias = start - pgoff - (best->vaddr - best->offset);
	return true;
}

/* Look `name` up in .symtab, then .dynsym.  Returns the symbol's value. */
static bool find_symbol(Elf *elf, const char *name, uint64_t *value)
{
	for (int pass = 0; pass < 2; pass++) {
		Elf_Scn *scn = NULL;
		unsigned want = pass ? SHT_DYNSYM : SHT_SYMTAB;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			Elf_Data *data;
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != want || !sh.sh_entsize)
				continue;
			data = elf_getdata(scn, NULL);
			if (!data)
				continue;
			size_t n = sh.sh_size / sh.sh_entsize;
			for (size_t i = 0; i < n; i++) {
				GElf_Sym sym;
				const char *s;
				if (!gelf_getsym(data, (int)i, &sym) || !sym.st_name)
					continue;
				s = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (s && !strcmp(s, name) && sym.st_shndx != SHN_UNDEF) {
					*value = sym.st_value;
					return true;
				}
			}
		}
	}
	return false;
}

const struct tramp_shape *dso_trampoline(struct dso *d)
{
	if (d->tramp_state)
		return d->tramp_state > 0 ? &d->tramp : NULL;
	d->tramp_state = -1;
	if (!d->ok)
		return NULL;
	Elf *elf = elf_memory((char *)d->image, d->size);
	uint64_t start, end;
	if (elf && find_symbol(elf, "_Py_trampoline_func_start", &start)) {
		unsigned char code[64];
		size_t len = sizeof(code);
		if (find_symbol(elf, "_Py_trampoline_func_end", &end) && end > start && end - start < len)
			len = (size_t)(end - start);
		len = dso_read(d, start, code, len);
		if (tramp_parse(code, len, &d->tramp))
			d->tramp_state = 1;
	}
	if (elf)
		elf_end(elf);
	return d->tramp_state > 0 ? &d->tramp : NULL;
}
