/* test_rec_stream: the recorder keeps no per-sample memory, and its
 * streaming writer gives the bytes the in-memory writer gives.
 *
 * Ring-buffer sample records are made by hand and fed to rec_on_record()
 * as the loop does; then the same samples are written twice: through
 * pdata_write_fd() from the spill file (what `pytop record` does) and
 * through pdata_add_sample() + pdata_encode() (the in-memory path the
 * recorder used before). */
#include "tap.h"
#include "pytop/format/pdata.h"
#include "pytop/record/perf_session.h"
#include "../../record/rec.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FAKE_PID 4000001u /* above any pid this machine gives out: no maps, no perf map */
#define NSTACKS 5
#define DEPTH 6

struct fed {
	uint64_t time, weight, leaf;
	uint32_t tid;
	unsigned user; /* user frames in the chain */
};

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* One PERF_RECORD_SAMPLE of the fp layout: ip, pid/tid, time, cpu, period,
 * callchain (PERF_CONTEXT_USER then `n` user addresses, leaf first). */
static void feed(struct rec *r, uint32_t tid, uint64_t time, uint64_t period,
		 const uint64_t *chain, size_t n)
{
	uint64_t rec[8 + DEPTH + 1];
	struct perf_event_header *h = (struct perf_event_header *)rec;
	size_t k = 1;

	rec[k++] = chain[0];
	rec[k++] = (uint64_t)FAKE_PID | (uint64_t)tid << 32;
	rec[k++] = time;
	rec[k++] = 0;
	rec[k++] = period;
	rec[k++] = n ? n + 1 : 0;
	if (n)
		rec[k++] = (uint64_t)PERF_CONTEXT_USER;
	for (size_t i = 0; i < n; i++)
		rec[k++] = chain[i];
	*h = (struct perf_event_header){ .type = PERF_RECORD_SAMPLE,
					 .misc = PERF_RECORD_MISC_USER,
					 .size = (uint16_t)(k * 8) };
	rec_on_record(r, h);
}

static uint64_t stacks[NSTACKS][DEPTH];
static size_t depth[NSTACKS];

/* n samples over 3 threads and NSTACKS stacks; when log is given, what
 * was fed is noted there. */
static void feed_many(struct rec *r, size_t n, uint64_t *clock, struct fed *log)
{
	for (size_t i = 0; i < n; i++) {
		size_t s = next_rand() % NSTACKS;
		uint32_t tid = FAKE_PID + (uint32_t)(next_rand() % 3);
		uint64_t period = next_rand() % 50 ? 1001001 : 1001001 + next_rand() % 5000;
		*clock += 300000 + next_rand() % 2000000;
		feed(r, tid, *clock, period, stacks[s], depth[s]);
		if (log)
			log[i] = (struct fed){ .time = *clock, .weight = period, .leaf = stacks[s][0],
					       .tid = tid, .user = (unsigned)(depth[s] ? depth[s] : 1) };
	}
}

static int slurp_fd(int fd, unsigned char **out, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	*out = malloc(end > 0 ? (size_t)end : 1);
	*len = (size_t)end;
	return pread(fd, *out, *len, 0) == (ssize_t)*len ? 0 : -1;
}

