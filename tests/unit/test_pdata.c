/* test_pdata: the sample file survives a round trip field by field, and the
 * reader turns every corrupt, truncated or bit-flipped image into an error
 * (never a crash, which ASan/UBSan would catch). */
#include "pytop/format/codec.h"
#include "pytop/format/pdata.h"
#include "../../model/format/pdata_format.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct pdata *sample_profile(void)
{
	struct pdata *pd = pdata_new();
	struct pdata_frame f = { .mapping = PDATA_NONE };
	uint32_t m0, m1, fr[4], st[4], th[3];

	m0 = pdata_add_mapping(pd, "/usr/lib/libpython3.12.so.1.0", "0123456789abcdef");
	m1 = pdata_add_mapping(pd, "[kernel.kallsyms]", "");
	f.name = pdata_intern_cstr(pd, "_PyEval_EvalFrameDefault");
	f.mapping = m0;
	f.addr = 0x1f2e3d;
	f.kind = FRAME_INTERPRETER;
	fr[0] = pdata_intern_frame(pd, &f);
	f.name = pdata_intern_cstr(pd, "py::slow_function:/tmp/profile_perf.py");
	f.mapping = PDATA_NONE;
	f.addr = 0x7f0012345678ULL;
	f.kind = FRAME_PYTHON;
	fr[1] = pdata_intern_frame(pd, &f);
	f.name = pdata_intern_cstr(pd, "inlined_helper");
	f.mapping = m0;
	f.addr = 0x1f2e3d;
	f.kind = FRAME_NATIVE;
	f.flags = FRAME_F_INLINED;
	fr[2] = pdata_intern_frame(pd, &f);
	f.name = pdata_intern_cstr(pd, "do_syscall_64");
	f.mapping = m1;
	f.addr = 0xffffffff81000000ULL;
	f.kind = FRAME_KERNEL;
	f.flags = 0;
	fr[3] = pdata_intern_frame(pd, &f);
	st[0] = pdata_intern_stack(pd, PDATA_NONE, fr[0]);
	st[1] = pdata_intern_stack(pd, st[0], fr[1]);
	st[2] = pdata_intern_stack(pd, st[1], fr[2]);
	st[3] = pdata_intern_stack(pd, st[2], fr[3]);
	th[0] = pdata_intern_thread(pd, 4242, 4242, "python3");
	th[1] = pdata_intern_thread(pd, 4242, 4243, "ThreadPoolExec");
	th[2] = pdata_intern_thread(pd, 4300, 4300, "child");
	for (int i = 0; i < 50; i++) {
		struct pdata_sample s = {
			.time = 1700000000000000000ULL + (uint64_t)i * 1001001 - (i == 7 ? 5000 : 0),
			.weight = i % 5 ? 1001001 : 999000 + (uint64_t)i,
			.thread = th[i % 3],
			.stack = i == 13 ? PDATA_NONE : st[i % 4],
			.flags = i % 11 == 0 ? SAMPLE_F_TRUNCATED : 0,
		};
		pdata_add_sample(pd, &s);
	}
	pd->meta.cmdline = pdata_intern_cstr(pd, "python3.12 -X perf profile_perf.py --n 3");
	pd->meta.event = pdata_intern_cstr(pd, "cpu-clock");
	pd->meta.callchain = pdata_intern_cstr(pd, "dwarf");
	pd->meta.callchain_reason = pdata_intern_cstr(pd, "python built without frame pointers");
	pd->meta.python_path = pdata_intern_cstr(pd, "/root/.pyenv/versions/3.12.1/bin/python3.12");
	pd->meta.python_version = pdata_intern_cstr(pd, "3.12.1");
	pd->meta.hostname = pdata_intern_cstr(pd, "vm");
	pd->meta.os_release = pdata_intern_cstr(pd, "6.1.0");
	pd->meta.arch = pdata_intern_cstr(pd, "x86_64");
	pd->meta.pytop_version = pdata_intern_cstr(pd, "0.1.0");
	pd->meta.freq = 999;
	pd->meta.period = 0;
	pd->meta.stack_bytes = 16384;
	pd->meta.start_time = 1763700000123456789ULL;
	pd->meta.duration = 3000000000ULL;
	pd->meta.lost = 3;
	pd->meta.throttled = 2;
	pd->meta.nr_cpus = 2;
	pd->meta.exit_status = -9;
	pd->meta.truncated_why[TRUNC_STACK_SHORT] = 4;
	pd->meta.truncated_why[TRUNC_ERROR] = 1;
	return pd;
}

