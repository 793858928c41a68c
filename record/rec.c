/* rec: the life cycle of one recording's state (struct rec, rec.h), its
 * samples' way out to the spill file, and its messages to the front end. */
#include "rec.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The directory the output will be renamed into, when it is (or becomes) a
 * regular file: the spill file lives next to it. */
static const char *output_dir(const char *output, char *dir, size_t len)
{
	const char *slash;
	struct stat st;

	if (!output || (stat(output, &st) == 0 && !S_ISREG(st.st_mode)))
		return NULL;
	slash = strrchr(output, '/');
	if (!slash)
		return ".";
	if (slash == output)
		return "/";
	if ((size_t)(slash - output) >= len)
		return NULL;
	snprintf(dir, len, "%.*s", (int)(slash - output), output);
	return dir;
}

void rec_init(struct rec *r, const struct record_opts *o, uint64_t now_real)
{
	char dir[PATH_MAX];
	const char *dirs[3];

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->pd = pdata_new();
	r->pm = procmap_new(now_real);
	r->out.fd = -1;
	hmap_init(&r->by_tid);
	hmap_init(&r->rf_idx);
	hmap_init(&r->rn_idx);
	dirs[0] = output_dir(o->output, dir, sizeof(dir));
	dirs[1] = getenv("TMPDIR");
	dirs[2] = "/tmp";
	spill_open(&r->spill, dirs, 3);
	if (r->spill.fd < 0) {
		r->spill_warned = true;
		rec_message(r, "warning: no temporary file for the samples (%s): keeping them in memory",
			    strerror(r->spill.err));
	}
}

void rec_free(struct rec *r)
{
	rec_py_free(r);
	free(r->spans);
	pdata_free(r->pd);
	procmap_free(r->pm);
	if (r->uw)
		unwinder_free(r->uw);
	hmap_free(&r->by_tid);
	hmap_free(&r->rf_idx);
	hmap_free(&r->rn_idx);
	free(r->thr);
	free(r->rf);
	free(r->rn);
	free(r->node_map);
	free(r->node_user);
	free(r->node_named);
	spill_close(&r->spill);
	rec_output_close(r);
}

void rec_add_sample(struct rec *r, const struct spill_rec *s)
{
	if (!spill_put(&r->spill, s) && !r->spill_warned) {
		r->spill_warned = true;
		rec_message(r, "warning: cannot write the temporary sample file (%s): keeping the "
			       "samples in memory", strerror(r->spill.err));
	}
}

static size_t hmap_bytes(const struct hmap *m)
{
	return m->slots ? (m->mask + 1) * sizeof(*m->slots) : 0;
}

static size_t pdata_hash_bytes(const struct pdata_hash *h)
{
	return h->slots ? (h->mask + 1) * sizeof(*h->slots) : 0;
}

size_t rec_retained_bytes(const struct rec *r)
{
	const struct pdata *pd = r->pd;
	return r->cap_thr * sizeof(*r->thr) + r->cap_rf * sizeof(*r->rf) +
	       r->cap_rn * sizeof(*r->rn) + hmap_bytes(&r->by_tid) + hmap_bytes(&r->rf_idx) +
	       hmap_bytes(&r->rn_idx) + spill_memory(&r->spill) + pd->arena.total +
	       pd->cap_strings * sizeof(*pd->strings) + pd->cap_mappings * sizeof(*pd->mappings) +
	       pd->cap_frames * sizeof(*pd->frames) + pd->cap_stacks * sizeof(*pd->stacks) +
	       pd->cap_threads * sizeof(*pd->threads) + pd->cap_samples * sizeof(*pd->samples) +
	       pdata_hash_bytes(&pd->h_strings) + pdata_hash_bytes(&pd->h_frames) +
	       pdata_hash_bytes(&pd->h_stacks) + pdata_hash_bytes(&pd->h_threads);
}

void rec_message(struct rec *r, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r->o->message)
		r->o->message(r->o->message_ctx, line);
}
