/* test_model_flame: the flame tree of a query (both directions), its
 * search sums and its layout, on a profile small enough to check by eye,
 * and on random profiles against a direct count over the kept stacks. */
#include "pytop/model/flame.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static struct profile *fixed_profile(void)
{
	/* root first; count */
	static const struct { const char *frames[4]; int count; } stacks[] = {
		{ { "main", "a", "b" }, 3 },
		{ { "main", "a" }, 1 },
		{ { "main", "c", "b" }, 2 },
		{ { "other" }, 4 },
	};
	struct pdata *pd = pdata_new();
	uint32_t th = pdata_intern_thread(pd, 1, 1, "prog");
	uint32_t th2 = pdata_intern_thread(pd, 1, 2, "prog");
	for (size_t s = 0; s < sizeof(stacks) / sizeof(stacks[0]); s++) {
		uint32_t st = PDATA_NONE;
		for (int d = 0; d < 4 && stacks[s].frames[d]; d++) {
			struct pdata_frame f = { .mapping = pdata_add_mapping(pd, "/bin/prog", "") };
			f.name = pdata_intern_cstr(pd, stacks[s].frames[d]);
			f.kind = FRAME_NATIVE;
			st = pdata_intern_stack(pd, st, pdata_intern_frame(pd, &f));
		}
		for (int i = 0; i < stacks[s].count; i++) {
			/* two threads: the flame graph merges them */
			struct pdata_sample smp = { .weight = 1, .thread = i % 2 ? th2 : th, .stack = st };
			pdata_add_sample(pd, &smp);
		}
	}
	return profile_from_pdata(pd);
}

static void dump(const struct flame *f, uint32_t n, char *buf, size_t len)
{
	const struct flame_node *nd = flame_node(f, n);
	const uint32_t *kids;
	size_t k = flame_children(f, n, &kids), used = strlen(buf);
	snprintf(buf + used, len - used, "%s%s %llu/%llu", used && buf[used - 1] != '(' ? " " : "",
		 flame_name(f, n),
		 (unsigned long long)nd->total, (unsigned long long)nd->self);
	if (!k)
		return;
	used = strlen(buf);
	snprintf(buf + used, len - used, " (");
	for (size_t i = 0; i < k; i++)
		dump(f, kids[i], buf, len);
	used = strlen(buf);
	snprintf(buf + used, len - used, ")");
}

static struct flame *query(const struct profile *p, bool inverted, struct hist **hp)
{
	struct report_opts o;
	char err[128];
	report_opts_init(&o);
	o.inverted = inverted;
	*hp = hist_new(p, &o, err, sizeof(err));
	report_opts_free(&o);
	return flame_new(*hp);
}

static void fixed_tests(void)
{
	struct profile *p = fixed_profile();
	struct hist *h;
	struct flame *f = query(p, false, &h);
	struct flame_layout l = { 0 };
	char buf[1024] = "";

	dump(f, 0, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "all 10/0 (main 6/0 (a 4/1 (b 3/3) c 2/0 (b 2/2)) other 4/4)",
		     "callee tree: threads merged, children by name");
	CHECK(flame_max_depth(f) == 3, "max depth 3");
	CHECK(flame_search(f, "B") == 5, "search 'B' (any case) sums both b frames: 5");
	CHECK(flame_search(f, "a") == 6, "search 'a' (a and main) counts each stack once: 6");
	CHECK(flame_search(f, "zzz") == 0 && flame_search(f, NULL) == 0, "no match: 0");
	flame_search(f, "b");
	{
		const uint32_t *k, *ka, *kb;
		uint32_t main_ = (flame_children(f, 0, &k), k[0]), a_;
		flame_children(f, main_, &ka);
		a_ = ka[0];
		flame_children(f, a_, &kb);
		CHECK(!flame_matches(f, main_) && !flame_matches(f, a_) && flame_matches(f, kb[0]),
		      "matches are marked per node: b, not main or a");
	}

	flame_layout(f, 0, 0.25, 100, &l);
	CHECK(l.nblocks == 6 && l.nrows == 4 && l.base == 10, "layout: 6 blocks in 4 rows (%zu, %zu)",
	      l.nblocks, l.nrows);
	if (l.nblocks == 6) {
		CHECK(l.blocks[1].start == 0 && l.blocks[1].weight == 6 &&
			      !strcmp(flame_name(f, l.blocks[1].node), "main") &&
			      l.blocks[2].start == 6 && l.blocks[2].weight == 4,
		      "row 1: main 0..6, other 6..10");
		CHECK(l.blocks[3].weight == 4 && l.blocks[4].node == FLAME_NONE &&
			      l.blocks[4].nmerged == 1 && l.blocks[4].start == 4 && l.blocks[4].weight == 2,
		      "row 2: a, then c (below 25%%) merged after it");
		CHECK(l.blocks[5].depth == 3 && l.blocks[5].weight == 3 && l.row_start[3] == 5,
		      "row 3: only a's child b (the merged block is not laid out further)");
	}
	/* zoom into main: its width is the full line */
	{
		const uint32_t *k;
		flame_children(f, 0, &k);
		flame_layout(f, k[0], 0.0, 1, &l);
		CHECK(l.base == 6 && l.nrows == 2 && l.nblocks == 3, "zoom into main, one level");
		CHECK(flame_column(l.blocks[2].start, l.base, 60) == 40 &&
			      flame_column(l.base, l.base, 60) == 60, "columns: c starts at 4/6 of 60");
	}
	flame_layout_free(&l);
	flame_free(f);
	hist_free(h);

	f = query(p, true, &h);
	buf[0] = '\0';
	dump(f, 0, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "all 10/0 (a 1/0 (main 1/1) b 5/0 (a 3/0 (main 3/3) c 2/0 (main 2/2)) "
		     "other 4/4)", "caller tree (icicle of callers): leaves at the top");
	CHECK(flame_search(f, "main") == 6, "callers: search 'main' sums 6");
	flame_free(f);
	hist_free(h);
	profile_free(p);
}

