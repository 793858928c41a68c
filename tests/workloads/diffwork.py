# diffwork.py: one program in two versions, for `pytop diff` tests.
#   python -X perf diffwork.py before|after [UNITS]
# before: changed() and sibling() each do UNITS units of work, removed()
#         a tenth of that;
# after:  changed() does twice the work, sibling() the same, removed() is
#         gone (the change that doubled one function's work dropped it).
# Shares of the run: before about 45/45/5%, after about 64/32%.
# With WORKLOAD_FUNC_TIMES=FILE, writes "NAME CPU_SECONDS" lines for each
# function and "total CPU_SECONDS" for the whole process (time.process_time
# at exit): the truth the profile's shares are checked against.
import os
import sys
import time

MODE = sys.argv[1] if len(sys.argv) > 1 else "before"
UNITS = int(sys.argv[2]) if len(sys.argv) > 2 else 3_000_000
TIMES = {}


def unit_work(n):
    s = 0
    for i in range(n):
        s += i * i % 7
    return s


def changed(n):
    return unit_work(n)


def sibling(n):
    return unit_work(n)


def removed(n):
    return unit_work(n)


def timed(fn, n):
    t0 = time.process_time()
    fn(n)
    TIMES[fn.__name__] = TIMES.get(fn.__name__, 0.0) + time.process_time() - t0


def main():
    if MODE not in ("before", "after"):
        sys.exit("usage: diffwork.py before|after [UNITS]")
    # interleaved in slices so that a slow moment of the machine hits all
    for _ in range(10):
        timed(changed, (2 if MODE == "after" else 1) * UNITS // 10)
        timed(sibling, UNITS // 10)
        if MODE == "before":
            timed(removed, UNITS // 100)
    out = os.environ.get("WORKLOAD_FUNC_TIMES")
    if out:
        with open(out, "w") as f:
            for name, t in sorted(TIMES.items()):
                f.write("%s %.6f\n" % (name, t))
            f.write("total %.6f\n" % time.process_time())


main()