static int same_tables(const struct pdata *a, const struct pdata *b)
{
	if (a->nstrings != b->nstrings || a->nmappings != b->nmappings ||
	    a->nframes != b->nframes || a->nstacks != b->nstacks ||
	    a->nthreads != b->nthreads || a->nsamples != b->nsamples)
		return 0;
	for (size_t i = 0; i < a->nstrings; i++)
		if (a->strings[i].len != b->strings[i].len || strcmp(a->strings[i].s, b->strings[i].s))
			return 0;
	for (size_t i = 0; i < a->nmappings; i++)
		if (a->mappings[i].path != b->mappings[i].path ||
		    a->mappings[i].build_id != b->mappings[i].build_id)
			return 0;
	for (size_t i = 0; i < a->nframes; i++) {
		const struct pdata_frame *x = &a->frames[i], *y = &b->frames[i];
		if (x->name != y->name || x->mapping != y->mapping || x->addr != y->addr ||
		    x->kind != y->kind || x->flags != y->flags)
			return 0;
	}
	for (size_t i = 0; i < a->nstacks; i++)
		if (a->stacks[i].parent != b->stacks[i].parent || a->stacks[i].frame != b->stacks[i].frame)
			return 0;
	for (size_t i = 0; i < a->nthreads; i++)
		if (a->threads[i].pid != b->threads[i].pid || a->threads[i].tid != b->threads[i].tid ||
		    a->threads[i].comm != b->threads[i].comm)
			return 0;
	for (size_t i = 0; i < a->nsamples; i++) {
		const struct pdata_sample *x = &a->samples[i], *y = &b->samples[i];
		if (x->time != y->time || x->weight != y->weight || x->thread != y->thread ||
		    x->stack != y->stack || x->flags != y->flags)
			return 0;
	}
	return memcmp(&a->meta, &b->meta, sizeof(a->meta)) == 0;
}

static int same_aggregate(const struct pdata *a, const struct pdata *b)
{
	if (a->naggs != b->naggs || a->nsamples != b->nsamples || a->nthreads != b->nthreads ||
	    a->total_weight != b->total_weight || a->ntruncated != b->ntruncated)
		return 0;
	for (size_t i = 0; i < a->naggs; i++) {
		const struct pdata_agg *x = &a->aggs[i], *y = &b->aggs[i];
		if (x->thread != y->thread || x->stack != y->stack || x->flags != y->flags ||
		    x->weight != y->weight || x->samples != y->samples)
			return 0;
	}
	for (size_t i = 0; i < a->nthreads; i++) {
		const struct pdata_thread *x = &a->threads[i], *y = &b->threads[i];
		if (x->nsamples != y->nsamples || x->weight != y->weight ||
		    x->first_time != y->first_time || x->last_time != y->last_time)
			return 0;
	}
	return 1;
}

static void test_builder(void)
{
	struct pdata *pd = pdata_new();
	struct pdata_frame f = { .name = pdata_intern_cstr(pd, "f"), .mapping = PDATA_NONE };
	uint32_t a = pdata_intern_frame(pd, &f), b = pdata_intern_frame(pd, &f);
	uint32_t s1 = pdata_intern_stack(pd, PDATA_NONE, a);
	uint32_t s2 = pdata_intern_stack(pd, s1, a);

	CHECK(pdata_intern_cstr(pd, "") == 0, "string 0 is the empty string");
	CHECK(pdata_intern_cstr(pd, "f") == f.name, "strings are interned");
	CHECK(a == b && pd->nframes == 1, "frames are interned");
	CHECK(pdata_intern_stack(pd, s1, a) == s2 && pd->nstacks == 2, "stack prefixes are shared");
	CHECK(pdata_stack_depth(pd, s2) == 2 && pdata_stack_depth(pd, PDATA_NONE) == 0, "stack depth");
	CHECK(pdata_intern_thread(pd, 1, 2, "x") == pdata_intern_thread(pd, 1, 2, "x"), "threads are interned");
	for (int i = 0; i < 100000; i++) {
		char name[32];
		snprintf(name, sizeof(name), "sym%d", i);
		f.name = pdata_intern_cstr(pd, name);
		pdata_intern_frame(pd, &f);
	}
	CHECK(pd->nframes == 100001 && pdata_intern_cstr(pd, "sym77777") == pd->frames[77778].name,
	      "100k interned frames keep their ids");
	pdata_free(pd);
}

