"""pyframes.py MODE [N]: workloads for the BPF frame reader's tests (bpf.t).

hot N      <module> -> main -> run -> outer -> leaf: N rounds of pure-Python work;
           first prints perf=on when started with -X perf or PYTHONPERFSUPPORT
deep D N   recursion to depth D (descend), then leaf work at the bottom, N rounds
native N   Python -> C: zlib.compress and hashlib.sha256 called from compressor()
forever    hot work until killed (for attach); prints "ready" first
"""
import hashlib
import os
import sys
import zlib


def leaf(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def outer(n):
    return leaf(n)


def run(rounds):
    for _ in range(rounds):
        outer(20000)


def descend(depth, n):
    if depth <= 1:
        return leaf(n)
    return descend(depth - 1, n)


def compressor(rounds):
    data = bytes(range(256)) * 4096
    for _ in range(rounds):
        zlib.compress(data, 9)
        hashlib.sha256(data).digest()


def main():
    mode = sys.argv[1]
    if mode == "hot":
        perf = sys._xoptions.get("perf") or os.environ.get("PYTHONPERFSUPPORT")
        print("perf=%s" % ("on" if perf else "none"), flush=True)
        run(int(sys.argv[2]))
    elif mode == "deep":
        sys.setrecursionlimit(10000)
        for _ in range(int(sys.argv[3])):
            descend(int(sys.argv[2]), 20000)
    elif mode == "native":
        compressor(int(sys.argv[2]))
    elif mode == "forever":
        print("ready", flush=True)
        while True:
            run(10)


main()
