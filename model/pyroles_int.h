/* pyroles_int: what the model knows of the interpreter's own frames, for
 * the Python view and the classes (classes.c).  Not a public header. */
#ifndef PYTOP_MODEL_PYROLES_INT_H
#define PYTOP_MODEL_PYROLES_INT_H

#include <stdint.h>

#include "pytop/format/pdata.h"

/* How the Python view treats a frame (man/pytop-report.1 "PYTHON VIEW"). */
enum py_role {
	ROLE_NONE = 0,  /* an ordinary function */
	ROLE_SERVE,     /* serves its caller only (__tls_get_addr, PLT, ld.so's
			   lazy binding): folded into the caller, any kind */
	ROLE_EVAL,      /* the eval loop */
	ROLE_DISPATCH,  /* call machinery between a call and its callee */
	ROLE_BYTECODE,  /* a helper the eval loop calls as part of a bytecode */
};

/* Role of a frame named `name` of kind `kind` (patterns of classes.c). */
enum py_role pyrole_of(const char *name, enum frame_kind kind);
/* The on-CPU class whose FRAMES patterns match name, or CLASS_COUNT. */
uint8_t pyclass_mark(const char *name);
/* The off-CPU class whose FRAMES patterns match name (the first in table
 * order), or CLASS_COUNT. */
uint8_t pyclass_off_mark(const char *name);

#endif
