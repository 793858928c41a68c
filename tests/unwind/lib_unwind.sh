# lib_unwind.sh: shared by tests/unwind/*.t (sourced after tests/lib.sh).
PYENV_VERSIONS=${PYENV_ROOT:-$HOME/.pyenv}/versions
# stackdump FILE: metadata, then one line per sample (tests/tools/pdatastacks.c)
STACKS=$BUILD/tools/pdatastacks
stackdump() { "$STACKS" --samples "$@"; }

# pyenv_python VERSION: the interpreter's path, or fail the test file.
pyenv_python() {
	local py=$PYENV_VERSIONS/$1/bin/python3
	if [ ! -x "$py" ]; then
		not_ok "CPython $1 from pyenv" "$py is missing: install it with 'pyenv install $1'" \
			"(built with the perf trampoline, the default on Linux x86-64)"
		done_testing
		exit 1
	fi
	echo "$py"
}

need_pdatastacks() {
	if [ ! -x "$STACKS" ]; then
		not_ok "pdatastacks tool" "$STACKS is missing: run 'make tests-build'"
		done_testing
		exit 1
	fi
}
