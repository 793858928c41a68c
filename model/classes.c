/* classes: the class table's accessors, the frame-name patterns and the
 * roles of interpreter frames the Python view folds by (pyroles). */
#include "pyroles_int.h"
#include "profile_int.h"
#include "pytop/model/classes.h"

#include <stdbool.h>
#include <string.h>

static const struct class_info class_table[CLASS_COUNT] = {
#define PROFILE_CLASS_ROW(id, nm, kd, fr, mn, ad) \
	[CLASS_##id] = { .name = nm, .kind = kd, .frames = fr, .meaning = mn, .advice = ad },
	PROFILE_CLASS_TABLE(PROFILE_CLASS_ROW)
#undef PROFILE_CLASS_ROW
};

const struct class_info *profile_class_info(enum profile_class c)
{
	return (unsigned)c < CLASS_COUNT ? &class_table[c] : NULL;
}

const char *profile_class_name(enum profile_class c)
{
	return (unsigned)c < CLASS_COUNT ? class_table[c].name : "unknown";
}

int profile_class_by_name(const char *name)
{
	for (int c = 0; c < CLASS_COUNT; c++)
		if (!strcmp(class_table[c].name, name))
			return c;
	return -1;
}

/* ---- patterns ---- */

/* Length of name without a compiler suffix (.cold, .part.N, .constprop.N,
 * .isra.N, .lto_priv.N): the function it was split from. */
static size_t base_len(const char *name)
{
	static const char *const sufs[] = { ".cold", ".part.", ".constprop.", ".isra.",
					    ".lto_priv." };
	const char *dot = strchr(name, '.');
	while (dot && dot != name) {
		for (size_t i = 0; i < sizeof(sufs) / sizeof(sufs[0]); i++)
			if (!strncmp(dot, sufs[i], strlen(sufs[i])))
				return (size_t)(dot - name);
		dot = strchr(dot + 1, '.');
	}
	return strlen(name);
}

int class_pattern_match(const char *patterns, const char *name)
{
	size_t n = base_len(name), full = strlen(name);
	const char *p = patterns;
	while (*p) {
		const char *e;
		size_t len;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		e = strchr(p, ' ');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len > 1 && p[len - 1] == '*') {
			if (n >= len - 1 && !strncmp(name, p, len - 1))
				return 1;
		} else if (len > 1 && p[0] == '*') {
			/* suffixes may name the compiler's suffix too ("*@plt") */
			if ((n >= len - 1 && !strncmp(name + n - (len - 1), p + 1, len - 1)) ||
			    (full >= len - 1 && !strncmp(name + full - (len - 1), p + 1, len - 1)))
				return 1;
		} else if (n == len && !strncmp(name, p, len)) {
			return 1;
		}
		p += len;
	}
	return 0;
}

/* ---- roles of frames ---- */

/* Helpers that exist only to serve their caller: charged to it. */
static const char serve_frames[] =
	"__tls_get_addr ___tls_get_addr __tls_get_addr_slow tls_get_addr_tail update_get_addr "
	"*@plt _dl_runtime_resolve* _dl_runtime_profile* _dl_fixup _dl_lookup_symbol_x "
	"do_lookup_x check_match _dl_name_match_p __x86.get_pc_thunk.*";

/* The interpreter's call machinery: what runs between a call in bytecode
 * (or in C) and the function called.  The first other frame after these is
 * the function called. */
static const char dispatch_frames[] =
	"PyObject_Vectorcall* _PyObject_Vectorcall* PyVectorcall_* _PyVectorcall_* "
	"PyObject_Call* _PyObject_Call* _PyObject_FastCall* _PyObject_MakeTpCall "
	"PyEval_CallObject* PyEval_EvalCode* _PyEval_Vector _PyEval_EvalFrame "
	"_PyFunction_Vectorcall PyCFunction_Call _PyCFunction_* cfunction_* "
	"method_vectorcall* meth_vectorcall* vectorcall_* object_vacall callmethod "
	"py_trampoline_evaluator _Py_CheckFunctionResult _Py_EnterRecursive* "
	"_Py_LeaveRecursive* _Py_EnsureFuncTstateNotNULL _PyEvalFramePushAndInit* "
	"initialize_locals _PyFrame_Initialize "
	"slot_tp_* slot_mp_* slot_sq_* slot_nb_* slot_am_* slot_bf_* call_attribute "
	"call_method call_unbound* lookup_maybe_method wrapperdescr_call wrapper_call "
	"wrap_* method_call classmethoddescr_call type_call "
	"gen_iternext gen_send gen_send_ex gen_send_ex2 gen_throw _gen_throw "
	"coro_wrapper_* async_gen_* partial_vectorcall partial_call "
	"property_descr_get func_descr_get";

