/* profile: load a pytop.data, classify frames, intern symbols and DSOs,
 * take the reader's per-(thread, stack) records, and build the stack views. */
#include "profile_int.h"
#include "pyroles_int.h"
#include "pytop/model/classes.h"
#include "pytop/base/hmap.h"

#include "pytop/base/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s && s[1] ? s + 1 : path;
}

enum frame_kind profile_classify_frame(const char *name, const char *dso)
{
	if (name && !strncmp(name, "py::", 4))
		return FRAME_PYTHON;
	if (dso && *dso) {
		if (!strncmp(dso, "[kernel", 7))
			return FRAME_KERNEL;
		return pdata_dso_is_interpreter(dso) ? FRAME_INTERPRETER : FRAME_NATIVE;
	}
	if (!name || !*name || name[0] == '[' || !strncmp(name, "0x", 2))
		return FRAME_UNKNOWN;
	return FRAME_NATIVE;
}

/* ---- DSOs and symbols ---- */

static uint32_t add_dso(struct profile *p, const char *path)
{
	uint32_t id = (uint32_t)p->ndsos;
	xgrow(&p->dsos, &p->cap_dsos, p->ndsos + 1, sizeof(*p->dsos));
	p->dsos[id].path = path;
	p->dsos[id].base = base_name(path);
	p->ndsos++;
	return id;
}

static void sym_hash_grow(struct profile *p)
{
	size_t n = p->sym_mask ? (p->sym_mask + 1) * 2 : 1024;
	free(p->sym_slots);
	p->sym_slots = xcalloc(n, sizeof(uint32_t));
	p->sym_mask = n - 1;
	for (size_t i = 0; i < p->nsyms; i++) {
		uint64_t h = hmap_mix64(((uint64_t)p->syms[i].name << 32) | p->syms[i].dso);
		size_t s = h & p->sym_mask;
		while (p->sym_slots[s])
			s = (s + 1) & p->sym_mask;
		p->sym_slots[s] = (uint32_t)i + 1;
	}
}

/* Python names: "py::qual:/path/file.py" -> function "qual", file
 * "/path/file.py", long name "qual (/path/file.py)"; the short name waits
 * for every file to be known (python_short_names). */
static void python_names(struct profile *p, struct psym *s)
{
	const char *q = s->raw + 4, *colon = strchr(q, ':');
	size_t qlen, n;
	char *buf;
	if (!colon || !colon[1]) {
		s->shortn = s->longn = arena_strndup(&p->arena, q, strlen(q));
		s->func = s->shortn;
		return;
	}
	qlen = (size_t)(colon - q);
	s->func = arena_strndup(&p->arena, q, qlen);
	s->file = colon + 1;
	n = qlen + strlen(colon + 1) + 4;
	buf = arena_alloc(&p->arena, n);
	snprintf(buf, n, "%.*s (%s)", (int)qlen, q, colon + 1);
	s->longn = s->shortn = buf;
}

static uint32_t intern_sym_line(struct profile *p, uint32_t name, const char *raw, uint32_t dso,
				enum frame_kind kind, bool inlined, uint32_t line)
{
	uint64_t h;
	size_t slot;
	struct psym *s;

	if ((p->nsyms + 1) * 2 > p->sym_mask)
		sym_hash_grow(p);
	h = hmap_mix64(((uint64_t)name << 32) | dso) ^ inlined ^ ((uint64_t)line << 1);
	for (slot = h & p->sym_mask; p->sym_slots[slot]; slot = (slot + 1) & p->sym_mask) {
		s = &p->syms[p->sym_slots[slot] - 1];
		if (s->name == name && s->dso == dso && s->inlined == inlined && s->line == line &&
		    name != PROFILE_NONE)
			return p->sym_slots[slot] - 1;
	}
	xgrow(&p->syms, &p->cap_syms, p->nsyms + 1, sizeof(*p->syms));
	s = &p->syms[p->nsyms];
	s->name = name;
	s->dso = dso;
	s->kind = (uint8_t)kind;
	s->inlined = inlined;
	s->role = (uint8_t)pyrole_of(raw, kind);
	s->mark = kind == FRAME_PYTHON || kind == FRAME_UNKNOWN ? CLASS_COUNT : pyclass_mark(raw);
	s->offmark = CLASS_COUNT;
	s->io = 0;
	s->line = line;
	if (kind != FRAME_PYTHON && kind != FRAME_UNKNOWN) {
		s->offmark = pyclass_off_mark(raw);
		if (s->offmark == CLASS_IO)
			s->io = class_pattern_match(CLASS_IO_SOCKET_FRAMES, raw) ? REC_IO_SOCKET
				: class_pattern_match(CLASS_IO_FILE_FRAMES, raw) ? REC_IO_FILE : 0;
	}
	if (inlined) {
		size_t n = strlen(raw) + sizeof(" (inlined)");
		char *buf = arena_alloc(&p->arena, n);
		snprintf(buf, n, "%s (inlined)", raw);
		raw = buf;
	}
	s->raw = s->shortn = s->longn = raw;
	s->func = raw; /* native: its name; Python: its qualname (python_names) */
	s->file = s->file_short = NULL;
	if (inlined)
		s->func = name == PROFILE_NONE ? raw : pdata_str(p->pd, name);
	if (kind == FRAME_PYTHON && !strncmp(raw, "py::", 4))
		python_names(p, s);
	p->sym_slots[slot] = (uint32_t)p->nsyms + 1;
	return (uint32_t)p->nsyms++;
}

