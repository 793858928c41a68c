/* pyeval: the eval loop's file offsets, from the ELF symbol tables (libelf). */
#include "pytop/python/pyeval.h"

#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <unistd.h>

/* The file offset of virtual address v (a PT_LOAD segment holds it). */
static bool vaddr_to_off(Elf *e, uint64_t v, uint64_t *off)
{
	size_t n;
	if (elf_getphdrnum(e, &n) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD && v >= ph.p_vaddr &&
		    v < ph.p_vaddr + ph.p_filesz) {
			*off = v - ph.p_vaddr + ph.p_offset;
			return true;
		}
	}
	return false;
}

static bool is_eval_name(const char *s)
{
	static const char eval[] = "_PyEval_EvalFrameDefault";
	size_t n = sizeof(eval) - 1;
	return s && !strncmp(s, eval, n) && (s[n] == '\0' || s[n] == '.');
}

static void scan(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct pyeval_ranges *out)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	for (size_t i = 0; d && i < count && out->n < PYEVAL_MAX_RANGES; i++) {
		GElf_Sym s;
		uint64_t off;
		if (!gelf_getsym(d, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC || !s.st_size ||
		    !is_eval_name(elf_strptr(e, sh->sh_link, s.st_name)) ||
		    !vaddr_to_off(e, s.st_value, &off))
			continue;
		out->lo[out->n] = off;
		out->hi[out->n++] = off + s.st_size;
	}
}

bool pyeval_find(const char *path, struct pyeval_ranges *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *e;
	Elf_Scn *scn = NULL;

	out->n = 0;
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	for (int pass = 0; e && pass < 2 && !out->n; pass++) {
		uint32_t want = pass ? SHT_DYNSYM : SHT_SYMTAB;
		scn = NULL;
		while ((scn = elf_nextscn(e, scn))) {
			GElf_Shdr sh;
			if (gelf_getshdr(scn, &sh) && sh.sh_type == want)
				scan(e, scn, &sh, out);
		}
	}
	if (e)
		elf_end(e);
	close(fd);
	return out->n > 0;
}

bool pyeval_contains(const struct pyeval_ranges *r, uint64_t off)
{
	for (size_t i = 0; i < r->n; i++)
		if (off >= r->lo[i] && off < r->hi[i])
			return true;
	return false;
}
