/* test_classes: the class table and the Python view's rule on stack shapes
 * taken from real CPython 3.12/3.13 recordings (pytop record, -X perf):
 * what each stack becomes in the Python view and which class it gets. */
#include "pytop/model/classes.h"
#include "pytop/model/hist.h"
#include "pytop/model/profile.h"
#include "pytop/model/report_opts.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#define LIBPY "/usr/lib/libpython3.12.so.1.0"

/* One stack, root first, ';'-separated "name@dso" frames (no '@': a py::
 * frame); a trailing '~' marks an inlined frame.  Each stack gets its own
 * thread so the rows of a --no-children query can be told apart. */
struct shape {
	const char *frames;
	const char *pyview;  /* the Python view's stack, root first */
	enum profile_class cls;
};

static const struct shape shapes[] = {
	/* sorted(data, key=f): builtin_sorted, called directly by the eval
	 * loop's specialized CALL, and list.sort through the vectorcall are
	 * calls; f runs under them */
	{ "py::run:/t/srt.py;_PyEval_EvalFrameDefault@" LIBPY ";builtin_sorted@" LIBPY
	  ";PyObject_Vectorcall@" LIBPY ";_PyObject_VectorcallTstate~@" LIBPY
	  ";cfunction_vectorcall_FASTCALL_KEYWORDS@" LIBPY ";list_sort@" LIBPY ";list_sort_impl@" LIBPY
	  ";PyObject_CallOneArg@" LIBPY ";_PyObject_VectorcallTstate~@" LIBPY
	  ";py_trampoline_evaluator@" LIBPY ";py::f:/t/srt.py;_PyEval_EvalFrameDefault@" LIBPY,
	  "run (srt.py);builtin_sorted;list_sort;list_sort_impl;f (srt.py)", CLASS_PYTHON },
	/* sorting itself: native */
	{ "py::run:/t/srt.py;_PyEval_EvalFrameDefault@" LIBPY ";builtin_sorted@" LIBPY
	  ";PyObject_Vectorcall@" LIBPY ";cfunction_vectorcall_FASTCALL_KEYWORDS@" LIBPY
	  ";list_sort@" LIBPY ";list_sort_impl@" LIBPY ";binarysort~@" LIBPY
	  ";unsafe_float_compare@" LIBPY,
	  "run (srt.py);builtin_sorted;list_sort;list_sort_impl;unsafe_float_compare", CLASS_NATIVE },
	/* re.findall: the regex engine under findall (re/__init__.py) */
	{ "py::findall:/lib/re/__init__.py;_PyEval_EvalFrameDefault@" LIBPY
	  ";_sre_SRE_Pattern_findall@" LIBPY ";_sre_SRE_Pattern_findall_impl~@" LIBPY
	  ";sre_search@" LIBPY ";sre_ucs1_search~@" LIBPY ";sre_ucs1_match@" LIBPY,
	  "findall (__init__.py);_sre_SRE_Pattern_findall;sre_search;sre_ucs1_match", CLASS_NATIVE },
	/* the collector run by the eval loop: memory */
	{ "py::churn:/t/gcl.py;_PyEval_EvalFrameDefault@" LIBPY ";_Py_HandlePending@" LIBPY
	  ";_Py_RunGC@" LIBPY ";gc_collect_main@" LIBPY ";deduce_unreachable~@" LIBPY
	  ";subtype_traverse@" LIBPY,
	  "churn (gcl.py);_Py_RunGC;gc_collect_main;subtype_traverse", CLASS_MEMORY },
	/* arithmetic allocating an int: the allocator is shown, memory */
	{ "py::work:/t/loop.py;_PyEval_EvalFrameDefault@" LIBPY ";_PyLong_Multiply@" LIBPY
	  ";_PyObject_Malloc@" LIBPY ";pymalloc_alloc~@" LIBPY,
	  "work (loop.py);_PyObject_Malloc", CLASS_MEMORY },
	/* attribute lookup with __tls_get_addr (3.12): the bytecode's own */
	{ "py::work:/t/loop.py;_PyEval_EvalFrameDefault@" LIBPY ";PyObject_GetAttr@" LIBPY
	  ";_PyObject_GenericGetAttrWithDict@" LIBPY ";__tls_get_addr@/lib/ld-linux-x86-64.so.2",
	  "work (loop.py)", CLASS_PYTHON },
	/* a lowercase type slot reached by a bytecode through a tail call */
	{ "py::work:/t/loop.py;_PyEval_EvalFrameDefault@" LIBPY ";unicode_subscript@" LIBPY,
	  "work (loop.py)", CLASS_PYTHON },
	/* time.time(): a method call through cfunction_vectorcall_NOARGS */
	{ "py::clock:/t/tt.py;_PyEval_EvalFrameDefault@" LIBPY ";PyObject_Vectorcall@" LIBPY
	  ";cfunction_vectorcall_NOARGS@" LIBPY ";time_time@" LIBPY
	  ";clock_gettime@/lib/libc.so.6;__vdso_clock_gettime@[vdso]",
	  "clock (tt.py);time_time;clock_gettime;__vdso_clock_gettime", CLASS_NATIVE },
	/* a C extension through the vectorcall; a page fault under it */
	{ "py::f:/t/x.py;_PyEval_EvalFrameDefault@" LIBPY ";PyObject_Vectorcall@" LIBPY
	  ";fast_sum@/t/_speedups.so;asm_exc_page_fault@[kernel.kallsyms]",
	  "f (x.py);fast_sum;asm_exc_page_fault", CLASS_KERNEL },
	/* start-up, no Python frame: under [interpreter], frames kept */
	{ "_start@/usr/bin/python3.12;__libc_start_main@/lib/libc.so.6;Py_BytesMain@" LIBPY
	  ";pymain_main~@" LIBPY ";PyImport_ImportModule@" LIBPY,
	  "[interpreter];_start;__libc_start_main;Py_BytesMain;PyImport_ImportModule",
	  CLASS_INTERPRETER },
	/* native code without Python */
	{ "start_thread@/lib/libc.so.6;worker@/t/prog", "start_thread;worker", CLASS_NATIVE },
	/* the eval loop inlines import_name: the import's Python code runs
	 * under the importing function */
	{ "py::main:/t/m.py;_PyEval_EvalFrameDefault@" LIBPY ";import_name~@" LIBPY
	  ";PyImport_ImportModuleLevelObject@" LIBPY ";PyObject_CallMethodObjArgs@" LIBPY
	  ";py_trampoline_evaluator@" LIBPY ";py::_find_and_load:<frozen importlib._bootstrap>",
	  "main (m.py);_find_and_load (<frozen importlib._bootstrap>)", CLASS_PYTHON },
};
#define NSHAPES (sizeof(shapes) / sizeof(shapes[0]))