static void test_recorder(void)
{
	struct record_opts o = { .output = NULL };
	struct record_result res;
	struct perf_session_spec spec = { .freq = 999 };
	struct pdata_sample_src src;
	struct pdata_error err = { "" };
	struct pdata_sample s;
	struct rec r;
	uint64_t clock = 1000000000, want_user = 0;
	size_t warm = 30000, more = 200000, before, after, nfed = 2000, i;
	struct fed *log = calloc(nfed, sizeof(*log));
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	uint64_t nbytes = 0;
	int fd = memfd_create("stream", 0), got;
	bool same = true;

	for (size_t k = 0; k < NSTACKS; k++) {
		depth[k] = k == NSTACKS - 1 ? 0 : 2 + k;
		for (size_t d = 0; d < DEPTH; d++)
			stacks[k][d] = 0x7f0000001000ULL + k * 0x100 + (DEPTH - d) * 0x10;
	}
	memset(&res, 0, sizeof(res));
	rec_init(&r, &o, 0);
	r.sample_type = perf_session_sample_type(&spec);

	/* what the file checks: the first samples exactly as fed */
	feed_many(&r, nfed, &clock, log);
	feed_many(&r, warm, &clock, NULL);
	before = rec_retained_bytes(&r);
	feed_many(&r, more, &clock, NULL);
	after = rec_retained_bytes(&r);
	CHECK(after == before,
	      "retained bytes stay flat over %zu more samples of known stacks (%zu -> %zu, "
	      "%.3f B/sample)", more, before, after, (double)(after - before) / (double)more);
	CHECK(r.spill.fd >= 0 && r.spill.file_len > 0, "the samples went to the spill file (%" PRIu64
	      " bytes)", r.spill.file_len);
	CHECK(r.pd->nsamples == 0, "no sample is held in the pdata");

	rec_resolve(&r, &res);
	CHECK(res.samples == nfed + warm + more, "every sample is counted (%" PRIu64 ")", res.samples);
	rec_sample_src(&r, &res, &src);
	CHECK(pdata_write_fd(r.pd, &src, fd, &nbytes, &err) == 0, "the streaming writer succeeds (%s)",
	      err.msg);
	CHECK(slurp_fd(fd, &b, &blen) == 0 && blen == nbytes, "it reports the size it wrote (%zu)",
	      blen);

	/* the samples come back as they were fed, with pdata stacks */
	src.rewind(src.ctx);
	for (i = 0; (got = src.next(src.ctx, &s)) > 0; i++) {
		if (i < nfed) {
			const struct fed *f = &log[i];
			const struct pdata_thread *t = &r.pd->threads[s.thread];
			uint64_t leaf = r.pd->frames[r.pd->stacks[s.stack].frame].addr;
			if (s.time != f->time || s.weight != f->weight || t->tid != f->tid ||
			    leaf != f->leaf || pdata_stack_depth(r.pd, s.stack) != f->user)
				same = false;
		}
		want_user += pdata_stack_depth(r.pd, s.stack); /* no kernel frames here */
		pdata_add_sample(r.pd, &s);
	}
	CHECK(got == 0 && i == res.samples, "the spill reads back every sample (%zu)", i);
	CHECK(same, "time, weight, thread and stack of each sample read back as fed");
	CHECK(res.user_frames == want_user, "the first pass counted the user frames once (%" PRIu64
	      " of %" PRIu64 ")", res.user_frames, want_user);

	pdata_encode(r.pd, &a, &alen);
	CHECK(alen == blen && !memcmp(a, b, alen),
	      "streaming and in-memory writers give the same bytes (%zu and %zu)", blen, alen);
	free(a);
	free(b);
	free(log);
	close(fd);
	rec_free(&r);
}

/* ---- the pdata-level encoder on samples the recorder never makes ---- */

struct array_src {
	const struct pdata_sample *s;
	size_t n, pos;
};

static int arr_next(void *ctx, struct pdata_sample *out)
{
	struct array_src *a = ctx;
	if (a->pos >= a->n)
		return 0;
	*out = a->s[a->pos++];
	return 1;
}

static int arr_rewind(void *ctx)
{
	((struct array_src *)ctx)->pos = 0;
	return 0;
}

