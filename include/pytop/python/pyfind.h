/* pyfind: find a Python interpreter that can run with -X perf.
 *
 * Capable means CPython 3.12 or newer built with PY_HAVE_PERF_TRAMPOLINE.
 * Every candidate is verified by running it (pyenv shims on PATH exist even
 * for versions that are not selected, and then fail).  Search order:
 *   1. the explicit path (--python), 2. $PYTOP_PYTHON,
 *   3. python3 on PATH, 4. python3.N on PATH (N >= 12, newest first),
 *   5. $(pyenv root)/versions/ * /bin/python3 (newest first; the root is
 *      $PYENV_ROOT, else `pyenv root`, else ~/.pyenv). */
#ifndef PYTOP_PYFIND_H
#define PYTOP_PYFIND_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct pyfind_result {
	char path[PATH_MAX];  /* the interpreter to run (its sys.executable) */
	char version[32];     /* "3.12.1" */
};

/* Whether a capable interpreter needs the perf trampoline (the default,
 * for --python-frames trampoline); false: any CPython 3.8-3.13 (the BPF
 * frame reader).  Applies to every later call. */
void pyfind_need_trampoline(bool need);

/* Probes one interpreter.  Returns true when it ran; *capable says whether
 * it has the trampoline; out gets its path and version. */
bool pyfind_probe(const char *cand, struct pyfind_result *out, bool *capable);

/* Checks one interpreter chosen by name or path (a bare name is looked up
 * on PATH).  Returns 0, or -1 with `why` set to "WHAT CAND: WHY" (`what`
 * is the prefix, e.g. "--python "): the errno when it cannot be run, what
 * it did when it is not a Python, the version when it is not capable. */
int pyfind_check(const char *what, const char *cand, struct pyfind_result *out, char *why,
		 size_t whylen);

/* Finds an interpreter; `explicit_path` is --python or NULL.  Returns 0, or
 * -1 with `why` set to one line ("WHAT: WHY", no "pytop: " prefix): an
 * explicit choice (--python, PYTOP_PYTHON) that is not capable is an error
 * of its own; otherwise the line says which versions are needed and where
 * pytop looked. */
int pyfind_find(const char *explicit_path, struct pyfind_result *out, char *why, size_t whylen);

#endif
