/* mkfixture: write a pytop.data from a readable text description, or dump
 * one back as text.  Gives the model and TUI tests exact, hand-checkable
 * inputs.
 *
 *   mkfixture [-o OUT] [DESC]          text (file or stdin) -> OUT (pytop.data)
 *   mkfixture --dump FILE              every table of FILE as text
 *   mkfixture --synthetic SAMPLES STACKS [-o OUT]
 *                                      a large deterministic profile for benches
 *
 * Description lines ('#' starts a comment):
 *   meta KEY VALUE...        KEY is a field of struct pdata_meta (cmdline,
 *                            event, freq, python_version, lost, ...;
 *                            truncated_why.N for reason N of enum pdata_trunc;
 *                            truncated, after the samples, replaces the count
 *                            of their trunc flags: for inconsistent files)
 *   mapping PATH [BUILD_ID]  declare a mapping's build-id
 *   sample COMM PID/TID COUNT [w=WEIGHT] [t=TIME_NS] [trunc] [off] [preempt] : FRAME;...
 *                            COUNT samples of one stack, root first; `off`
 *                            makes them off-CPU samples (WEIGHT ns waited),
 *                            `preempt` preempted ones
 *   span COMM PID/TID START END   the thread's span, ns from the recording's start
 * A FRAME is NAME or NAME@DSO, with "!inlined" after it for an inlined
 * call (FRAME_F_INLINED).  Its kind follows DESIGN.md: "py::" names are
 * python, DSO [kernel.kallsyms] is kernel, a DSO named libpython* or python*
 * is interpreter, a frame without DSO whose name starts with '[' is unknown,
 * anything else native.  A python frame py::QUAL:FILE:LINE carries source
 * line LINE (format 1.2: py::tally:lines.py:8 is line 8 of tally, a frame
 * of its own beside py::tally:lines.py:12).  Weights default to 1 and times advance by 1 ms.
 * In COMM, NAME and DSO, \xHH stands for the byte HH (hostile names: escape
 * sequences, ';', '@', spaces, invalid UTF-8). */
#include "pytop/format/pdata.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *fmt, const char *a, long line)
{
	fprintf(stderr, "mkfixture: ");
	fprintf(stderr, fmt, a);
	if (line)
		fprintf(stderr, " (line %ld)", line);
	fputc('\n', stderr);
	exit(2);
}

static enum frame_kind infer_kind(const char *name, const char *dso)
{
	if (!strncmp(name, "py::", 4))
		return FRAME_PYTHON;
	if (!dso)
		return name[0] == '[' ? FRAME_UNKNOWN : FRAME_NATIVE;
	if (!strcmp(dso, "[kernel.kallsyms]"))
		return FRAME_KERNEL;
	return pdata_dso_is_interpreter(dso) ? FRAME_INTERPRETER : FRAME_NATIVE;
}