static struct profile *make_profile(void)
{
	struct pdata *pd = pdata_new();
	for (size_t i = 0; i < NSHAPES; i++) {
		char *copy = strdup(shapes[i].frames), *save = NULL, *tok;
		uint32_t st = PDATA_NONE, th;
		char comm[16];
		snprintf(comm, sizeof(comm), "t%zu", i);
		th = pdata_intern_thread(pd, 1, (uint32_t)(100 + i), comm);
		for (tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
			struct pdata_frame f = { .mapping = PDATA_NONE };
			char *at = strncmp(tok, "py::", 4) ? strchr(tok, '@') : NULL;
			size_t n;
			if (at) {
				*at++ = '\0';
				f.mapping = pdata_add_mapping(pd, at, "");
			}
			n = strlen(tok);
			if (n && tok[n - 1] == '~') {
				tok[--n] = '\0';
				f.flags = FRAME_F_INLINED;
			}
			f.name = pdata_intern_cstr(pd, tok);
			f.addr = f.name * 16u + f.flags;
			st = pdata_intern_stack(pd, st, pdata_intern_frame(pd, &f));
		}
		free(copy);
		for (int k = 0; k < 10; k++) {
			struct pdata_sample s = { .time = (uint64_t)k, .weight = 1, .thread = th,
						  .stack = st };
			pdata_add_sample(pd, &s);
		}
	}
	return profile_from_pdata(pd);
}

