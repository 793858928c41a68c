/* hist_filter: which records a query keeps (thread, DSO and symbol
 * filters), as per-thread and per-view-node flags. */
#include "hist_int.h"

#include "pytop/base/xalloc.h"
#include "pytop/model/filter.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool report_symbol_matches(const struct profile *p, uint32_t sym, const regex_t *re)
{
	const struct psym *ps;
	if (sym >= p->nsyms)
		return false;
	ps = &p->syms[sym];
	return !regexec(re, ps->raw, 0, NULL, 0) ||
	       (ps->shortn != ps->raw && !regexec(re, ps->shortn, 0, NULL, 0)) ||
	       (ps->longn != ps->shortn && !regexec(re, ps->longn, 0, NULL, 0)) ||
	       (ps->func && ps->func != ps->raw && !regexec(re, ps->func, 0, NULL, 0));
}

static bool in_u32(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool in_str(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

int hist_filter_prepare(struct hist *h, struct filter_state *fs, char *err, size_t errlen)
{
	const struct profile *p = h->p;
	const struct report_filter *f = &h->o.filter;
	const struct view *v = h->v;
	size_t nt = profile_nthreads(p);
	uint8_t *sym_match = NULL;

	memset(fs, 0, sizeof(*fs));
	fs->thread_ok = xmalloc(nt ? nt : 1, 1);
	for (size_t t = 0; t < nt; t++) {
		bool ok = true;
		if (f->ncomms && !in_str(f->comms, f->ncomms, profile_thread_comm(p, (uint32_t)t)))
			ok = false;
		if (f->npids && !in_u32(f->pids, f->npids, profile_thread_pid(p, (uint32_t)t)))
			ok = false;
		if (f->ntids && !in_u32(f->tids, f->ntids, profile_thread_tid(p, (uint32_t)t)))
			ok = false;
		fs->thread_ok[t] = ok;
	}
	if (f->symbol && (f->symbol_literal || !f->symbol[strcspn(f->symbol, "\\^$.[]|()*+?{}")])) {
		/* a literal, or a plain word (the regex would be a substring
		 * search anyway) */
		sym_match = xmalloc(p->nsyms ? p->nsyms : 1, 1);
		for (size_t s = 0; s < p->nsyms; s++) {
			const struct psym *ps = &p->syms[s];
			sym_match[s] = strstr(ps->raw, f->symbol) || strstr(ps->shortn, f->symbol) ||
				       strstr(ps->longn, f->symbol);
		}
		fs->need |= 1;
	} else if (f->symbol) {
		regex_t re;
		int rc = regcomp(&re, f->symbol, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char msg[128];
			regerror(rc, &re, msg, sizeof(msg));
			regfree(&re);
			snprintf(err, errlen, "bad regular expression '%s': %s", f->symbol, msg);
			return -1;
		}
		sym_match = xmalloc(p->nsyms ? p->nsyms : 1, 1);
		for (size_t s = 0; s < p->nsyms; s++)
			sym_match[s] = report_symbol_matches(p, (uint32_t)s, &re);
		regfree(&re);
		fs->need |= 1;
	}
	if (f->ndsos) {
		fs->dso_in = xcalloc(p->ndsos ? p->ndsos : 1, 1);
		for (size_t d = 0; d < p->ndsos; d++)
			fs->dso_in[d] = in_str(f->dsos, f->ndsos, p->dsos[d].base) ||
					in_str(f->dsos, f->ndsos, p->dsos[d].path);
		fs->need |= 2;
	}
	if (fs->need) {
		fs->node_flags = xmalloc(v->nnodes ? v->nnodes : 1, 1);
		for (size_t n = 0; n < v->nnodes; n++) {
			uint32_t s = v->sym[n], par = v->parent[n];
			uint8_t fl = par == PROFILE_NONE ? 0 : fs->node_flags[par];
			if (sym_match && sym_match[s])
				fl |= 1;
			if (fs->dso_in && fs->dso_in[p->syms[s].dso])
				fl |= 2;
			fs->node_flags[n] = fl;
		}
	}
	free(sym_match);
	return 0;
}

void hist_filter_done(struct filter_state *fs)
{
	free(fs->thread_ok);
	free(fs->dso_in);
	free(fs->node_flags);
}