/* The eval loop. */
static const char eval_frames[] = "_PyEval_EvalFrameDefault";

/* Functions the eval loop calls directly as part of a bytecode: the C API
 * (attribute lookup, arithmetic, subscripts, iteration, imports...) and the
 * type slots it reaches through tail calls.  Any other C function the eval
 * loop calls directly is a built-in its specialized CALL called. */
static const char bytecode_frames[] =
	"Py* _Py* import_* unpack_iterable do_raise stopiteration_error make_gen "
	"insertdict insert_to_emptydict delitem_common format_* "
	"*_subscript *subscript *_ass_sub *_getitem *getitem *_item *_iternext* "
	"*iter_next *_next *contains *_length *_len *_repeat *_concat *iconcat "
	"*_richcompare *_compare *_hash *_bool *_add *_sub *_mul *_neg *_pos *_abs "
	"*_invert *_lshift *_rshift *_and *_or *_xor *_mod *_remainder *_divmod *_pow "
	"*_true_divide *_floor_divide *_div *_index *_int *_float x_add x_sub x_mul "
	"k_mul *_iter method_get *descr_get *_getattro *_setattro object_isinstance "
	"object_issubclass object_recursive_isinstance recursive_isinstance recursive_issubclass";

enum py_role pyrole_of(const char *name, enum frame_kind kind)
{
	if (class_pattern_match(serve_frames, name))
		return ROLE_SERVE;
	if (kind != FRAME_INTERPRETER)
		return ROLE_NONE;
	if (class_pattern_match(eval_frames, name))
		return ROLE_EVAL;
	if (class_pattern_match(dispatch_frames, name))
		return ROLE_DISPATCH;
	if (class_pattern_match(bytecode_frames, name))
		return ROLE_BYTECODE;
	return ROLE_NONE;
}

uint8_t pyclass_mark(const char *name)
{
	for (int c = 0; c < CLASS_COUNT; c++)
		if (class_table[c].frames[0] && class_table[c].kind == SAMPLE_ON_CPU &&
		    class_pattern_match(class_table[c].frames, name))
			return (uint8_t)c;
	return CLASS_COUNT;
}

uint8_t pyclass_off_mark(const char *name)
{
	for (int c = CLASS_FIRST_OFF_CPU; c < CLASS_COUNT; c++)
		if (class_table[c].frames[0] && class_pattern_match(class_table[c].frames, name))
			return (uint8_t)c;
	return CLASS_COUNT;
}

/* The rules of classes.h for an off-CPU sample: preempted, then gil
 * anywhere on the stack, then the innermost frame that marks a class. */
uint8_t profile_off_class(const struct profile *p, uint32_t stack, uint8_t flags)
{
	const struct pdata *pd = p->pd;
	uint8_t cls = CLASS_COUNT, io = 0;
	size_t guard = 0;

	if (flags & SAMPLE_F_PREEMPTED)
		return CLASS_PREEMPTED;
	for (uint32_t s = stack; s != PDATA_NONE && s < pd->nstacks && guard++ < pd->nstacks;
	     s = pd->stacks[s].parent) {
		const struct psym *ps = &p->syms[p->frame_sym[pd->stacks[s].frame]];
		if (ps->offmark == CLASS_GIL)
			return CLASS_GIL;
		if (cls == CLASS_COUNT && ps->offmark < CLASS_COUNT)
			cls = ps->offmark;
		if (cls == CLASS_IO && !io)
			io = ps->io;
	}
	if (cls == CLASS_COUNT)
		return CLASS_WAIT_OTHER;
	return (uint8_t)(cls | (cls == CLASS_IO ? io : 0));
}

enum profile_class profile_sym_class(const struct profile *p, uint32_t sym)
{
	const struct psym *s;
	if (sym >= p->nsyms)
		return CLASS_UNKNOWN;
	s = &p->syms[sym];
	if (s->kind == FRAME_KERNEL)
		return CLASS_KERNEL;
	if (s->mark < CLASS_COUNT)
		return (enum profile_class)s->mark;
	switch (s->kind) {
	case FRAME_PYTHON: return CLASS_PYTHON;
	case FRAME_INTERPRETER: return CLASS_INTERPRETER;
	case FRAME_NATIVE: return CLASS_NATIVE;
	default: return CLASS_UNKNOWN;
	}
}