static void test_round_trip(void)
{
	struct pdata *pd = sample_profile(), *back;
	struct pdata_error err = { "" };
	unsigned char *img;
	size_t len;
	char path[] = "/tmp/pytop-test-XXXXXX";
	int fd = mkstemp(path);
	char old[64];

	pdata_encode(pd, &img, &len);
	back = pdata_decode_ex(img, len, PDATA_KEEP_SAMPLES, &err);
	CHECK(back != NULL, "a written profile decodes (%s)", err.msg);
	CHECK(back && same_tables(pd, back), "every table and metadata field survives a round trip");
	CHECK(back && same_aggregate(pd, back), "the reader's aggregate is the builder's");
	pdata_free(back);
	back = pdata_decode(img, len, &err);
	CHECK(back && !back->samples && back->nsamples == 50 && same_aggregate(pd, back),
	      "a plain decode keeps the aggregate, no per-sample records");
	CHECK(back && back->meta.truncated == 5, "truncated samples are counted (got %llu)",
	      back ? (unsigned long long)back->meta.truncated : 0ULL);
	pdata_free(back);

	close(fd);
	CHECK(pdata_write(pd, path, true, &err) == 0, "pdata_write succeeds (%s)", err.msg);
	snprintf(old, sizeof(old), "%s.old", path);
	CHECK(access(old, F_OK) == 0, "an existing file is kept as FILE.old");
	back = pdata_read_ex(path, PDATA_KEEP_SAMPLES, &err);
	CHECK(back && same_tables(pd, back), "pdata_read returns what pdata_write wrote");
	pdata_free(back);
	back = pdata_read(path, &err);
	CHECK(back && !back->samples && same_aggregate(pd, back), "pdata_read aggregates");
	pdata_free(back);
	unlink(path);
	unlink(old);
	CHECK(pdata_write(pd, "/nonexistent-dir/x.data", false, &err) < 0 &&
	      strstr(err.msg, "No such file or directory"), "write to a missing directory fails: %s", err.msg);
	back = pdata_read("/nonexistent-file.data", &err);
	CHECK(!back && !strcmp(err.msg, "cannot open: No such file or directory"), "missing file: %s", err.msg);
	back = pdata_read("/tmp", &err);
	CHECK(!back && strstr(err.msg, "directory"), "a directory is refused: %s", err.msg);
	free(img);
	pdata_free(pd);
}

static int expect_corrupt(const void *img, size_t len, const char *want)
{
	struct pdata_error err = { "" };
	struct pdata *pd = pdata_decode(img, len, &err);
	int ok = !pd && strstr(err.msg, want) != NULL;
	if (!ok)
		printf("#   message was: '%s' (wanted '%s')\n", err.msg, want);
	pdata_free(pd);
	return ok;
}

/* Rewrite the CRC of the section starting at `at` after its payload changed. */
static void fix_crc(unsigned char *img, size_t at)
{
	uint64_t len = 0;
	uint32_t crc;
	for (int i = 7; i >= 0; i--)
		len = (len << 8) | img[at + 8 + i];
	crc = crc32_update(0, img + at + 16, (size_t)len);
	for (int i = 0; i < 4; i++)
		img[at + 4 + i] = (crc >> (8 * i)) & 0xff;
}

static size_t section_at(const unsigned char *img, size_t len, uint32_t type)
{
	size_t at = PDATA_HEADER_SIZE;
	while (at + 16 <= len) {
		uint32_t t = img[at] | img[at + 1] << 8 | img[at + 2] << 16 | (uint32_t)img[at + 3] << 24;
		uint64_t l = 0;
		for (int i = 7; i >= 0; i--)
			l = (l << 8) | img[at + 8 + i];
		if (t == type)
			return at;
		at += 16 + (size_t)l;
	}
	return 0;
}

