# lines.py: one function, two hot lines; line A does twice the iterations
# of line B (the same work per iteration).  tests/record/lines.t.
import sys


def tally(n):
    a = 0
    for i in range(2 * n): a = (a + i * 7) % 1000003  # line A: 2n
    for i in range(n): a = (a + i * 7) % 1000003  # line B: n
    return a


def main(reps):
    for _ in range(reps):
        tally(200000)


main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