static uint32_t intern_sym(struct profile *p, uint32_t name, const char *raw, uint32_t dso,
			   enum frame_kind kind, bool inlined)
{
	return intern_sym_line(p, name, raw, dso, kind, inlined, 0);
}

/* --lines: a symbol per (Python function, line) for the frames with a
 * line; the others keep their symbol.  No map when no frame has a line. */
static void build_line_symbols(struct profile *p)
{
	const struct pdata *pd = p->pd;
	size_t i;

	for (i = 0; i < pd->nframes && !pd->frames[i].line; i++)
		;
	if (i == pd->nframes)
		return;
	p->frame_sym_line = xmalloc(pd->nframes, sizeof(uint32_t));
	for (i = 0; i < pd->nframes; i++) {
		const struct pdata_frame *f = &pd->frames[i];
		const struct psym *base = &p->syms[p->frame_sym[i]];
		p->frame_sym_line[i] = p->frame_sym[i];
		if (f->line && base->kind == FRAME_PYTHON && base->file && !base->inlined)
			p->frame_sym_line[i] = intern_sym_line(p, base->name, base->raw, base->dso,
							       FRAME_PYTHON, false,
							       f->line);
	}
}

/* "qual (file)" -> "qual (file:LINE)", once the short names are known. */
static void line_names(struct profile *p)
{
	for (size_t i = 0; i < p->nsyms; i++) {
		struct psym *s = &p->syms[i];
		const char *names[2] = { s->shortn, s->longn };
		const char *out[2];
		if (!s->line)
			continue;
		for (int k = 0; k < 2; k++) {
			size_t len = strlen(names[k]), n = len + 12;
			char *buf = arena_alloc(&p->arena, n);
			if (len && names[k][len - 1] == ')')
				snprintf(buf, n, "%.*s:%u)", (int)(len - 1), names[k], s->line);
			else
				snprintf(buf, n, "%s:%u", names[k], s->line);
			out[k] = buf;
		}
		s->shortn = out[0];
		s->longn = out[1];
	}
}

static void build_symbols(struct profile *p)
{
	const struct pdata *pd = p->pd;
	uint32_t *mapping_dso = xmalloc(pd->nmappings ? pd->nmappings : 1, sizeof(uint32_t));
	uint32_t *path_dso = xmalloc(pd->nstrings, sizeof(uint32_t));

	/* one DSO per distinct path */
	for (size_t i = 0; i < pd->nstrings; i++)
		path_dso[i] = PROFILE_NONE;
	p->dso_unknown = add_dso(p, "[unknown]");
	p->dso_python = add_dso(p, "[python]");
	for (size_t i = 0; i < pd->nmappings; i++) {
		uint32_t path = pd->mappings[i].path;
		if (path_dso[path] == PROFILE_NONE)
			path_dso[path] = add_dso(p, pdata_str(pd, path));
		mapping_dso[i] = path_dso[path];
	}
	p->frame_sym = xmalloc(pd->nframes ? pd->nframes : 1, sizeof(uint32_t));
	for (size_t i = 0; i < pd->nframes; i++) {
		const struct pdata_frame *f = &pd->frames[i];
		const char *name = pdata_str(pd, f->name);
		const char *path = f->mapping != PDATA_NONE ? pdata_str(pd, pd->mappings[f->mapping].path)
							   : NULL;
		enum frame_kind kind = f->kind < FRAME_KIND_COUNT ? (enum frame_kind)f->kind
								 : FRAME_UNKNOWN;
		uint32_t dso;
		/* no guessing from the address: a frame-pointer walk through code
		 * without frame pointers yields user "addresses" of any value */
		if (kind == FRAME_UNKNOWN)
			kind = profile_classify_frame(name, path);
		if (f->mapping != PDATA_NONE)
			dso = mapping_dso[f->mapping];
		else if (kind == FRAME_PYTHON)
			dso = p->dso_python;
		else
			dso = p->dso_unknown;
		p->frame_sym[i] = intern_sym(p, f->name, name, dso, kind,
					     (f->flags & FRAME_F_INLINED) != 0);
	}
	p->sym_interp = intern_sym(p, PROFILE_NONE, "[interpreter]", p->dso_python,
				   FRAME_INTERPRETER, false);
	p->sym_unknown = intern_sym(p, PROFILE_NONE, "[unknown]", p->dso_unknown, FRAME_UNKNOWN,
				    false);
	p->sym_trunc = intern_sym(p, PROFILE_NONE, "[truncated]", p->dso_unknown, FRAME_UNKNOWN,
				  false);
	build_line_symbols(p);
	python_short_names(p);
	line_names(p);
	free(mapping_dso);
	free(path_dso);
}