static void test_hostile(void)
{
	struct pdata *pd = sample_profile();
	unsigned char *img, *copy;
	size_t len, bad_trunc = 0, bad_flip = 0, at;

	pdata_encode(pd, &img, &len);
	copy = xmalloc(len + 64, 1);

	for (size_t n = 0; n < len; n++) {
		struct pdata_error err;
		struct pdata *x;
		memcpy(copy, img, n);
		x = pdata_decode(copy, n, &err);
		if (x || strncmp(err.msg, "corrupt sample file: ", 21))
			bad_trunc++;
		pdata_free(x);
	}
	CHECK(bad_trunc == 0, "every truncation of a %zu-byte file is reported as corrupt", len);

	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct pdata_error err;
			struct pdata *x;
			memcpy(copy, img, len);
			copy[i] ^= (unsigned char)(1u << bit);
			x = pdata_decode(copy, len, &err);
			if (x)
				bad_flip++;
			pdata_free(x);
		}
	}
	CHECK(bad_flip == 0, "all %zu single-bit flips are detected", len * 8);

	memcpy(copy, img, len);
	copy[0] = 'X';
	CHECK(expect_corrupt(copy, len, "bad magic, not a pytop sample file (offset 0)"), "bad magic");
	memcpy(copy, "PERFILE2", 8);
	CHECK(expect_corrupt(copy, len, "perf.data file"), "a perf.data file is named as such");
	memcpy(copy, img, len);
	copy[8] = PDATA_MAJOR + 1;
	CHECK(expect_corrupt(copy, len, "format 2.0 is not supported (this pytop reads 1.x; upgrade pytop)"),
	      "a newer major version is refused");
	memcpy(copy, img, len);
	copy[12] = 9;
	CHECK(expect_corrupt(copy, len, "unknown byte order (offset 12)"), "byte order check");
	memcpy(copy, img, len);
	copy[len] = 0;
	CHECK(expect_corrupt(copy, len + 1, "data after the end marker"), "trailing garbage");

	/* an index out of range, with a valid checksum */
	memcpy(copy, img, len);
	at = section_at(copy, len, SEC_STACKS);
	copy[at + 16 + 2] = 0x7f; /* stack 0's frame index */
	fix_crc(copy, at);
	CHECK(expect_corrupt(copy, len, "stack frame index out of range"), "bad frame index");
	memcpy(copy, img, len);
	at = section_at(copy, len, SEC_STACKS);
	copy[at + 16 + 1] = 0x05; /* stack 0's parent: not an earlier stack */
	fix_crc(copy, at);
	CHECK(expect_corrupt(copy, len, "stack parent is not an earlier stack"), "stack cycle refused");
	{
		/* a sample count far beyond what the section holds: refused before
		 * any allocation, and the error names the varint's offset */
		struct buf b, pl;
		struct pdata_error err;
		char want[80];
		size_t s = section_at(img, len, SEC_SAMPLES), t = section_at(img, len, SEC_META);
		buf_init(&pl);
		buf_put_varint(&pl, 1ULL << 40);
		buf_put(&pl, img + s + 16 + 1, t - s - 16 - 1); /* old count is 1 byte */
		buf_init(&b);
		buf_put(&b, img, s);
		buf_put_le32(&b, SEC_SAMPLES);
		buf_put_le32(&b, crc32_update(0, pl.data, pl.len));
		buf_put_le64(&b, pl.len);
		buf_put(&b, pl.data, pl.len);
		buf_put(&b, img + t, len - t);
		CHECK(expect_corrupt(b.data, b.len, "entry count larger than its section"), "huge count refused");
		pdata_free(pdata_decode(b.data, b.len, &err));
		snprintf(want, sizeof(want), "(offset %zu)", s + 16);
		CHECK(strstr(err.msg, want) != NULL, "error names offset %zu: %s", s + 16, err.msg);
		buf_free(&b);
		buf_free(&pl);
	}

	/* sections out of order, and an unknown section that must be skipped */
	{
		struct buf b;
		struct pdata *x;
		struct pdata_error err;
		size_t s1 = section_at(img, len, SEC_STRINGS);
		buf_init(&b);
		buf_put(&b, img, s1);
		buf_put_le32(&b, 0x1234); /* unknown type */
		buf_put_le32(&b, crc32_update(0, "hello", 5));
		buf_put_le64(&b, 5);
		buf_put(&b, "hello", 5);
		buf_put(&b, img + s1, len - s1);
		x = pdata_decode_ex(b.data, b.len, PDATA_KEEP_SAMPLES, &err);
		CHECK(x && same_tables(pd, x), "an unknown section type is skipped");
		pdata_free(x);
		buf_free(&b);

		buf_init(&b);
		buf_put(&b, img, PDATA_HEADER_SIZE);
		buf_put(&b, img + section_at(img, len, SEC_MAPPINGS),
			section_at(img, len, SEC_FRAMES) - section_at(img, len, SEC_MAPPINGS));
		buf_put(&b, img + PDATA_HEADER_SIZE, len - PDATA_HEADER_SIZE);
		CHECK(expect_corrupt(b.data, b.len, "section out of order"), "sections out of order");
		buf_free(&b);
	}
	free(copy);
	free(img);
	pdata_free(pd);
}