/* Decode \xHH in place (any other backslash stays as it is). */
static char *unhex(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		unsigned v;
		if (r[0] == '\\' && r[1] == 'x' && sscanf(r + 2, "%2x", &v) == 1 &&
		    strspn(r + 2, "0123456789abcdefABCDEF") >= 2) {
			*w++ = (char)v;
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return s;
}

/* A python name's trailing ":LINE" after its file (py::QUAL:FILE:LINE):
 * cut it off and return LINE, else 0. */
static uint32_t py_line(char *name)
{
	char *file, *colon, *end;
	unsigned long v;

	if (strncmp(name, "py::", 4) || !(file = strchr(name + 4, ':')) ||
	    !(colon = strrchr(file + 1, ':')) || !colon[1])
		return 0;
	errno = 0;
	v = strtoul(colon + 1, &end, 10);
	if (*end || errno || v == 0 || v > INT32_MAX || colon[1] < '0' || colon[1] > '9')
		return 0;
	*colon = '\0';
	return (uint32_t)v;
}

static uint32_t frame_of(struct pdata *pd, char *spec)
{
	struct pdata_frame f = { .mapping = PDATA_NONE };
	char *at = strrchr(spec, '@');
	const char *dso = NULL;
	size_t n = strlen(spec);

	if (n > 8 && !strcmp(spec + n - 8, "!inlined")) {
		spec[n - 8] = '\0';
		f.flags = FRAME_F_INLINED;
	}
	if (at && at != spec) {
		*at = '\0';
		dso = unhex(at + 1);
		f.mapping = pdata_add_mapping(pd, dso, "");
	}
	unhex(spec);
	f.line = py_line(spec);
	f.name = pdata_intern_cstr(pd, spec);
	f.kind = (uint8_t)infer_kind(spec, dso);
	f.addr = (uint64_t)f.name * 16; /* distinct per name, stable */
	return pdata_intern_frame(pd, &f);
}

static void set_meta(struct pdata *pd, char *key, char *val, long line)
{
	struct { const char *name; uint32_t *s; uint64_t *u; } fields[] = {
		{ "cmdline", &pd->meta.cmdline, NULL },
		{ "event", &pd->meta.event, NULL },
		{ "callchain", &pd->meta.callchain, NULL },
		{ "callchain_reason", &pd->meta.callchain_reason, NULL },
		{ "python_path", &pd->meta.python_path, NULL },
		{ "python_version", &pd->meta.python_version, NULL },
		{ "hostname", &pd->meta.hostname, NULL },
		{ "os_release", &pd->meta.os_release, NULL },
		{ "arch", &pd->meta.arch, NULL },
		{ "pytop_version", &pd->meta.pytop_version, NULL },
		{ "freq", NULL, &pd->meta.freq },
		{ "period", NULL, &pd->meta.period },
		{ "stack_bytes", NULL, &pd->meta.stack_bytes },
		{ "start_time", NULL, &pd->meta.start_time },
		{ "duration", NULL, &pd->meta.duration },
		{ "lost", NULL, &pd->meta.lost },
		{ "throttled", NULL, &pd->meta.throttled },
		{ "truncated", NULL, &pd->meta.truncated }, /* after the samples: overrides their count */
		{ "nr_cpus", NULL, &pd->meta.nr_cpus },
		{ "switch_outs", NULL, &pd->meta.switch_outs },
		{ "off_cpu_dropped", NULL, &pd->meta.off_cpu_dropped },
		{ "switch_lost", NULL, &pd->meta.switch_lost },
	};
	for (int k = 0; k < TRUNC_COUNT; k++) {
		char name[40];
		snprintf(name, sizeof(name), "truncated_why.%d", k);
		if (!strcmp(key, name)) {
			pd->meta.truncated_why[k] = strtoull(val, NULL, 0);
			return;
		}
	}
	if (!strcmp(key, "exit_status")) {
		pd->meta.exit_status = strtoll(val, NULL, 0);
		return;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(key, fields[i].name))
			continue;
		if (fields[i].s)
			*fields[i].s = pdata_intern_cstr(pd, unhex(val));
		else
			*fields[i].u = strtoull(val, NULL, 0);
		return;
	}
	die("unknown meta key '%s'", key, line);
}

