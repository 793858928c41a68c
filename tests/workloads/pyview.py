# pyview.py MODE [SECONDS]: small programs whose Python view and classes
# tests/report/pyview.t checks on real recordings (CPython 3.12 and 3.13).
#   loop     a pure-Python loop that allocates nothing (small ints, a list
#            it only reads): loop()'s Self is nearly all of its time
#   regex    re.findall in a loop: the regex engine under findall
#   gc       gc.collect() over cyclic garbage: the collector, class memory
#   sorted   sorted(data, key=key): builtin_sorted/list.sort between
#            run_sorted and key
#   time     time.time() in a loop: the vDSO's clock_gettime
#   jsonre   json.loads and re.compile: two __init__.py told apart
# Each mode runs its loop for SECONDS of CPU time (default 1.5).
import sys
import time

MODE = sys.argv[1] if len(sys.argv) > 1 else "loop"
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 1.5


def until(fn):
    end = time.process_time() + SECONDS
    while time.process_time() < end:
        fn()


DATA = [1, 2, 3, 4, 5, 6, 7] * 1000


def loop():
    s = 0
    for _ in range(20):
        for x in DATA:
            s = (s + x) & 127
    return s


def regex():
    import re
    text = "abc 123 def 456 " * 2000
    return len(re.findall(r"[a-z]+\s\d+", text))


class Node:
    pass


def collect():
    import gc
    nodes = []
    for _ in range(20000):
        a, b = Node(), Node()
        a.other, b.other = b, a
        nodes.append(a)
    del nodes, a, b
    gc.collect()


RANDOM = [((i * 7919) % 10007) / 10007.0 for i in range(100000)]


def key(x):
    return -x


def run_sorted():
    return sorted(RANDOM, key=key)


def clock():
    s = 0.0
    for _ in range(50000):
        s += time.time()
    return s


def jsonre():
    import json
    import re
    doc = json.dumps({"a": list(range(200)), "b": {"c": "x" * 50}})
    for i in range(200):
        json.loads(doc)
        re.compile("a+b*c" + str(i % 50))
    re.purge()


if __name__ == "__main__":
    import gc
    if MODE == "gc":
        gc.disable()  # only the explicit collections
    until({"loop": loop, "regex": regex, "gc": collect, "sorted": run_sorted,
           "time": clock, "jsonre": jsonre}[MODE])