/* ---- the file's (thread, stack) records ---- */

/* The reader aggregated the samples while decoding (pdata.h): the profile
 * works from those records and never sees a sample. */
static void use_aggregate(struct profile *p)
{
	const struct pdata *pd = p->pd;

	p->brecs = pd->aggs;
	p->nbrecs = pd->naggs;
	p->info.total_weight = pd->total_weight - pd->off_weight;
	for (size_t i = 0; i < pd->naggs; i++) {
		const struct pdata_agg *r = &pd->aggs[i];
		if (r->stack == PDATA_NONE)
			p->info.empty += r->samples;
		else if (pd->stacks[r->stack].parent != PDATA_NONE)
			p->info.has_callchains = true;
	}
}

/* ---- load ---- */

static void fill_info(struct profile *p)
{
	const struct pdata *pd = p->pd;
	const struct pdata_meta *m = &pd->meta;
	struct profile_info *in = &p->info;
	in->nsamples = pd->nsamples - pd->off_nsamples;
	in->off_cpu_samples = pd->off_nsamples;
	in->off_cpu_weight = pd->off_weight;
	in->switch_outs = m->switch_outs;
	in->off_cpu_dropped = m->off_cpu_dropped;
	in->switch_lost = m->switch_lost;
	in->has_off_cpu = pd->off_nsamples > 0 || m->switch_outs > 0;
	for (size_t t = 0; t < pd->nthreads && !in->has_off_cpu; t++)
		in->has_off_cpu = pd->threads[t].has_span;
	in->nstacks = pd->nstacks;
	in->nthreads = pd->nthreads;
	in->lost = m->lost;
	in->throttled = m->throttled;
	in->truncated = m->truncated;
	memcpy(in->truncated_why, m->truncated_why, sizeof(in->truncated_why));
	in->freq = m->freq;
	in->period = m->period;
	in->start_time = m->start_time;
	in->duration = m->duration;
	in->event = pdata_str(pd, m->event);
	in->cmdline = pdata_str(pd, m->cmdline);
	in->callchain = pdata_str(pd, m->callchain);
	in->callchain_reason = pdata_str(pd, m->callchain_reason);
	in->python_path = pdata_str(pd, m->python_path);
	in->python_version = pdata_str(pd, m->python_version);
	in->hostname = pdata_str(pd, m->hostname);
	in->os_release = pdata_str(pd, m->os_release);
	in->arch = pdata_str(pd, m->arch);
	in->pytop_version = pdata_str(pd, m->pytop_version);
}

struct profile *profile_from_pdata(struct pdata *pd)
{
	struct profile *p = xcalloc(1, sizeof(*p));
	p->pd = pd;
	arena_init(&p->arena);
	fill_info(p);
	build_symbols(p);
	use_aggregate(p);
	return p;
}

struct profile *profile_load(const char *path, struct pdata_error *err)
{
	struct pdata *pd = pdata_read(path, err);
	return pd ? profile_from_pdata(pd) : NULL;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	for (int m = 0; m < 4; m++) {
		view_free(p->views[m]);
		view_free(p->cut[m]);
	}
	free(p->frame_sym);
	free(p->frame_sym_line);
	free(p->syms);
	free(p->sym_slots);
	free(p->dsos);
	arena_free(&p->arena);
	pdata_free(p->pd);
	free(p);
}