static void parse(struct pdata *pd, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	uint64_t time = 1000000000;

	while (getline(&line, &cap, in) > 0) {
		char *p = line, *cmd;
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		p += strspn(p, " \t");
		if (!*p || *p == '#')
			continue;
		cmd = strsep(&p, " \t");
		if (!strcmp(cmd, "meta")) {
			char *key = strsep(&p, " \t");
			if (!key || !p)
				die("%s: meta needs KEY VALUE", "", lineno);
			set_meta(pd, key, p, lineno);
		} else if (!strcmp(cmd, "mapping")) {
			char *path = strsep(&p, " \t");
			if (!path || !*path)
				die("%s: mapping needs PATH", "", lineno);
			pdata_add_mapping(pd, path, p ? p : "");
		} else if (!strcmp(cmd, "sample")) {
			char *colon = strstr(p ? p : "", " :");
			char *comm, *ids, *count, *opt, *frames, *tok;
			unsigned pid, tid;
			uint64_t weight = 1, n;
			uint8_t flags = 0;
			uint32_t stack = PDATA_NONE, thread;

			if (!colon)
				die("%s: sample needs ' : FRAMES'", "", lineno);
			*colon = '\0';
			frames = colon + 2;
			comm = strsep(&p, " \t");
			ids = strsep(&p, " \t");
			count = strsep(&p, " \t");
			if (!comm || !ids || !count || sscanf(ids, "%u/%u", &pid, &tid) != 2)
				die("%s: sample needs COMM PID/TID COUNT", "", lineno);
			n = strtoull(count, NULL, 10);
			while ((opt = strsep(&p, " \t"))) {
				if (!strncmp(opt, "w=", 2))
					weight = strtoull(opt + 2, NULL, 10);
				else if (!strncmp(opt, "t=", 2))
					time = strtoull(opt + 2, NULL, 10);
				else if (!strcmp(opt, "trunc"))
					flags |= SAMPLE_F_TRUNCATED;
				else if (!strcmp(opt, "off"))
					flags |= SAMPLE_F_OFF_CPU;
				else if (!strcmp(opt, "preempt"))
					flags |= SAMPLE_F_OFF_CPU | SAMPLE_F_PREEMPTED;
				else if (*opt)
					die("unknown sample option '%s'", opt, lineno);
			}
			frames += strspn(frames, " \t");
			while ((tok = strsep(&frames, ";")))
				if (*tok)
					stack = pdata_intern_stack(pd, stack, frame_of(pd, tok));
			thread = pdata_intern_thread(pd, pid, tid, unhex(comm));
			for (uint64_t i = 0; i < n; i++) {
				struct pdata_sample s = { .time = time, .weight = weight,
							  .thread = thread, .stack = stack,
							  .flags = flags };
				pdata_add_sample(pd, &s);
				time += 1000000;
			}
		} else if (!strcmp(cmd, "span")) {
			char *comm = strsep(&p, " \t"), *ids = strsep(&p, " \t");
			unsigned pid, tid;
			unsigned long long a, b;
			struct pdata_thread *t;
			if (!comm || !ids || !p || sscanf(ids, "%u/%u", &pid, &tid) != 2 ||
			    sscanf(p, "%llu %llu", &a, &b) != 2 || b < a)
				die("%s: span needs COMM PID/TID START END", "", lineno);
			t = &pd->threads[pdata_intern_thread(pd, pid, tid, unhex(comm))];
			t->has_span = true;
			t->span_start = a;
			t->span_end = b;
		} else {
			die("unknown directive '%s'", cmd, lineno);
		}
	}
	free(line);
}

/* The samples of a synthetic profile, generated again on each pass (the
 * streaming writer reads its source twice), so no per-sample array is
 * held: 100M samples take the memory of their 50K stacks. */
struct synth {
	uint32_t *leaves, threads[4];
	uint64_t nsamples, nstacks, i, rng;
};

static int synth_rewind(void *ctx)
{
	struct synth *g = ctx;
	g->i = 0;
	g->rng = 0x9e3779b97f4a7c15ULL;
	return 0;
}

static int synth_next(void *ctx, struct pdata_sample *s)
{
	struct synth *g = ctx;
	double u;

	if (g->i >= g->nsamples)
		return 0;
	*s = (struct pdata_sample){ .time = 1000000000 + g->i * 1001001, .weight = 1001001 };
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	/* skew: square a uniform draw so low indexes are hot */
	u = (double)(g->rng >> 11) / 9007199254740992.0;
	s->stack = g->nstacks ? g->leaves[(uint64_t)(u * u * (double)g->nstacks)] : PDATA_NONE;
	s->thread = g->threads[(g->rng >> 3) % 4];
	g->i++;
	return 1;
}

/* A deterministic profile: a few threads, frames from several DSOs,
 * `nstacks` distinct leaves over a shared trunk, Zipf-like popularity.
 * Fills pd's tables and g, the source of its samples. */
