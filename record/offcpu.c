/* offcpu: off-CPU time from the context-switch events.
 *
 * At each switch-out the kernel writes a sample of the context-switch
 * software event (the thread's stack, as the sampling event would take it)
 * and a PERF_RECORD_SWITCH with PERF_RECORD_MISC_SWITCH_OUT (plus
 * ..._SWITCH_OUT_PREEMPT when the thread was still runnable); at its next
 * switch-in, a PERF_RECORD_SWITCH without it.  The wait from the one to the
 * other becomes one off-CPU sample: its time is the switch-out's, its weight
 * the ns off the CPU, its stack the switch-out sample's.  Without kernel
 * access (perf_event_paranoid 2, not root) the kernel takes no switch-out
 * samples, so the waits are timed but have no stack.
 *
 * When the switch rings overflow (LOST records), a wait whose switch-out
 * came before the loss and switch-in after cannot be trusted (either end
 * may be missing): it is dropped and counted, and the recorded waits'
 * times are scaled by seen / recorded when the file is written.  Each
 * pdata thread's span (first and last event) is kept here too. */
#include "pytop/base/xalloc.h"
#include "rec.h"

#include <string.h>

/* Records a switch costs in the rings: with a stack sample, three. */
#define RECORDS_PER_SWITCH 3

void rec_span_touch(struct rec *r, uint32_t pd, uint64_t time)
{
	struct rec_span *s;
	if (pd == PDATA_NONE || !time)
		return;
	if (pd >= r->cap_spans) {
		size_t old = r->cap_spans;
		xgrow(&r->spans, &r->cap_spans, (size_t)pd + 1, sizeof(*r->spans));
		memset(r->spans + old, 0, (r->cap_spans - old) * sizeof(*r->spans));
	}
	s = &r->spans[pd];
	if (!s->first || time < s->first)
		s->first = time;
	if (time > s->last)
		s->last = time;
}

uint32_t rec_pd_thread(struct rec *r, struct rec_thread *t, uint64_t time)
{
	if (t->pd_thread == PDATA_NONE) {
		t->pd_thread = pdata_intern_thread(r->pd, t->pid, t->tid, pdata_str(r->pd, t->comm));
		if (t->comm_time && t->comm_time < time)
			rec_span_touch(r, t->pd_thread, t->comm_time);
	}
	rec_span_touch(r, t->pd_thread, time);
	t->seen = true;
	return t->pd_thread;
}

/* The wait of t from its switch-out to `until` as an off-CPU sample, or
 * dropped when switch records were lost in between. */
static void end_wait(struct rec *r, struct rec_thread *t, uint64_t until)
{
	t->out_pending = false;
	if (t->out_epoch != r->sw_epoch) {
		r->off_dropped++;
		return;
	}
	rec_add_sample(r, &(struct spill_rec){
		.time = t->out_time,
		.weight = until > t->out_time ? until - t->out_time : 1,
		.thread = t->out_pd, .stack = t->out_stack, .flags = t->out_flags });
	r->off_samples++;
}

void rec_on_switch_record(void *ctx, const struct perf_event_header *h)
{
	struct rec *r = ctx;
	const unsigned char *p = (const unsigned char *)h;
	struct rec_stack st;
	struct rec_thread *t;
	uint32_t pid, tid, pd;
	uint64_t time, n;

	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		if (!rec_sample_stack(r, h, false, &st))
			break;
		t = rec_thread_get(r, st.pid, st.tid, true);
		t->sw_stack = st.stack;
		t->sw_flags = st.flags;
		t->sw_have = true;
		break;
	case PERF_RECORD_SWITCH:
		if (h->size < sizeof(*h) + 24)
			break;
		memcpy(&pid, p + h->size - 24, 4);
		memcpy(&tid, p + h->size - 20, 4);
		memcpy(&time, p + h->size - 16, 8);
		t = rec_thread_get(r, pid, tid, true);
		pd = rec_pd_thread(r, t, time);
		if (h->misc & PERF_RECORD_MISC_SWITCH_OUT) {
			r->switch_outs++;
			if (t->out_pending) { /* its switch-in was lost */
				t->out_pending = false;
				r->off_dropped++;
			}
			t->out_pending = true;
			t->out_time = time;
			t->out_pd = pd;
			t->out_epoch = r->sw_epoch;
			t->out_stack = t->sw_have ? t->sw_stack : PDATA_NONE;
			t->out_flags = (uint8_t)(SAMPLE_F_OFF_CPU | (t->sw_have ? t->sw_flags : 0) |
						 ((h->misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT)
							  ? SAMPLE_F_PREEMPTED : 0));
		} else if (t->out_pending) {
			end_wait(r, t, time);
		}
		t->sw_have = false;
		break;
	case PERF_RECORD_LOST:
		if (h->size >= sizeof(*h) + 16) {
			memcpy(&n, p + sizeof(*h) + 8, 8);
			r->switch_lost += n;
			r->sw_epoch++;
		}
		break;
	case PERF_RECORD_LOST_SAMPLES:
		if (h->size >= sizeof(*h) + 8) {
			memcpy(&n, p + sizeof(*h), 8);
			r->switch_lost += n;
			r->sw_epoch++;
		}
		break;
	default:
		break;
	}
}

void rec_off_cpu_finish(struct rec *r, uint64_t end)
{
	struct pdata *pd = r->pd;
	uint64_t unseen;

	if (!r->off_cpu)
		return;
	for (size_t i = 0; i < r->nthr; i++) {
		struct rec_thread *t = &r->thr[i];
		if (t->out_pending) { /* still waiting when the recording ended */
			rec_span_touch(r, t->out_pd, end);
			end_wait(r, t, end);
		}
	}
	for (size_t i = 0; i < pd->nthreads && i < r->cap_spans; i++) {
		const struct rec_span *s = &r->spans[i];
		struct pdata_thread *th = &pd->threads[i];
		if (!s->first)
			continue;
		th->has_span = true;
		th->span_start = s->first > r->start_mono ? s->first - r->start_mono : 0;
		th->span_end = s->last > r->start_mono ? s->last - r->start_mono : 0;
		if (th->span_end < th->span_start)
			th->span_end = th->span_start;
	}
	/* switch-outs whose records were lost: estimated from the lost count */
	unseen = r->switch_lost / RECORDS_PER_SWITCH;
	pd->meta.switch_outs = r->switch_outs + unseen;
	pd->meta.off_cpu_dropped = r->off_dropped + unseen;
	if (pd->meta.off_cpu_dropped > pd->meta.switch_outs)
		pd->meta.off_cpu_dropped = pd->meta.switch_outs;
	pd->meta.switch_lost = r->switch_lost;
}
