/* pytarget: find a CPython interpreter in a running process and read its
 * thread states and frames (see pytarget.h for the rules). */
#include "pytop/python/pytarget.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_INTERPS 64    /* interpreters walked (subinterpreters) */
#define MAX_THREADS 4096  /* thread states per interpreter: a loop guard */

/* ---- memory ---- */

int py_target_read(struct py_target *t, uint64_t addr, void *buf, size_t len)
{
	if (!len)
		return 0;
	if (!t->no_vm_readv) {
		struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
		ssize_t n = process_vm_readv(t->pid, &local, 1, &remote, 1, 0);
		if (n == (ssize_t)len)
			return 0;
		if (n >= 0 || errno == EFAULT || errno == ESRCH) {
			errno = n >= 0 ? EFAULT : errno;
			return -1;
		}
		/* ENOSYS, EPERM under some seccomp/LSM setups: try the file */
		t->no_vm_readv = true;
	}
	if (t->mem_fd < 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)t->pid);
		t->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (t->mem_fd < 0)
			return -1;
	}
	ssize_t n = pread(t->mem_fd, buf, len, (off_t)addr);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = EFAULT;
	return -1;
}

static int read_u64(struct py_target *t, uint64_t addr, uint64_t *v)
{
	return py_target_read(t, addr, v, sizeof(*v));
}

/* ---- ELF symbols of one mapped file ---- */

enum { SYM_RUNTIME, SYM_CODE, SYM_UNICODE, SYM_BYTES, SYM_VERSION, SYM_COUNT };
static const char *const sym_names[SYM_COUNT] = {
	"_PyRuntime", "PyCode_Type", "PyUnicode_Type", "PyBytes_Type", "Py_Version",
};

/* Looks up `names` in the file's .symtab, then .dynsym for what is still
 * missing (a stripped file has only the latter).  vals[i] = 0 when absent.
 * *vaddr0 gets the p_vaddr of the PT_LOAD at file offset 0, page aligned.
 * Returns 0, or -1 when the file is not a readable ELF. */
static int elf_lookup(pid_t pid, const char *path, const char *const *names, int n,
		      uint64_t *vals, uint64_t *vaddr0)
{
	char root[PATH_MAX + 32];
	int fd, found = 0, i;
	Elf *elf;
	Elf_Scn *scn;
	size_t nph = 0;
	unsigned pass;

	memset(vals, 0, sizeof(*vals) * (size_t)n);
	/* the file as the target sees it (a container's own root), else as
	 * we do */
	snprintf(root, sizeof(root), "/proc/%d/root%s", (int)pid, path);
	fd = open(root, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	if (!(elf = elf_begin(fd, ELF_C_READ, NULL)) || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return -1;
	}
	*vaddr0 = 0;
	if (elf_getphdrnum(elf, &nph) == 0)
		for (size_t k = 0; k < nph; k++) {
			GElf_Phdr ph;
			if (gelf_getphdr(elf, (int)k, &ph) && ph.p_type == PT_LOAD &&
			    ph.p_offset == 0) {
				*vaddr0 = ph.p_vaddr & ~(uint64_t)0xfff;
				break;
			}
		}
	for (pass = 0; pass < 2 && found < n; pass++) {
		unsigned want = pass ? SHT_DYNSYM : SHT_SYMTAB;
		scn = NULL;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			Elf_Data *data;
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != want || !sh.sh_entsize ||
			    !(data = elf_getdata(scn, NULL)))
				continue;
			for (size_t k = 0; k < sh.sh_size / sh.sh_entsize; k++) {
				GElf_Sym sym;
				const char *name;
				if (!gelf_getsym(data, (int)k, &sym) || sym.st_shndx == SHN_UNDEF ||
				    GELF_ST_TYPE(sym.st_info) != STT_OBJECT ||
				    !(name = elf_strptr(elf, sh.sh_link, sym.st_name)))
					continue;
				for (i = 0; i < n; i++)
					if (!vals[i] && !strcmp(name, names[i])) {
						vals[i] = sym.st_value;
						found++;
					}
			}
		}
	}
	elf_end(elf);
	close(fd);
	return 0;
}

/* ---- the mappings ---- */