static void synthetic(struct pdata *pd, struct synth *g, uint64_t nsamples, uint64_t nstacks)
{
	static const char *const dsos[] = { "/usr/bin/python3.12", "/usr/lib/libc.so.6",
					    "/opt/ext/_speedups.so", "[kernel.kallsyms]" };
	char name[64];

	g->leaves = xmalloc(nstacks ? nstacks : 1, sizeof(*g->leaves));
	g->nsamples = nsamples;
	g->nstacks = nstacks;
	synth_rewind(g);
	pd->meta.event = pdata_intern_cstr(pd, "cpu-clock");
	pd->meta.freq = 999;
	pd->meta.cmdline = pdata_intern_cstr(pd, "python3 -X perf synthetic.py");
	pd->meta.callchain = pdata_intern_cstr(pd, "dwarf");
	for (int t = 0; t < 4; t++)
		g->threads[t] = pdata_intern_thread(pd, 1000, 1000 + (uint32_t)t, t ? "worker" : "python3");
	for (uint64_t i = 0; i < nstacks; i++) {
		uint64_t x = i;
		uint32_t st = PDATA_NONE;
		int depth = 3 + (int)(i % 17);
		for (int d = 0; d < depth; d++) {
			struct pdata_frame f = { .mapping = PDATA_NONE };
			unsigned k = (unsigned)(x % 97);
			const char *dso = dsos[(d + k) % 4];
			if (d % 2 == 0)
				snprintf(name, sizeof(name), "py::func_%u_%u:/app/mod%u.py", d, k, k % 7);
			else
				snprintf(name, sizeof(name), "native_%u_%u", d, k);
			f.name = pdata_intern_cstr(pd, name);
			f.mapping = d % 2 ? pdata_add_mapping(pd, dso, "") : PDATA_NONE;
			f.kind = (uint8_t)(d % 2 ? infer_kind(name, dso) : FRAME_PYTHON);
			f.addr = 0x1000 + (uint64_t)f.name * 16;
			st = pdata_intern_stack(pd, st, pdata_intern_frame(pd, &f));
			x = x / 97 + i * 31 + (uint64_t)d;
		}
		g->leaves[i] = st;
	}
}

/* Streams pd with g's samples to `out` (through a temporary file and a
 * rename, like pdata_write). */
static int write_synthetic(const struct pdata *pd, struct synth *g, const char *out,
			   struct pdata_error *err)
{
	struct pdata_sample_src src = { .next = synth_next, .rewind = synth_rewind, .ctx = g,
					.count = g->nsamples };
	size_t n = strlen(out) + 16;
	char *tmp = xmalloc(n, 1);
	int fd, rc = -1;

	snprintf(tmp, n, "%s.tmp.XXXXXX", out);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot create temporary file: %s", strerror(errno));
	} else if (pdata_write_fd(pd, &src, fd, NULL, err) < 0) {
		close(fd);
		unlink(tmp);
	} else if (close(fd) < 0 || rename(tmp, out) < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot write: %s", strerror(errno));
		unlink(tmp);
	} else {
		rc = 0;
	}
	free(tmp);
	return rc;
}

