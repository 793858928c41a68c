# pycodes.py: many real code objects (the stdlib's, frozen ones included)
# and what the interpreter says of each.  Prints "ADDRS a,b,..." then one
# "QUALNAME FILE FIRSTLINENO" line per address (QUALNAME: co_qualname on
# 3.11+, co_name before), "READY", then blocks reading stdin.
import sys, gc
import json, asyncio, email.message, http.client, xml.dom.minidom, argparse, decimal
import importlib, collections, dataclasses, inspect, unittest

def codes():
    seen, out = set(), []
    def add(co):
        if id(co) in seen:
            return
        seen.add(id(co))
        out.append(co)
        for c in co.co_consts:
            if hasattr(c, "co_code"):
                add(c)
    for o in gc.get_objects():
        co = getattr(o, "__code__", None)
        if co is not None and hasattr(co, "co_code"):
            add(co)
    return out[:4000]

cs = codes()
lines = []
for co in cs:
    name = getattr(co, "co_qualname", co.co_name)
    lines.append("%s %s %d" % (name, co.co_filename, co.co_firstlineno))
out = sys.stdout.buffer
out.write(("ADDRS " + ",".join(hex(id(c)) for c in cs) + "\n").encode())
out.write(("\n".join(lines) + "\nREADY\n").encode("utf-8", "surrogateescape"))
out.flush()
sys.stdin.read(1)
