# sigcount.py OUT: count the SIGINTs this process receives.  Writes OUT.ready
# once the handler is set, then, half a second after the first SIGINT,
# writes the count to OUT and exits 0.
import signal
import sys
import time

n = 0


def handler(signum, frame):
    global n
    n += 1


signal.signal(signal.SIGINT, handler)
open(sys.argv[1] + ".ready", "w").close()
while n == 0:
    time.sleep(0.01)
time.sleep(0.5)
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % n)
