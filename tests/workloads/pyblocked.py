# A script that reports its own stacks (traceback.walk_stack: each frame's
# code and line) and then blocks with the GIL released: the main thread
# reading stdin, a second thread in time.sleep.  Prints "STACK TAG TID",
# then "  QUALNAME FILE:LINE" innermost first (QUALNAME: co_qualname on
# 3.11+, co_name before, as the interpreter keeps them), "READY" last.
import os, sys, threading, time, traceback

def report(tag):
    lines = ["STACK %s %d" % (tag, threading.get_native_id())]
    for f, line in traceback.walk_stack(sys._getframe(1)):
        name = getattr(f.f_code, "co_qualname", f.f_code.co_name)
        lines.append("  %s %s:%d" % (name, f.f_code.co_filename, line))
    return lines

out = []
ready = threading.Event()

class Sleeper:
    def nap(self):
        def inner():
            out.extend(report("sleeper")); ready.set(); time.sleep(1000)
        inner()

def deep(n, fd):
    if n:
        return deep(n - 1, fd)
    out.extend(report("main")); print("\n".join(out) + "\nREADY", flush=True); os.read(fd, 1)

def main():
    t = threading.Thread(target=Sleeper().nap, daemon=True)
    t.start()
    ready.wait()
    deep(3, 0)

main()
