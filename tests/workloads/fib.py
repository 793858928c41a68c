# fib.py [N] [REPEAT]: naive recursive Fibonacci, a deep (N levels) Python
# stack for unwinding tests.  Defaults: N = 25, REPEAT = 3.
import sys


def fib(n):
    return n if n < 2 else fib(n - 2) + fib(n - 1)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    for _ in range(repeat):
        fib(n)


if __name__ == "__main__":
    main()
