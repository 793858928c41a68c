"""wall_threads.py [SECONDS]: threads that each spend their time one known
way, for the wall-clock tests (tests/record/wall.t):
  sleeper   time.sleep
  reader    blocked reading a pipe the main thread feeds slowly
  locker    blocked on a threading.Lock the main thread holds
  computer  computing
  gil1/gil2 (with --gil instead) two CPU-bound threads sharing the GIL
Each thread measures its own truth and prints one JSON line at the end:
{"name", "tid", "wall", "cpu"} in seconds (time.monotonic,
time.thread_time), so its off-CPU time is wall - cpu."""
import json, os, sys, threading, time

secs = float(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1][0] != '-' else 1.0
gil = "--gil" in sys.argv
truth = []
lock = threading.Lock()


def measured(name, fn, *args):
    def run():
        w0, c0 = time.monotonic(), time.thread_time()
        fn(*args)
        truth.append({"name": name, "tid": threading.get_native_id(),
                      "wall": time.monotonic() - w0, "cpu": time.thread_time() - c0})
    return threading.Thread(target=run, name=name)


def sleeper():
    time.sleep(secs)


def reader(fd):
    got = 0
    while got < 4:           # four bytes, a quarter of the time apart
        got += len(os.read(fd, 1))


def locker():
    with lock:
        pass


def spin(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


def computer():
    end = time.thread_time() + secs
    while time.thread_time() < end:
        spin(10000)


def gil_worker():
    end = time.monotonic() + secs
    while time.monotonic() < end:
        spin(1000)


if gil:
    ts = [measured("gil1", gil_worker), measured("gil2", gil_worker)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
else:
    r, w = os.pipe()
    lock.acquire()
    ts = [measured("sleeper", sleeper), measured("reader", reader, r),
          measured("locker", locker), measured("computer", computer)]
    for t in ts:
        t.start()
    for i in range(4):
        time.sleep(secs / 4)
        os.write(w, b"x")
    lock.release()
    for t in ts:
        t.join()
for t in truth:
    print(json.dumps(t))
