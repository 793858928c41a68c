# shebang.t: scripts whose "#!" line names a Python, and console scripts
# (pip's generated entry-point wrappers, CPython's own pydoc3), are Python
# targets as script.py is: a capable interpreter (the one the "#!" names,
# or the search for `env python3`), -X perf, the call graph chosen for that
# Python, py:: frames.  Other scripts stay native.
source "$ROOT/tests/lib.sh"
source "$ROOT/tests/record/common.sh"
need_file "$PY312" "CPython 3.12 with the perf trampoline (pyenv install 3.12.1)"
need_file /usr/bin/python3.11 "Debian's python3.11 (apt-get install python3.11)"
cp "$ROOT/tests/workloads/profile_perf.py" .
cmdline() { meta "$1" cmdline; }

# #!/usr/bin/env python3, with the only python3 on PATH a capable one
mkdir -p bin; ln -sf "$PY312" bin/python3
{ echo '#!/usr/bin/env python3'; cat profile_perf.py; } >envtool; chmod +x envtool
PATH=$PWD/bin:/usr/bin:/bin "$PYTOP" record --python-frames trampoline -o env.data ./envtool 300000 >/dev/null 2>env.err; rc=$?
check_eq "env python3: exit 0" "$rc" 0
check_grep "env python3: summary names the interpreter and the Python call graph" \
	"^\\[ pytop record: python 3\\.12\\.[0-9]+ \\(/.*\\), call graph dwarf \\(auto: Python built without frame pointers\\), Python frames trampoline \\]$" env.err
check_grep "env python3: py::fast_function" ";py::fast_function:[^;]*envtool( |;)" <("$FOLDED" env.data)
check_grep "env python3: run with -X perf" " -X perf \\./envtool 300000\$" <(cmdline env.data)

# the interpreter's own path in the "#!" line, with an option, after --
{ echo "#!$PY312 -u"; cat profile_perf.py; } >abstool; chmod +x abstool
"$PYTOP" record --python-frames trampoline -o abs.data -- ./abstool 300000 >/dev/null 2>abs.err; rc=$?
check_eq "#!/path/python3 -u: exit 0" "$rc" 0
check_eq "#!/path/python3 -u: that interpreter, -X perf, its option" "$(cmdline abs.data)" \
	"$("$PY312" -c 'import sys; print(sys.executable)') -X perf -u ./abstool 300000"
check_grep "#!/path/python3 -u: py::slow_function" ";py::slow_function:[^;]*abstool( |;)" <("$FOLDED" abs.data)

# a console script: pip's entry-point wrapper in a venv, found on PATH;
# it runs with the venv's interpreter (so the venv's packages are there)
"$PY312" -m venv venv || not_ok "python -m venv"
PATH=$PWD/venv/bin:$PATH "$PYTOP" record --python-frames trampoline -o pip.data -- pip --version >pip.out 2>pip.err; rc=$?
check_eq "console script: exit 0" "$rc" 0
check_grep "console script: it ran" "^pip .* from $PWD/venv/lib/python3\\.12/site-packages/pip" pip.out
check_eq "console script: the venv's interpreter" "$(meta pip.data python_path)" "$PWD/venv/bin/python3"
check_eq "console script: run from PATH with -X perf" "$(cmdline pip.data)" \
	"$PWD/venv/bin/python3 -X perf $PWD/venv/bin/pip --version"
check_grep "console script: pip's Python functions named" ";py::main:$PWD/venv/lib/python3\\.12/site-packages/pip/" <("$FOLDED" pip.data)

# pip's wrapper for interpreter paths too long for a "#!" line
{ printf '#!/bin/sh\n'"'''exec' \"%s\" \"\$0\" \"\$@\"\n' '''\n" "$PY312"; cat profile_perf.py; } >longtool
chmod +x longtool
"$PYTOP" record --python-frames trampoline -q -o long.data ./longtool 200000 >/dev/null 2>&1; rc=$?
check_eq "pip's sh wrapper: exit 0" "$rc" 0
check_grep "pip's sh wrapper: py::fast_function" ";py::fast_function:[^;]*longtool( |;)" <("$FOLDED" long.data)

# CPython's own pydoc3 (a "#!" script next to the interpreter)
"$PYTOP" record --python-frames trampoline -q -o pydoc.data -- "$(dirname "$PY312")/pydoc3" json >/dev/null 2>&1; rc=$?
check_eq "pydoc3: exit 0" "$rc" 0
check_grep "pydoc3: pydoc's functions named" ";py::[^;]*:$(dirname "$PY312")/.*/pydoc\\.py" <("$FOLDED" pydoc.data)

# an interpreter that cannot be profiled, named by the "#!" line: say so
printf '#!/usr/bin/python3.11\nprint(1)\n' >oldtool; chmod +x oldtool
rm -f pytop.data
err=$("$PYTOP" record --python-frames trampoline ./oldtool 2>&1 >/dev/null); rc=$?
check_eq "#!/usr/bin/python3.11: exit 1" "$rc" 1
check_eq "#!/usr/bin/python3.11: message" "$err" \
	"pytop: ./oldtool: its interpreter /usr/bin/python3.11: Python $(/usr/bin/python3.11 -c 'import platform; print(platform.python_version())') cannot be profiled: pytop needs CPython 3.12 or newer built with the perf trampoline (PY_HAVE_PERF_TRAMPOLINE); name another with --python PATH"
check "#!/usr/bin/python3.11: no file" test ! -e pytop.data

# an interpreter whose path holds a terminal escape (a "#!" line or PATH
# is the target's to choose): the summary shows it escaped, never raw
evil=$(printf 'ev\033]0;owned\007il')
mkdir -p "$evil"; ln -sf "$PY312" "$evil/python3"
{ echo "#!$PWD/$evil/python3"; cat profile_perf.py; } >eviltool; chmod +x eviltool
"$PYTOP" record -o evil.data ./eviltool 100000 >/dev/null 2>evil.err; rc=$?
check_eq "escape in the interpreter's path: exit 0" "$rc" 0
check_grep "escape in the interpreter's path: the summary escapes it" \
	"^\\[ pytop record: python 3\\.12\\.[0-9]+ \\(/.*/ev\\\\x1b\\]0;owned\\\\x07il/python3\\), call graph" evil.err
check_eq "escape in the interpreter's path: no raw ESC or BEL on stderr" \
	"$(grep -c $'[\x1b\x07]' evil.err)" 0

# a shell script stays a native program
printf '#!/bin/sh\nexec "%s" 20\n' "$WORKLOADS/heavy" >shtool; chmod +x shtool
"$PYTOP" record --python-frames trampoline -o sh.data ./shtool >/dev/null 2>sh.err; rc=$?
check_eq "sh script: exit 0" "$rc" 0
check_grep "sh script: native" "call graph fp \\(auto: native program\\)" sh.err
done_testing