void profile_prepare(const struct profile *p)
{
	for (int py = 0; py < 2; py++) {
		const struct view *v = profile_view(p, py, 0);
		const uint32_t *cstart;
		size_t n;
		view_children(v, &cstart);
		for (int fk = 1; fk <= 2; fk++) {
			view_first_nodes(p, v, fk, 0, &n);
			view_thread_keys(p, v, fk);
		}
		view_edges(p, v);
		view_totals(p, v);
		/* the records by command, the browser's first sort key */
		view_groups(p, v, VIEW_GROUP_COMM, true);
	}
}

const struct profile_info *profile_info(const struct profile *p)
{
	return &p->info;
}

bool profile_has_python(const struct profile *p)
{
	for (size_t i = 0; i < p->nsyms; i++)
		if (p->syms[i].kind == FRAME_PYTHON)
			return true;
	return false;
}

const struct pdata *profile_pdata(const struct profile *p)
{
	return p->pd;
}

size_t profile_nsyms(const struct profile *p)
{
	return p->nsyms;
}

const char *profile_sym_name(const struct profile *p, uint32_t sym, unsigned flags)
{
	const struct psym *s;
	if (sym >= p->nsyms)
		return "[unknown]";
	s = &p->syms[sym];
	if (flags & PNAME_RAW)
		return s->raw;
	return flags & PNAME_VERBOSE ? s->longn : s->shortn;
}

const char *profile_sym_function(const struct profile *p, uint32_t sym)
{
	return sym < p->nsyms ? p->syms[sym].func : "[unknown]";
}

const char *profile_sym_file(const struct profile *p, uint32_t sym, bool verbose)
{
	if (sym >= p->nsyms || !p->syms[sym].file)
		return NULL;
	return verbose ? p->syms[sym].file : p->syms[sym].file_short;
}

uint32_t profile_sym_line(const struct profile *p, uint32_t sym)
{
	return sym < p->nsyms ? p->syms[sym].line : 0;
}

enum frame_kind profile_sym_kind(const struct profile *p, uint32_t sym)
{
	return sym < p->nsyms ? (enum frame_kind)p->syms[sym].kind : FRAME_UNKNOWN;
}

uint32_t profile_sym_dso(const struct profile *p, uint32_t sym)
{
	return sym < p->nsyms ? p->syms[sym].dso : PROFILE_NONE;
}

size_t profile_ndsos(const struct profile *p)
{
	return p->ndsos;
}

const char *profile_dso_name(const struct profile *p, uint32_t dso, bool verbose)
{
	if (dso >= p->ndsos)
		return "[unknown]";
	return verbose ? p->dsos[dso].path : p->dsos[dso].base;
}

size_t profile_nthreads(const struct profile *p)
{
	return p->pd->nthreads;
}

const char *profile_thread_comm(const struct profile *p, uint32_t thread)
{
	return thread < p->pd->nthreads ? pdata_str(p->pd, p->pd->threads[thread].comm) : "";
}

uint32_t profile_thread_pid(const struct profile *p, uint32_t thread)
{
	return thread < p->pd->nthreads ? p->pd->threads[thread].pid : 0;
}

uint32_t profile_thread_tid(const struct profile *p, uint32_t thread)
{
	return thread < p->pd->nthreads ? p->pd->threads[thread].tid : 0;
}

uint64_t profile_thread_weight(const struct profile *p, uint32_t thread)
{
	const struct pdata_thread *t = thread < p->pd->nthreads ? &p->pd->threads[thread] : NULL;
	return t ? t->weight - t->off_weight : 0;
}

uint64_t profile_thread_samples(const struct profile *p, uint32_t thread)
{
	const struct pdata_thread *t = thread < p->pd->nthreads ? &p->pd->threads[thread] : NULL;
	return t ? t->nsamples - t->off_samples : 0;
}

bool profile_has_off_cpu(const struct profile *p)
{
	return p->info.has_off_cpu;
}

bool profile_thread_span(const struct profile *p, uint32_t thread, uint64_t *start_ns,
			 uint64_t *end_ns)
{
	const struct pdata_thread *t = thread < p->pd->nthreads ? &p->pd->threads[thread] : NULL;
	*start_ns = t && t->has_span ? t->span_start : 0;
	*end_ns = t && t->has_span ? t->span_end : 0;
	return t && t->has_span;
}

void profile_pid_totals(const struct profile *p, uint32_t pid, uint64_t *weight,
			uint64_t *samples)
{
	*weight = *samples = 0;
	for (size_t t = 0; t < p->pd->nthreads; t++)
		if (p->pd->threads[t].pid == pid) {
			*weight += profile_thread_weight(p, (uint32_t)t);
			*samples += profile_thread_samples(p, (uint32_t)t);
		}
}
