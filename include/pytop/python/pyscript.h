/* pyscript: is a command a Python program by its shebang?
 *
 * A script whose "#!" line names a Python interpreter runs Python as much
 * as `script.py` does, and so do console scripts (pytest, black, anything
 * pip installed with an entry point): a small generated wrapper whose
 * shebang names the environment's Python.  Recognised forms:
 *   #!/path/to/python3[.N] [ARG]        the interpreter itself (ARG: one
 *                                       argument, as the kernel passes it)
 *   #!/usr/bin/env python3[.N]          looked up on PATH
 *   #!/usr/bin/env -S python3 [ARGS]    env's split form
 *   #!/bin/sh + '''exec' "PYTHON" "$0" "$@"
 *                                       pip's wrapper for interpreter
 *                                       paths too long for a "#!" line
 * A pyenv shim (a bash script under $PYENV_ROOT/shims that runs
 * `pyenv exec NAME`) stands for the program `pyenv which NAME` names; it
 * is followed once.  Interpreter names are python, python3, python3.N with
 * an optional ABI suffix (python3.13t, python3.12d). */
#ifndef PYTOP_PYSCRIPT_H
#define PYTOP_PYSCRIPT_H

#include <limits.h>
#include <stdbool.h>

struct pyscript {
	char path[PATH_MAX];   /* the script to run (a bare command name found on PATH) */
	char interp[PATH_MAX]; /* absolute interpreter path, or a name for PATH (via_env) */
	bool via_env;          /* #!/usr/bin/env NAME: NAME is looked up on PATH */
	bool generic;          /* via_env and NAME is plain python or python3 */
	char arg[256];         /* interpreter options from the "#!" line, "" if none */
	char *args[8];         /* arg split as the interpreter gets them, NULL-ended */
};

/* Looks at `cmd` (a path, or a name looked up on PATH as execvp does) and
 * fills `out`.  Returns true when it is a Python script by the rules above;
 * false for anything else (a binary, another interpreter's script, a file
 * that cannot be read), leaving nothing to free. */
bool pyscript_detect(const char *cmd, struct pyscript *out);

/* True when `name` (a path or a bare name) is a Python interpreter's name:
 * its last component is python, python3 or python3.N, with an optional
 * ABI suffix of lower-case letters. */
bool pyscript_is_python_name(const char *name);

#endif