static void dump(const struct pdata *pd)
{
	const struct pdata_meta *m = &pd->meta;
	printf("strings %zu\n", pd->nstrings);
	for (size_t i = 0; i < pd->nstrings; i++)
		printf("  s%zu '%s'\n", i, pd->strings[i].s);
	for (size_t i = 0; i < pd->nmappings; i++)
		printf("mapping %zu path=s%u build_id=s%u\n", i, pd->mappings[i].path,
		       pd->mappings[i].build_id);
	for (size_t i = 0; i < pd->nframes; i++) {
		const struct pdata_frame *f = &pd->frames[i];
		printf("frame %zu name=s%u mapping=%d kind=%s flags=%u addr=%#" PRIx64 "\n", i,
		       f->name, f->mapping == PDATA_NONE ? -1 : (int)f->mapping,
		       frame_kind_name(f->kind), f->flags, f->addr);
		if (f->line)
			printf("frame %zu line=%u\n", i, f->line);
	}
	for (size_t i = 0; i < pd->nstacks; i++)
		printf("stack %zu parent=%d frame=%u\n", i,
		       pd->stacks[i].parent == PDATA_NONE ? -1 : (int)pd->stacks[i].parent,
		       pd->stacks[i].frame);
	for (size_t i = 0; i < pd->nthreads; i++) {
		printf("thread %zu pid=%u tid=%u comm=s%u", i, pd->threads[i].pid,
		       pd->threads[i].tid, pd->threads[i].comm);
		if (pd->threads[i].has_span)
			printf(" span=%" PRIu64 "..%" PRIu64, pd->threads[i].span_start,
			       pd->threads[i].span_end);
		printf("\n");
	}
	for (size_t i = 0; i < pd->nsamples; i++) {
		const struct pdata_sample *s = &pd->samples[i];
		printf("sample time=%" PRIu64 " weight=%" PRIu64 " thread=%u stack=%d flags=%u\n",
		       s->time, s->weight, s->thread,
		       s->stack == PDATA_NONE ? -1 : (int)s->stack, s->flags);
	}
	printf("meta cmdline='%s' event='%s' callchain='%s' callchain_reason='%s'\n",
	       pdata_str(pd, m->cmdline), pdata_str(pd, m->event), pdata_str(pd, m->callchain),
	       pdata_str(pd, m->callchain_reason));
	printf("meta python_path='%s' python_version='%s' hostname='%s' os_release='%s' arch='%s' pytop_version='%s'\n",
	       pdata_str(pd, m->python_path), pdata_str(pd, m->python_version),
	       pdata_str(pd, m->hostname), pdata_str(pd, m->os_release), pdata_str(pd, m->arch),
	       pdata_str(pd, m->pytop_version));
	printf("meta freq=%" PRIu64 " period=%" PRIu64 " stack_bytes=%" PRIu64
	       " start_time=%" PRIu64 " duration=%" PRIu64 " lost=%" PRIu64
	       " throttled=%" PRIu64 " truncated=%" PRIu64 " nr_cpus=%" PRIu64
	       " exit_status=%" PRId64 "\n",
	       m->freq, m->period, m->stack_bytes, m->start_time, m->duration, m->lost,
	       m->throttled, m->truncated, m->nr_cpus, m->exit_status);
	for (int k = 0; k < TRUNC_COUNT; k++)
		if (m->truncated_why[k])
			printf("meta truncated_why.%d=%" PRIu64 " (%s)\n", k, m->truncated_why[k],
			       pdata_trunc_name(k));
	if (m->switch_outs || m->off_cpu_dropped || m->switch_lost)
		printf("meta switch_outs=%" PRIu64 " off_cpu_dropped=%" PRIu64 " switch_lost=%" PRIu64
		       "\n", m->switch_outs, m->off_cpu_dropped, m->switch_lost);
}

int main(int argc, char **argv)
{
	const char *out = "pytop.data", *in = NULL;
	struct pdata_error err;
	struct pdata *pd;
	struct synth g = { .leaves = NULL };
	FILE *f = stdin;

	if (argc == 3 && !strcmp(argv[1], "--dump")) {
		pd = pdata_read_ex(argv[2], PDATA_KEEP_SAMPLES, &err);
		if (!pd) {
			fprintf(stderr, "mkfixture: %s: %s\n", argv[2], err.msg);
			return 1;
		}
		dump(pd);
		pdata_free(pd);
		return 0;
	}
	pd = pdata_new();
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--synthetic") && i + 2 < argc) {
			synthetic(pd, &g, strtoull(argv[i + 1], NULL, 10), strtoull(argv[i + 2], NULL, 10));
			i += 2;
			f = NULL;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			die("unknown option '%s'", argv[i], 0);
		} else {
			in = argv[i];
		}
	}
	if (in && !(f = fopen(in, "r")))
		die("cannot open '%s'", in, 0);
	if (f) {
		parse(pd, f);
		if (in)
			fclose(f);
	}
	if (g.leaves ? write_synthetic(pd, &g, out, &err) < 0 : pdata_write(pd, out, false, &err) < 0) {
		fprintf(stderr, "mkfixture: %s: %s\n", out, err.msg);
		return 1;
	}
	free(g.leaves);
	pdata_free(pd);
	return 0;
}