int main(void)
{
	struct profile *p = make_profile();
	struct report_opts o;
	struct hist *h;
	char err[256], buf[1024];

	/* ---- the table ---- */
	CHECK_EQ_STR(profile_class_name(CLASS_PYTHON), "python", "python first");
	CHECK_EQ_U(profile_class_by_name("memory"), CLASS_MEMORY, "by name");
	CHECK(profile_class_by_name("nosuch") == -1, "unknown name");
	CHECK(profile_class_info(CLASS_COUNT) == NULL, "out of range");
	for (int c = 0; c < CLASS_COUNT; c++) {
		const struct class_info *ci = profile_class_info((enum profile_class)c);
		CHECK(ci->name[0] && ci->meaning[0] && ci->advice[0], "%s described", ci->name);
	}
	CHECK(class_pattern_match("malloc *_dealloc gc_collect*", "list_dealloc"), "suffix pattern");
	CHECK(class_pattern_match("malloc *_dealloc gc_collect*", "gc_collect_main"), "prefix pattern");
	CHECK(class_pattern_match("malloc", "malloc.cold"), "compiler suffix ignored");
	CHECK(!class_pattern_match("malloc", "mallocx"), "exact names are exact");
	CHECK(class_pattern_match("*@plt", "memcpy@plt"), "PLT stubs");

	/* ---- each shape: its Python view stack and its class ---- */
	report_opts_init(&o);
	o.python = true;
	h = hist_new(p, &o, err, sizeof(err));
	CHECK(h != NULL, "Python view query");
	for (size_t i = 0; i < hist_nstacks(h); i++) {
		struct hist_stack st = hist_stack(h, i);
		uint32_t path[64];
		size_t n = 0, off = 0;
		const struct shape *s = &shapes[st.thread];
		for (uint32_t nd = st.leaf; nd != HIST_NONE && n < 64; nd = hist_node_parent(h, nd))
			path[n++] = nd;
		buf[0] = '\0';
		while (n--)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", off ? ";" : "",
						hist_sym_name(h, hist_node_sym(h, path[n])));
		CHECK_EQ_STR(buf, s->pyview, "shape %u: Python view", st.thread);
		CHECK_EQ_STR(profile_class_name(st.cls), profile_class_name(s->cls),
			     "shape %u (%s): class", st.thread, s->pyview);
		CHECK_EQ_U(hist_node_class(h, st.leaf), s->cls, "shape %u: leaf node class", st.thread);
	}
	CHECK_EQ_U(hist_nstacks(h), NSHAPES, "one stack per shape");
	{
		const struct profile_classes *c = hist_classes(h);
		CHECK_EQ_U(c->weight[CLASS_PYTHON], 40, "python: 4 shapes");
		CHECK_EQ_U(c->weight[CLASS_NATIVE], 40, "native: 4 shapes");
		CHECK_EQ_U(c->weight[CLASS_MEMORY], 20, "memory: 2 shapes");
		CHECK_EQ_STR(hist_sym_name(h, c->top_native[0].sym), "builtin_sorted",
			     "top native entry: the C function called from Python");
	}
	hist_free(h);

	/* ---- the all-frames view agrees on the classes ---- */
	o.python = false;
	h = hist_new(p, &o, err, sizeof(err));
	for (size_t i = 0; i < hist_nstacks(h); i++) {
		struct hist_stack st = hist_stack(h, i);
		CHECK_EQ_U(st.cls, shapes[st.thread].cls, "shape %u: same class in both views",
			   st.thread);
	}
	hist_classes_line(h, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "python 33.33%, native 33.33% (top: builtin_sorted 8.33%, "
		     "_sre_SRE_Pattern_findall 8.33%, time_time 8.33%), memory 16.67%, "
		     "kernel 8.33%, interpreter 8.33%, unknown 0.00%", "classes line");
	/* inlined frames are marked in the all-frames view */
	{
		int seen = 0;
		for (size_t s = 0; s < profile_nsyms(p); s++)
			if (!strcmp(profile_sym_name(p, (uint32_t)s, PNAME_RAW), "binarysort (inlined)"))
				seen = 1;
		CHECK(seen, "inlined frames read \"name (inlined)\"");
	}
	for (size_t s = 0; s < profile_nsyms(p); s++) {
		const char *nm = profile_sym_name(p, (uint32_t)s, PNAME_RAW);
		if (!strcmp(nm, "_PyObject_Malloc"))
			CHECK_EQ_U(profile_sym_class(p, (uint32_t)s), CLASS_MEMORY, "symbol class: memory");
		else if (!strcmp(nm, "py::run:/t/srt.py"))
			CHECK_EQ_U(profile_sym_class(p, (uint32_t)s), CLASS_PYTHON, "symbol class: python");
		else if (!strcmp(nm, "builtin_sorted"))
			CHECK_EQ_U(profile_sym_class(p, (uint32_t)s), CLASS_INTERPRETER,
				   "symbol class without its stack: interpreter");
	}
	hist_free(h);
	report_opts_free(&o);
	profile_free(p);
	return tap_done();
}
