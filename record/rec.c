/* rec: the life cycle of one recording's state (struct rec, rec.h) and
 * its messages to the front end. */
#include "rec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rec_init(struct rec *r, const struct record_opts *o, uint64_t now_real)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->pd = pdata_new();
	r->pm = procmap_new(now_real);
	hmap_init(&r->by_tid);
	hmap_init(&r->rf_idx);
	hmap_init(&r->rn_idx);
}

void rec_free(struct rec *r)
{
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
	free(r->rs);
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
