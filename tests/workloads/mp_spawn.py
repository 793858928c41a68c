# mp_spawn.py [N]: multiprocessing with the spawn start method.  The worker
# is a fresh interpreter that does not get -X perf on its command line; it
# gets PYTHONPERFSUPPORT=1 from the environment pytop sets.
import multiprocessing as mp
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000


def spawned_work(n):
    x = 0
    for i in range(n):
        x += i % 7
    return x


if __name__ == "__main__":
    mp.set_start_method("spawn")
    with mp.Pool(1) as pool:
        print(pool.map(spawned_work, [N]))