/* Samples are aggregated per (thread, stack, flags) while decoding, with
 * each thread's count, weight and time span. */
static void test_aggregate(void)
{
	struct pdata *pd = pdata_new(), *back;
	struct pdata_frame f = { .name = pdata_intern_cstr(pd, "main"), .mapping = PDATA_NONE };
	struct pdata_error err = { "" };
	uint32_t st, st2, t0, t1;
	unsigned char *img;
	size_t len;
	/* time, weight, thread (0/1), stack (0 = st, 1 = st2, 2 = none), flags */
	static const struct { uint64_t time, weight; int th, st; uint8_t flags; } in[] = {
		{ 5000, 10, 0, 0, 0 }, { 7000, 20, 0, 0, 0 },        /* same stack twice: one record */
		{ 6000, 30, 1, 0, 0 },                               /* other thread: its own */
		{ 4000, 40, 0, 0, SAMPLE_F_TRUNCATED },              /* truncated: its own, time earlier */
		{ 9000, 50, 0, 1, 0 }, { 8000, 60, 1, 2, 0 },
	};

	st = pdata_intern_stack(pd, PDATA_NONE, pdata_intern_frame(pd, &f));
	f.name = pdata_intern_cstr(pd, "leaf");
	st2 = pdata_intern_stack(pd, st, pdata_intern_frame(pd, &f));
	t0 = pdata_intern_thread(pd, 1, 1, "a");
	t1 = pdata_intern_thread(pd, 1, 2, "b");
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct pdata_sample smp = { .time = in[i].time, .weight = in[i].weight,
					    .thread = in[i].th ? t1 : t0,
					    .stack = in[i].st == 0 ? st : in[i].st == 1 ? st2 : PDATA_NONE,
					    .flags = in[i].flags };
		pdata_add_sample(pd, &smp);
	}
	pdata_encode(pd, &img, &len);
	back = pdata_decode(img, len, &err);
	CHECK(back != NULL, "decodes (%s)", err.msg);
	if (!back)
		goto out;
	CHECK(!back->samples, "no per-sample records after a plain decode");
	CHECK_EQ_U(back->nsamples, 6, "six samples counted");
	CHECK_EQ_U(back->total_weight, 210, "weights summed");
	CHECK_EQ_U(back->ntruncated, 1, "one truncated sample");
	CHECK_EQ_U(back->naggs, 5, "five records for six samples");
	CHECK(back->aggs[0].thread == t0 && back->aggs[0].stack == st && back->aggs[0].flags == 0 &&
	      back->aggs[0].samples == 2 && back->aggs[0].weight == 30,
	      "two identical stacks of a thread: one record, 2 samples, weight 30");
	CHECK(back->aggs[1].thread == t1 && back->aggs[1].stack == st && back->aggs[1].samples == 1,
	      "the same stack on another thread: its own record");
	CHECK(back->aggs[2].thread == t0 && back->aggs[2].stack == st &&
	      back->aggs[2].flags == SAMPLE_F_TRUNCATED && back->aggs[2].weight == 40,
	      "the truncated flag is kept: its own record");
	CHECK(back->aggs[4].stack == PDATA_NONE && back->aggs[4].samples == 1, "empty stack kept");
	CHECK(back->threads[t0].first_time == 4000 && back->threads[t0].last_time == 9000,
	      "thread a spans 4000..9000 (got %llu..%llu)",
	      (unsigned long long)back->threads[t0].first_time,
	      (unsigned long long)back->threads[t0].last_time);
	CHECK(back->threads[t1].first_time == 6000 && back->threads[t1].last_time == 8000,
	      "thread b spans 6000..8000");
	CHECK(back->threads[t0].nsamples == 4 && back->threads[t0].weight == 120 &&
	      back->threads[t1].nsamples == 2 && back->threads[t1].weight == 90,
	      "per-thread counts and weights");
	CHECK(same_aggregate(pd, back), "the builder aggregates the same way");
	pdata_free(back);
