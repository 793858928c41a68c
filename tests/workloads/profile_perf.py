# profile_perf.py: the two-thread example from the perf + Python 3.12
# articles (slow_function vs fast_function), scaled to a few seconds.
# slow_function does twice the work of fast_function, in a thread pool.
#   python -X perf profile_perf.py [N]     (N: fast_function's divisor search
#                                           size, default 4_000_000; the
#                                           article's is 50_000_000)
# With WORKLOAD_TIMES=FILE set, writes "WALL CPU" seconds of the run to FILE
# (bench/unwind.sh measures profiler overhead with it).  With
# WORKLOAD_THREAD_TIMES=FILE set, writes "SLOW FAST": the CPU seconds each of
# the two threads used (time.thread_time), the truth a profile is checked on.
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

N = int(sys.argv[1]) if len(sys.argv) > 1 else 4_000_000
THREAD_CPU = {}


def find_divisors(n):
    return [i for i in range(1, n + 1) if n % i == 0]


def slow_function():
    print("Slow thread started")
    t0 = time.thread_time()
    try:
        return find_divisors(2 * N)
    finally:
        THREAD_CPU["slow"] = time.thread_time() - t0
        print("Slow thread ended")


def fast_function():
    print("Fast thread started")
    t0 = time.thread_time()
    try:
        return find_divisors(N)
    finally:
        THREAD_CPU["fast"] = time.thread_time() - t0
        print("Fast thread ended")


def main():
    with ThreadPoolExecutor(max_workers=2) as pool:
        pool.submit(slow_function)
        pool.submit(fast_function)

    print("Main thread ended")
    if os.environ.get("WORKLOAD_THREAD_TIMES"):
        with open(os.environ["WORKLOAD_THREAD_TIMES"], "w") as f:
            f.write("%.4f %.4f\n" % (THREAD_CPU["slow"], THREAD_CPU["fast"]))


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    if os.environ.get("WORKLOAD_TIMES"):
        ru = resource.getrusage(resource.RUSAGE_SELF)
        with open(os.environ["WORKLOAD_TIMES"], "w") as f:
            f.write("%.3f %.3f\n" % (time.perf_counter() - t0, ru.ru_utime + ru.ru_stime))