/* ---- random profiles: totals agree with the kept stacks ---- */

static uint64_t rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static struct profile *random_profile(void)
{
	static const char *const names[] = { "main", "a", "b", "c", "py::f:/x.py", "py::g:/x.py", "memcpy" };
	static const char *const dsos[] = { "/bin/p", "/lib/libc.so.6", "/lib/libpython3.12.so" };
	struct pdata *pd = pdata_new();
	for (int s = 0; s < 200; s++) {
		uint32_t st = PDATA_NONE;
		int depth = 1 + (int)rnd(9);
		uint32_t th = pdata_intern_thread(pd, 1, 1 + rnd(3), "t");
		for (int d = 0; d < depth; d++) {
			struct pdata_frame f = { .mapping = pdata_add_mapping(pd, dsos[rnd(3)], "") };
			f.name = pdata_intern_cstr(pd, names[rnd(7)]);
			st = pdata_intern_stack(pd, st, pdata_intern_frame(pd, &f));
		}
		for (unsigned i = 0, n = 1 + rnd(4); i < n; i++) {
			struct pdata_sample smp = { .weight = 1 + rnd(5), .thread = th, .stack = st };
			pdata_add_sample(pd, &smp);
		}
	}
	return profile_from_pdata(pd);
}

/* weight of kept stacks with a frame named `name` (counted once each) */
static uint64_t direct_sum(const struct hist *h, const char *name)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < hist_nstacks(h); i++) {
		struct hist_stack st = hist_stack(h, i);
		for (uint32_t n = st.leaf; n != HIST_NONE; n = hist_node_parent(h, n))
			if (strstr(hist_sym_name(h, hist_node_sym(h, n)), name)) {
				sum += st.weight;
				break;
			}
	}
	return sum;
}

static void random_tests(void)
{
	static const char *const needles[] = { "main", "a", "f (", "memcpy" };
	int bad_total = 0, bad_search = 0, bad_tile = 0;
	for (int round = 0; round < 40; round++) {
		struct profile *p = random_profile();
		for (int inv = 0; inv < 2; inv++) {
			for (int py = 0; py < 2; py++) {
				struct report_opts o;
				struct hist *h;
				struct flame *f;
				struct flame_layout l = { 0 };
				char err[128];
				report_opts_init(&o);
				o.inverted = inv;
				o.python = py;
				h = hist_new(p, &o, err, sizeof(err));
				f = flame_new(h);
				bad_total += flame_node(f, 0)->total != hist_kept_weight(h);
				for (size_t k = 0; k < 4; k++)
					bad_search += flame_search(f, needles[k]) != direct_sum(h, needles[k]);
				/* children never overflow their parent's span */
				flame_layout(f, 0, 0.01, 64, &l);
				for (size_t i = 1; i < l.nblocks; i++) {
					const struct flame_block *b = &l.blocks[i];
					uint64_t ps = 0, pw = 0;
					for (size_t j = 0; j < i; j++)
						if (l.blocks[j].node == b->parent &&
						    l.blocks[j].depth + 1 == b->depth) {
							ps = l.blocks[j].start;
							pw = l.blocks[j].weight;
						}
					bad_tile += b->start < ps || b->start + b->weight > ps + pw;
				}
				flame_layout_free(&l);
				flame_free(f);
				hist_free(h);
				report_opts_free(&o);
			}
		}
		profile_free(p);
	}
	CHECK(!bad_total, "random: root total = kept weight (%d bad)", bad_total);
	CHECK(!bad_search, "random: search sums = weight of stacks with a match (%d bad)", bad_search);
	CHECK(!bad_tile, "random: every block lies inside its parent (%d bad)", bad_tile);
}

int main(void)
{
	fixed_tests();
	random_tests();
	return tap_done();
}