out:
	free(img);
	pdata_free(pd);
}

/* A one-stack profile of n samples of weight w, its metadata then changed
 * by the caller, encoded. */
static void numbers_image(uint64_t n, uint64_t w, uint64_t truncated, uint64_t why0,
			  unsigned char **img, size_t *len)
{
	struct pdata *pd = pdata_new();
	struct pdata_frame f = { .name = pdata_intern_cstr(pd, "main"), .mapping = PDATA_NONE };
	uint32_t st = pdata_intern_stack(pd, PDATA_NONE, pdata_intern_frame(pd, &f));
	uint32_t th = pdata_intern_thread(pd, 1, 1, "a");
	for (uint64_t i = 0; i < n; i++) {
		struct pdata_sample smp = { .time = 1000 + i, .weight = w, .thread = th, .stack = st };
		pdata_add_sample(pd, &smp);
	}
	pd->meta.truncated = truncated;
	pd->meta.truncated_why[0] = why0;
	pdata_encode(pd, img, len);
	pdata_free(pd);
}

static void expect_numbers(uint64_t n, uint64_t w, uint64_t tr, uint64_t why0, const char *want,
			   const char *name)
{
	unsigned char *img;
	size_t len;
	numbers_image(n, w, tr, why0, &img, &len);
	if (want)
		CHECK(expect_corrupt(img, len, want), "%s: refused", name);
	else {
		struct pdata_error err = { "" };
		struct pdata *pd = pdata_decode(img, len, &err);
		CHECK(pd != NULL, "%s: accepted (%s)", name, err.msg);
		pdata_free(pd);
	}
	free(img);
}

/* Numbers that must agree are cross-checked when reading. */
static void test_numbers(void)
{
	expect_numbers(2, 1ULL << 62, 0, 0, "sample weights add up to 2^63 or more",
		       "two weights of 2^62 (the event count would reach 2^63)");
	expect_numbers(3, (1ULL << 63) - 5, 0, 0, "sample weights add up to 2^63 or more",
		       "weights near 2^63 (the event count would wrap)");
	expect_numbers(2, (1ULL << 62) - 1, 0, 0, NULL, "two weights just under 2^62");
	expect_numbers(10, 1, UINT64_MAX, 0,
		       "truncated count 18446744073709551615 is larger than the sample count 10",
		       "a truncated count above the sample count");
	expect_numbers(10, 1, 11, 0, "truncated count 11 is larger than the sample count 10",
		       "one more truncated than samples");
	expect_numbers(10, 1, 10, 10, NULL, "all samples truncated, all with a reason");
	expect_numbers(10, 1, 3, 4, "truncation reasons add up to more than the truncated count 3",
		       "more truncation reasons than truncated samples");
	expect_numbers(10, 0, 0, 0, "10 samples but every weight is zero", "all-zero weights");
	expect_numbers(0, 0, 0, 0, NULL, "no samples, no weight");
}

/* pdata_read on what is not a plain profile: a FIFO (must not block in
 * open), a sparse file beyond the limit, a large sparse file of zeros
 * (refused from its first bytes, never read or allocated whole). */
static void test_files(void)
{
	char dir[] = "/tmp/pytop-files-XXXXXX", path[128];
	struct pdata_error err = { "" };
	struct pdata *pd;
	int fd;

	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK(mkfifo(path, 0600) == 0, "mkfifo");
	pd = pdata_read(path, &err);
	CHECK(!pd && !strcmp(err.msg, "cannot read: not a regular file (a FIFO)"),
	      "a FIFO is refused without blocking: %s", err.msg);
	unlink(path);

	snprintf(path, sizeof(path), "%s/huge", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 100LL << 30) == 0, "a 100 GiB sparse file");
	close(fd);
	pd = pdata_read(path, &err);
	CHECK(!pd && strstr(err.msg, "file too large to be a sample file (100.0 GiB; pytop reads at most 64.0 GiB)"),
	      "100 GiB: %s", err.msg);
	unlink(path);

	snprintf(path, sizeof(path), "%s/zeros", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 8LL << 30) == 0, "an 8 GiB sparse file");
	close(fd);
	pd = pdata_read(path, &err);
	CHECK(!pd && !strcmp(err.msg, "corrupt sample file: bad magic, not a pytop sample file (offset 0)"),
	      "8 GiB of zeros: refused from its header, not read whole: %s", err.msg);
	unlink(path);

	snprintf(path, sizeof(path), "%s/empty", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	pd = pdata_read(path, &err);
	CHECK(!pd && strstr(err.msg, "file too short for a header"), "an empty file: %s", err.msg);
	unlink(path);
	rmdir(dir);
}

