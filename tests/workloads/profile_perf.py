# profile_perf.py: the two-thread example from the perf + Python 3.12
# articles (slow_function vs fast_function), scaled to a few seconds.
# slow_function does twice the work of fast_function.
#   python -X perf profile_perf.py [N]     (N: divisor search size, default 4_000_000)
import sys
from concurrent.futures import ThreadPoolExecutor

N = int(sys.argv[1]) if len(sys.argv) > 1 else 4_000_000


def find_divisors(n):
    return [i for i in range(1, n + 1) if n % i == 0]


def slow_function():
    print("Slow thread started")
    try:
        return find_divisors(2 * N)
    finally:
        print("Slow thread ended")


def fast_function():
    print("Fast thread started")
    try:
        return find_divisors(N)
    finally:
        print("Fast thread ended")


def main():
    with ThreadPoolExecutor(max_workers=2) as pool:
        pool.submit(slow_function)
        pool.submit(fast_function)

    print("Main thread ended")


if __name__ == "__main__":
    main()
