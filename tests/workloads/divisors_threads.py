# divisors_threads.py [N]: the seeds' two-thread example (profile_perf.py)
# with a size knob: slow_function does twice the work of fast_function, in
# a thread pool.  N defaults to the article's 100_000_000.  With
# WORKLOAD_TIMES=FILE set, writes "WALL CPU" seconds of the run to FILE
# (bench/unwind.sh measures profiler overhead with it).
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000_000


def find_divisors(n):
    return [i for i in range(1, n + 1) if n % i == 0]


def slow_function():
    print("Slow thread started")
    try:
        return find_divisors(N)
    finally:
        print("Slow thread ended")


def fast_function():
    print("Fast thread started")
    try:
        return find_divisors(N // 2)
    finally:
        print("Fast thread ended")


def main():
    with ThreadPoolExecutor(max_workers=2) as pool:
        pool.submit(slow_function)
        pool.submit(fast_function)

    print("Main thread ended")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    if os.environ.get("WORKLOAD_TIMES"):
        ru = resource.getrusage(resource.RUSAGE_SELF)
        with open(os.environ["WORKLOAD_TIMES"], "w") as f:
            f.write("%.3f %.3f\n" % (time.perf_counter() - t0, ru.ru_utime + ru.ru_stime))