/* The checksum is zlib's CRC-32, byte for byte, however it is split. */
static void test_crc(void)
{
	unsigned char buf[1000];
	uint32_t ref = 0xffffffffu, split;
	int bad = 0;

	CHECK(crc32_update(0, "123456789", 9) == 0xcbf43926u, "CRC-32 of \"123456789\"");
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 131 + (i >> 3));
	for (size_t i = 0; i < sizeof(buf); i++) { /* bit by bit, the definition */
		ref ^= buf[i];
		for (int k = 0; k < 8; k++)
			ref = (ref & 1) ? 0xedb88320u ^ (ref >> 1) : ref >> 1;
	}
	ref = ~ref;
	for (size_t cut = 0; cut <= sizeof(buf); cut += 7) {
		split = crc32_update(crc32_update(0, buf, cut), buf + cut, sizeof(buf) - cut);
		bad += split != ref;
	}
	CHECK(crc32_update(0, buf, sizeof(buf)) == ref && bad == 0,
	      "1000 bytes, whole and split at every 7th byte, match the bitwise definition");
}

static void test_empty(void)
{
	struct pdata *pd = pdata_new(), *back;
	struct pdata_error err;
	unsigned char *img;
	size_t len;

	pdata_encode(pd, &img, &len);
	back = pdata_decode(img, len, &err);
	CHECK(back && back->nsamples == 0 && back->nstrings == 1, "an empty profile round-trips");
	CHECK(back && back->meta.event == PDATA_NONE && back->meta.exit_status == -1,
	      "absent metadata stays absent");
	pdata_free(back);
	free(img);
	pdata_free(pd);
}

static void test_size(void)
{
	/* 100k samples over 2,000 stacks: the per-sample cost stays small */
	struct pdata *pd = pdata_new();
	struct pdata_frame f = { .mapping = PDATA_NONE };
	uint32_t leaves[2000];
	unsigned char *img;
	size_t len;
	char name[32];

	for (int i = 0; i < 2000; i++) {
		uint32_t st = PDATA_NONE;
		for (int d = 0; d < 30; d++) {
			snprintf(name, sizeof(name), "f%d", d < 25 ? d : i * 5 + d);
			f.name = pdata_intern_cstr(pd, name);
			st = pdata_intern_stack(pd, st, pdata_intern_frame(pd, &f));
		}
		leaves[i] = st;
	}
	for (uint32_t i = 0; i < 100000; i++) {
		struct pdata_sample s = { .time = 1000000000ULL + i * 1001001ULL + (i * 7919) % 3000,
					  .weight = 1001001, .thread = 0,
					  .stack = leaves[(i * 2654435761u) % 2000] };
		if (!pd->nthreads)
			pdata_intern_thread(pd, 1, 1, "t");
		pdata_add_sample(pd, &s);
	}
	pdata_encode(pd, &img, &len);
	printf("# %zu bytes for 100000 samples: %.2f bytes/sample\n", len, len / 100000.0);
	CHECK(len < 100000 * 8, "under 8 bytes per sample on repeated stacks (%.2f)", len / 100000.0);
	free(img);
	pdata_free(pd);
}

/* ---- 1.1: off-CPU samples and thread spans ---- */

struct mem_src {
	const struct pdata *pd;
	size_t i;
};

static int mem_next(void *ctx, struct pdata_sample *s)
{
	struct mem_src *m = ctx;
	if (m->i >= m->pd->nsamples)
		return 0;
	*s = m->pd->samples[m->i++];
	return 1;
}

static int mem_rewind(void *ctx)
{
	((struct mem_src *)ctx)->i = 0;
	return 0;
}