static void test_encoder(void)
{
	struct pdata *pd = pdata_new();
	struct pdata_error err = { "" };
	unsigned char *a, *b;
	size_t alen, blen, n = 150000;
	uint32_t fr[3], st[4], th[4];
	int fd = memfd_create("enc", 0), pfd[2];
	uint64_t t = 5;

	for (int k = 0; k < 3; k++) {
		char name[16];
		snprintf(name, sizeof(name), "f%d", k);
		fr[k] = pdata_intern_frame(pd, &(struct pdata_frame){
			.name = pdata_intern_cstr(pd, name), .mapping = PDATA_NONE, .addr = (uint64_t)k });
	}
	st[0] = pdata_intern_stack(pd, PDATA_NONE, fr[0]);
	st[1] = pdata_intern_stack(pd, st[0], fr[1]);
	st[2] = pdata_intern_stack(pd, st[1], fr[2]);
	st[3] = PDATA_NONE;
	for (int k = 0; k < 4; k++)
		th[k] = pdata_intern_thread(pd, 10, 10 + (uint32_t)k, "w");
	for (size_t i = 0; i < n; i++) {
		t += next_rand() % 3 ? next_rand() % 100000 : 0;
		if (next_rand() % 1000 == 0)
			t -= next_rand() % 1000; /* out of order */
		pdata_add_sample(pd, &(struct pdata_sample){
			.time = next_rand() % 5000 ? t : 0, .weight = next_rand() % 7 ? 1000 : next_rand(),
			.thread = th[next_rand() % 4], .stack = st[next_rand() % 4],
			.flags = next_rand() % 9 ? 0 : SAMPLE_F_TRUNCATED });
	}
	pdata_encode(pd, &a, &alen);

	struct array_src arr = { .s = pd->samples, .n = pd->nsamples };
	struct pdata_sample_src src = { .next = arr_next, .rewind = arr_rewind, .ctx = &arr,
					.count = pd->nsamples };
	struct pdata *empty = pdata_new();
	size_t keep = pd->nsamples;
	pd->nsamples = 0; /* the streaming writer must not look at them */
	CHECK(pdata_write_fd(pd, &src, fd, NULL, &err) == 0, "streams %zu samples (%s)", n, err.msg);
	CHECK(slurp_fd(fd, &b, &blen) == 0 && blen == alen && !memcmp(a, b, alen),
	      "same bytes as pdata_encode() with truncated flags, weight changes, empty stacks, "
	      "zero and out-of-order times");
	free(b);

	/* through a pipe: no seeking needed (the test reads it as it comes) */
	if (pipe(pfd) == 0) {
		struct array_src small = { .s = pd->samples, .n = 100 };
		unsigned char *c, buf[65536];
		size_t clen, got = 0;
		ssize_t k;
		pd->nsamples = 100;
		pdata_encode(pd, &c, &clen);
		pd->nsamples = 0;
		src.ctx = &small;
		src.count = 100;
		CHECK(clen < sizeof(buf) && pdata_write_fd(pd, &src, pfd[1], NULL, &err) == 0,
		      "writes to a pipe (%s)", err.msg);
		close(pfd[1]);
		while ((k = read(pfd[0], buf + got, sizeof(buf) - got)) > 0)
			got += (size_t)k;
		close(pfd[0]);
		CHECK(got == clen && !memcmp(buf, c, clen), "the pipe gets the same bytes");
		free(c);
		src.ctx = &arr;
	}

	src.count = keep + 1;
	CHECK(pdata_write_fd(pd, &src, fd, NULL, &err) < 0 && strstr(err.msg, "samples"),
	      "a source that ends early is an error: %s", err.msg);
	pd->nsamples = keep;
	pdata_free(empty);
	pdata_free(pd);
	free(a);
	close(fd);
}

static void test_spill_memory_fallback(void)
{
	struct spill sp;
	struct spill_rec in = { .time = 7, .weight = 3, .thread = 1, .stack = PDATA_NONE }, out;
	const char *none[] = { "/nonexistent-dir" };
	bool ok = true;
	int got;
	size_t n = 0;

	spill_open(&sp, none, 1);
	CHECK(sp.fd < 0 && sp.err, "no directory: no spill file");
	for (int i = 0; i < 10000; i++) {
		in.time += 1000;
		in.stack = i % 3 ? (uint32_t)i : PDATA_NONE;
		spill_put(&sp, &in);
	}
	spill_rewind(&sp);
	in.time = 7;
	for (int i = 0; (got = spill_next(&sp, &out)) > 0; i++, n++) {
		in.time += 1000;
		ok = ok && out.time == in.time && out.stack == (i % 3 ? (uint32_t)i : PDATA_NONE) &&
		     out.thread == 1 && out.weight == 3;
	}
	CHECK(got == 0 && n == 10000 && ok, "the samples are kept in memory and read back (%zu)", n);
	spill_close(&sp);
}

int main(void)
{
	test_encoder();
	test_recorder();
	test_spill_memory_fallback();
	return tap_done();
}