/* The load bias of `path` in the target: its mapping of file offset 0
 * minus that segment's page-aligned address.  Returns 0 or -1. */
static int map_bias(pid_t pid, const char *path, uint64_t vaddr0, uint64_t *bias)
{
	char mp[64], line[PATH_MAX + 128];
	FILE *f;
	int rc = -1;
	snprintf(mp, sizeof(mp), "/proc/%d/maps", (int)pid);
	if (!(f = fopen(mp, "re")))
		return -1;
	while (rc && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, off;
		int pos = 0;
		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %n", &lo, &hi, &off, &pos) < 3 || !pos)
			continue;
		line[strcspn(line, "\n")] = 0;
		if (off == 0 && !strcmp(line + pos, path)) {
			*bias = lo - vaddr0;
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}

/* Whether a mapped file may hold the interpreter: CPython's build names the
 * executable python$(VERSION) and the library libpython$(VERSION).so; the
 * executable of the process is always looked at. */
static bool python_named(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	return !strncmp(b, "python", 6) || !strncmp(b, "libpython", 9);
}

/* "3.N" from a file name ("libpython3.9.so.1.0", "python3.9"); false when
 * the name carries no version. */
static bool version_from_name(const char *path, unsigned *major, unsigned *minor)
{
	const char *b = strrchr(path, '/'), *p;
	b = b ? b + 1 : path;
	p = strstr(b, "python");
	if (!p)
		return false;
	p += 6;
	return sscanf(p, "%u.%u", major, minor) == 2;
}

/* Finds the first mapped file defining _PyRuntime (the executable first,
 * then python-named files in map order) and fills path, bias, symbols. */
static int find_runtime(struct py_target *t, uint64_t *syms, char *why, size_t whylen)
{
	char mp[64], line[PATH_MAX + 128], exe[PATH_MAX];
	FILE *f;
	ssize_t n;
	uint64_t vaddr0;

	snprintf(mp, sizeof(mp), "/proc/%d/exe", (int)t->pid);
	n = readlink(mp, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	if (n > 0 && elf_lookup(t->pid, exe, sym_names, SYM_COUNT, syms, &vaddr0) == 0 &&
	    syms[SYM_RUNTIME] && map_bias(t->pid, exe, vaddr0, &t->bias) == 0) {
		snprintf(t->path, sizeof(t->path), "%s", exe);
		return 0;
	}
	snprintf(mp, sizeof(mp), "/proc/%d/maps", (int)t->pid);
	if (!(f = fopen(mp, "re"))) {
		snprintf(why, whylen, "pid %d: %s: %s", (int)t->pid, mp, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long off;
		int pos = 0;
		const char *path;
		if (sscanf(line, "%*x-%*x %*s %lx %*s %*s %n", &off, &pos) < 1 || !pos || off)
			continue;
		line[strcspn(line, "\n")] = 0;
		path = line + pos;
		if (path[0] != '/' || !python_named(path) || !strcmp(path, exe))
			continue;
		if (elf_lookup(t->pid, path, sym_names, SYM_COUNT, syms, &vaddr0) == 0 &&
		    syms[SYM_RUNTIME] && map_bias(t->pid, path, vaddr0, &t->bias) == 0) {
			snprintf(t->path, sizeof(t->path), "%s", path);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	snprintf(why, whylen, "pid %d: no CPython interpreter (_PyRuntime) in its mappings",
		 (int)t->pid);
	return -1;
}

/* glibc's offset of the kernel tid in struct pthread, from the descriptor
 * libc exports for libthread_db (_thread_db_pthread_tid: bits, count,
 * offset): how a pthread_self() value (3.8-3.10 thread_id) names its
 * thread.  UINT64_MAX when libc does not say. */
static uint64_t pthread_tid_offset(struct py_target *t)
{
	static const char *const name[1] = { "_thread_db_pthread_tid" };
	char mp[64], line[PATH_MAX + 128];
	uint64_t res = UINT64_MAX;
	FILE *f;
	snprintf(mp, sizeof(mp), "/proc/%d/maps", (int)t->pid);
	if (!(f = fopen(mp, "re")))
		return res;
	while (res == UINT64_MAX && fgets(line, sizeof(line), f)) {
		unsigned long off;
		int pos = 0;
		const char *path, *b;
		uint64_t val, vaddr0, bias;
		uint32_t desc[3];
		if (sscanf(line, "%*x-%*x %*s %lx %*s %*s %n", &off, &pos) < 1 || !pos || off)
			continue;
		line[strcspn(line, "\n")] = 0;
		path = line + pos;
		b = strrchr(path, '/');
		if (!b || strncmp(b + 1, "libc.so", 7))
			continue;
		/* thread_db descriptors are OBJECTs in libc's .dynsym */
		if (elf_lookup(t->pid, path, name, 1, &val, &vaddr0) || !val ||
		    map_bias(t->pid, path, vaddr0, &bias) ||
		    py_target_read(t, bias + val, desc, sizeof(desc)))
			break;
		if (desc[0] == 32 && desc[2] < 4096)
			res = desc[2];
	}
	fclose(f);
	return res;
}

/* ---- 3.13+: _Py_DebugOffsets ----
 * The layout of 3.13.0's struct (Include/internal/pycore_runtime.h): every
 * field a uint64_t, after char cookie[8].  Indexes of the fields we check. */
enum {
	DBG_VERSION = 1, DBG_FREE_THREADED = 2, DBG_RT_INTERP_HEAD = 5, DBG_IS_NEXT = 8, DBG_IS_THREADS = 9,
	DBG_TS_NEXT = 21, DBG_TS_INTERP = 22, DBG_TS_FRAME = 23, DBG_TS_THREAD_ID = 24,
	DBG_TS_NATIVE_ID = 25, DBG_IF_PREVIOUS = 29, DBG_IF_EXECUTABLE = 30, DBG_IF_INSTR = 31,
	DBG_IF_OWNER = 33, DBG_CO_SIZE = 34, DBG_CO_FILENAME = 35, DBG_CO_NAME = 36,
	DBG_CO_QUALNAME = 37, DBG_CO_LINETABLE = 38, DBG_CO_FIRSTLINENO = 39,
	DBG_CO_ADAPTIVE = 43, DBG_OB_TYPE = 45, DBG_BYTES_SIZE = 65, DBG_BYTES_SVAL = 66,
	DBG_UNI_STATE = 68, DBG_UNI_LENGTH = 69, DBG_UNI_ASCII = 70, DBG_WORDS = 71,
};

static int check_debug_offsets(struct py_target *t, char *why, size_t whylen)
{
	uint64_t w[DBG_WORDS];
	const struct py_offsets *o = &t->off;
	static const struct {
		int idx;
		size_t field;
		const char *name;
	} chk[] = {
#define C(i, f) { i, offsetof(struct py_offsets, f), #f }
		C(DBG_RT_INTERP_HEAD, runtime_interp_head), C(DBG_IS_NEXT, interp_next),
		C(DBG_IS_THREADS, interp_tstate_head), C(DBG_TS_NEXT, tstate_next),
		C(DBG_TS_INTERP, tstate_interp), C(DBG_TS_FRAME, tstate_frame),
		C(DBG_TS_THREAD_ID, tstate_thread_id), C(DBG_TS_NATIVE_ID, tstate_native_thread_id),
		C(DBG_IF_PREVIOUS, frame_back), C(DBG_IF_EXECUTABLE, frame_code),
		C(DBG_IF_INSTR, frame_instr), C(DBG_IF_OWNER, frame_owner),
		C(DBG_CO_SIZE, code_size), C(DBG_CO_FILENAME, code_filename),
		C(DBG_CO_NAME, code_name), C(DBG_CO_QUALNAME, code_qualname),
		C(DBG_CO_LINETABLE, code_linetable), C(DBG_CO_FIRSTLINENO, code_firstlineno),
		C(DBG_CO_ADAPTIVE, code_adaptive), C(DBG_OB_TYPE, ob_type),
		C(DBG_BYTES_SIZE, bytes_size), C(DBG_BYTES_SVAL, bytes_data),
		C(DBG_UNI_STATE, unicode_state), C(DBG_UNI_LENGTH, unicode_length),
		C(DBG_UNI_ASCII, unicode_ascii_data),
#undef C
	};
	if (py_target_read(t, t->runtime, w, sizeof(w))) {
		snprintf(why, whylen, "pid %d: reading _PyRuntime: %s", (int)t->pid, strerror(errno));
		return -1;
	}
	if (memcmp(w, "xdebugpy", 8)) {
		snprintf(why, whylen, "pid %d: CPython %u.%u without _Py_DebugOffsets at _PyRuntime",
			 (int)t->pid, t->major, t->minor);
		return -1;
	}
	if ((w[DBG_VERSION] >> 16) != (t->major << 8 | t->minor)) {
		snprintf(why, whylen,
			 "pid %d: _Py_DebugOffsets says version 0x%llx, the interpreter %u.%u",
			 (int)t->pid, (unsigned long long)w[DBG_VERSION], t->major, t->minor);
		return -1;
	}
	t->version_hex = w[DBG_VERSION];
	if (w[DBG_FREE_THREADED]) {
		/* Py_GIL_DISABLED builds (python3.13t) lay objects out otherwise */
		snprintf(why, whylen, "pid %d: CPython %u.%u free-threaded build is not supported",
			 (int)t->pid, t->major, t->minor);
		return -1;
	}
	for (size_t i = 0; i < sizeof(chk) / sizeof(chk[0]); i++) {
		uint16_t mine;
		memcpy(&mine, (const char *)o + chk[i].field, sizeof(mine));
		if (w[chk[i].idx] != mine) {
			snprintf(why, whylen,
				 "pid %d: CPython %u.%u build not supported: _Py_DebugOffsets %s "
				 "is %llu, expected %u",
				 (int)t->pid, t->major, t->minor, chk[i].name,
				 (unsigned long long)w[chk[i].idx], mine);
			return -1;
		}
	}
	return 0;
}

/* ---- open ---- */

int py_target_open(pid_t pid, struct py_target *t, char *why, size_t whylen)
{
	uint64_t syms[SYM_COUNT], probe;
	unsigned nmaj = 0, nmin = 0;
	bool named;
	const struct py_offsets *o;

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->mem_fd = -1;
	if (find_runtime(t, syms, why, whylen))
		return -1;
	t->runtime = t->bias + syms[SYM_RUNTIME];
	if (read_u64(t, t->runtime, &probe)) {
		snprintf(why, whylen, "pid %d: cannot read its memory: %s", (int)pid,
			 strerror(errno));
		py_target_close(t);
		return -1;
	}
	named = version_from_name(t->path, &nmaj, &nmin);
	if (syms[SYM_VERSION]) {
		if (read_u64(t, t->bias + syms[SYM_VERSION], &t->version_hex)) {
			snprintf(why, whylen, "pid %d: reading Py_Version: %s", (int)pid,
				 strerror(errno));
			py_target_close(t);
			return -1;
		}
		t->major = (unsigned)(t->version_hex >> 24) & 0xff;
		t->minor = (unsigned)(t->version_hex >> 16) & 0xff;
		if (named && (nmaj != t->major || nmin != t->minor)) {
			snprintf(why, whylen, "pid %d: %s says Py_Version %u.%u but is named %u.%u",
				 (int)pid, t->path, t->major, t->minor, nmaj, nmin);
			py_target_close(t);
			return -1;
		}
	} else if (named) {
		t->major = nmaj;
		t->minor = nmin;
	} else {
		snprintf(why, whylen,
			 "pid %d: %s: CPython version unknown (no Py_Version, no version in the "
			 "file name)",
			 (int)pid, t->path);
		py_target_close(t);
		return -1;
	}
	if (!(o = pyoff_for_version(t->major, t->minor))) {
		snprintf(why, whylen, "pid %d: CPython %u.%u is not supported (3.8-3.13)", (int)pid,
			 t->major, t->minor);
		py_target_close(t);
		return -1;
	}
	t->off = *o;
	if (!syms[SYM_CODE] || !syms[SYM_UNICODE] || !syms[SYM_BYTES]) {
		snprintf(why, whylen, "pid %d: %s lacks the PyCode/PyUnicode/PyBytes_Type symbols",
			 (int)pid, t->path);
		py_target_close(t);
		return -1;
	}
	t->code_type = t->bias + syms[SYM_CODE];
	t->unicode_type = t->bias + syms[SYM_UNICODE];
	t->bytes_type = t->bias + syms[SYM_BYTES];
	if (t->minor >= 13 && check_debug_offsets(t, why, whylen)) {
		py_target_close(t);
		return -1;
	}
	t->pthread_tid_off = pthread_tid_offset(t);
	return 0;
}

void py_target_close(struct py_target *t)
{
	if (t->mem_fd >= 0)
		close(t->mem_fd);
	t->mem_fd = -1;
}

/* ---- threads and frames ---- */

int py_target_frame(struct py_target *t, uint64_t tstate, uint64_t *frame)
{
	const struct py_offsets *o = &t->off;
	uint64_t v;
	if (read_u64(t, tstate + o->tstate_frame, &v))
		return -1;
	if (o->frame_kind == PYOFF_TS_CFRAME && v && read_u64(t, v + o->cframe_current, &v))
		return -1;
	*frame = v;
	return 0;
}

int py_target_threads(struct py_target *t, struct py_thread *out, int max)
{
	const struct py_offsets *o = &t->off;
	uint64_t interp, main_interp;
	int n = 0, ni;

	if (read_u64(t, t->runtime + o->runtime_interp_head, &interp) ||
	    read_u64(t, t->runtime + o->runtime_interp_main, &main_interp))
		return -1;
	/* the main interpreter first, then the others in list order */
	for (ni = -1; ni < MAX_INTERPS && n < max; ni++) {
		uint64_t in = ni < 0 ? main_interp : interp, ts;
		int k;
		if (ni >= 0) {
			if (!interp)
				break;
			if (read_u64(t, interp + o->interp_next, &interp))
				return -1;
			if (in == main_interp)
				continue;
		}
		if (!in)
			continue;
		if (read_u64(t, in + o->interp_tstate_head, &ts))
			return -1;
		for (k = 0; ts && k < MAX_THREADS && n < max; k++) {
			struct py_thread *th = &out[n++];
			memset(th, 0, sizeof(*th));
			th->tstate = ts;
			th->interp = in;
			if (read_u64(t, ts + o->tstate_thread_id, &th->thread_id) ||
			    py_target_frame(t, ts, &th->frame))
				return -1;
			if (o->tstate_native_thread_id != PYOFF_NONE) {
				uint64_t tid;
				if (read_u64(t, ts + o->tstate_native_thread_id, &tid))
					return -1;
				th->tid = (uint32_t)tid;
			} else if (t->pthread_tid_off != UINT64_MAX && th->thread_id) {
				int32_t tid;
				if (py_target_read(t, th->thread_id + t->pthread_tid_off, &tid,
						   sizeof(tid)) == 0 && tid > 0)
					th->tid = (uint32_t)tid;
			}
			if (read_u64(t, ts + o->tstate_next, &ts))
				return -1;
		}
	}
	return n;
}

int py_target_read_frame(struct py_target *t, uint64_t frame, struct py_frame *f)
{
	const struct py_offsets *o = &t->off;
	uint8_t buf[128];
	size_t need = (size_t)o->frame_instr + o->frame_instr_size;
	memset(f, 0, sizeof(*f));
	if (o->frame_back + 8u > need)
		need = o->frame_back + 8u;
	if (o->frame_code + 8u > need)
		need = o->frame_code + 8u;
	if (o->frame_owner != PYOFF_NONE && o->frame_owner + 1u > need)
		need = o->frame_owner + 1u;
	if (need > sizeof(buf) || py_target_read(t, frame, buf, need))
		return -1;
	memcpy(&f->back, buf + o->frame_back, 8);
	memcpy(&f->code, buf + o->frame_code, 8);
	memcpy(&f->instr, buf + o->frame_instr, o->frame_instr_size);
	if (o->frame_owner_cstack != PYOFF_NONE && buf[o->frame_owner] == o->frame_owner_cstack) {
		f->shim = true;
		f->code = 0;
	}
	if (o->frame_is_entry != PYOFF_NONE)
		f->entry = buf[o->frame_is_entry] != 0;
	else if (o->frame_owner_cstack == PYOFF_NONE)
		f->entry = true; /* before 3.11: one C eval call per frame */
	return 0;
}