static void test_off_cpu(void)
{
	struct pdata *pd = sample_profile(), *back;
	struct pdata_error err = { "" };
	unsigned char *img, *img0, *streamed;
	size_t len, len0, at;
	uint32_t stack = pd->samples[0].stack;
	uint16_t minor;
	FILE *f;

	/* without off-CPU data: a 1.0 file, no new section */
	pdata_encode(pd, &img0, &len0);
	memcpy(&minor, img0 + 10, 2);
	CHECK(minor == 0, "a file without off-CPU data says 1.0 (got 1.%u)", minor);
	CHECK(section_at(img0, len0, 8) == 0 && section_at(img0, len0, 9) == 0,
	      "a file without off-CPU data has neither new section");

	pdata_add_sample(pd, &(struct pdata_sample){ .time = 5000, .weight = 700000000,
						     .thread = 1, .stack = stack,
						     .flags = SAMPLE_F_OFF_CPU });
	pdata_add_sample(pd, &(struct pdata_sample){ .time = 9000, .weight = 3000,
						     .thread = 1, .stack = PDATA_NONE,
						     .flags = SAMPLE_F_OFF_CPU | SAMPLE_F_PREEMPTED });
	pd->threads[1].has_span = true;
	pd->threads[1].span_start = 100;
	pd->threads[1].span_end = 900000000;
	pd->meta.switch_outs = 3;
	pd->meta.off_cpu_dropped = 1;
	pdata_encode(pd, &img, &len);
	memcpy(&minor, img + 10, 2);
	CHECK(minor == 1, "with off-CPU data: format 1.1 (got 1.%u)", minor);
	back = pdata_decode_ex(img, len, PDATA_KEEP_SAMPLES, &err);
	CHECK(back != NULL, "the 1.1 file reads back (%s)", err.msg);
	if (back) {
		size_t noff = 0, npre = 0;
		for (size_t i = 0; i < back->nsamples; i++) {
			noff += !!(back->samples[i].flags & SAMPLE_F_OFF_CPU);
			npre += !!(back->samples[i].flags & SAMPLE_F_PREEMPTED);
		}
		CHECK(back->nsamples == pd->nsamples && back->off_nsamples == 2 && noff == 2 &&
		      npre == 1, "every sample back: %zu of %zu, 2 off-CPU (%zu), 1 preempted (%zu)",
		      back->nsamples, pd->nsamples, noff, npre);
		CHECK(back->off_weight == 700003000 && back->total_weight == pd->total_weight,
		      "off-CPU weight %llu and the total kept", (unsigned long long)back->off_weight);
		CHECK(back->threads[1].has_span && back->threads[1].span_start == 100 &&
		      back->threads[1].span_end == 900000000 && !back->threads[0].has_span,
		      "the thread span reads back");
		CHECK(back->meta.switch_outs == 3 && back->meta.off_cpu_dropped == 1,
		      "the switch-out counts read back");
		pdata_free(back);
	}
	/* the streaming writer gives the same bytes */
	f = tmpfile();
	if (f) {
		struct mem_src m = { pd, 0 };
		struct pdata_sample_src src = { .next = mem_next, .rewind = mem_rewind, .ctx = &m,
						.count = pd->nsamples, .count_off = 2 };
		uint64_t n = 0;
		int rc = pdata_write_fd(pd, &src, fileno(f), &n, &err);
		streamed = xmalloc(len + 1, 1);
		rewind(f);
		CHECK(rc == 0 && n == len && fread(streamed, 1, len + 1, f) == len &&
		      !memcmp(streamed, img, len), "pdata_write_fd writes pdata_encode's bytes (%s)",
		      err.msg);
		free(streamed);
		fclose(f);
	}
	/* a span naming no thread is corrupt */
	at = section_at(img, len, 9);
	CHECK(at > 0, "the spans section is there");
	if (at) {
		unsigned char *copy = xmalloc(len, 1);
		memcpy(copy, img, len);
		copy[at + 16 + 1] = 0x7f; /* the first span's thread index */
		fix_crc(copy, at);
		CHECK(expect_corrupt(copy, len, "span thread index out of range"),
		      "a span of a thread that does not exist is refused");
		free(copy);
	}
	free(img);
	free(img0);
	pdata_free(pd);
}

int main(void)
{
	test_builder();
	test_round_trip();
	test_hostile();
	test_empty();
	test_size();
	test_aggregate();
	test_crc();
	test_numbers();
	test_files();
	test_off_cpu();
	return tap_done();
}
