# fork_child.py: a parent compiles busy() (its perf trampoline is written to
# the parent's /tmp/perf-PID.map), then forks.  The child keeps running the
# parent's trampoline of <module>, which only the parent's map names; CPython
# 3.12/3.13 re-create the trampolines after a fork, so child_work and busy get
# new ones in the child's own map, written within a millisecond of the fork.
#   python -X perf fork_child.py [N]
import os
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000


def busy(n):
    x = 0
    for i in range(n):
        x += i % 7
    return x


def child_work():
    return busy(N)


busy(1000)
pid = os.fork()
if pid == 0:
    child_work()
    os._exit(0)
os.waitpid(pid, 0)
