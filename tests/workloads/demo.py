"""pytop's demo workload: the two-thread example from "Profiling in Python"
(slow_function finds the divisors of twice the number fast_function does),
plus a little native work in the main thread, so the report has Python code,
interpreter and native libraries to tell apart.  Runs for a few seconds."""
import hashlib
import sys
from concurrent.futures import ThreadPoolExecutor

SCALE = int(sys.argv[1]) if len(sys.argv) > 1 else 12_000_000


def find_divisors(n):
    return [i for i in range(1, n + 1) if n % i == 0]


def slow_function():
    return find_divisors(2 * SCALE)


def fast_function():
    return find_divisors(SCALE)


def checksum(rounds):
    data = bytes(range(256)) * 4096
    digest = b""
    for _ in range(rounds):
        digest = hashlib.sha256(data + digest).digest()
    return digest.hex()


def main():
    with ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(slow_function)
        fast = pool.submit(fast_function)
        print("checksum", checksum(SCALE // 20_000)[:16])
        print("divisors:", len(slow.result()), len(fast.result()))


if __name__ == "__main__":
    main()
