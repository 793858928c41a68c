# A script that reports its own stacks (traceback.walk_stack: each frame's
# code and line) and then blocks with the GIL released: the main thread
# reading stdin, a second thread in time.sleep.  The main thread's stack
# goes through functions named in each kind of str (UCS1, UCS2, UCS4).
# Prints "STACK TAG TID", then "  QUALNAME FILE:LINE" innermost first
# (QUALNAME: co_qualname on 3.11+, co_name before, as the interpreter keeps
# them), "READY" last.
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
    out.extend(report("main")); say("\n".join(out) + "\nREADY"); os.read(fd, 1)

def say(text):
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()

# names of every str kind: latin-1 (1 byte), BMP (2 bytes), astral (4 bytes)
def señor(fd):
    return 日本(fd)

def 日本(fd):
    return 𠀀(fd)

def 𠀀(fd):
    return deep(3, fd)

def main():
    t = threading.Thread(target=Sleeper().nap, daemon=True)
    t.start()
    ready.wait()
    señor(0)

main()
