# pyfreed.py: code objects that existed and were freed, and one alive.
# Prints "FREED ADDR..." (ids of freed code objects), "LIVE ADDR" (the code
# of live_fn), "READY", then blocks reading stdin.
import gc, sys

def live_fn():
    return 1

codes = [compile("def f%d():\n    return %d\n" % (i, i), "gen%d.py" % i, "exec") for i in range(40)]
freed = [id(c) for c in codes] + [id(c.co_consts[0]) for c in codes]
del codes
gc.collect()
junk = [bytearray(64) for _ in range(200)] + ["x" * n for n in range(200)]
print("FREED " + ",".join(hex(a) for a in freed))
print("LIVE " + hex(id(live_fn.__code__)))
print("READY", flush=True)
sys.stdin.read(1)
