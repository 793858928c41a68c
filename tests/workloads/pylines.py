# pylines.py: dumps line tables and the interpreter's own answer for them.
# For every code object of a test source (nested ones too) prints
#   CODE NAME FIRSTLINENO HEXTABLE     (co_lnotab 3.8-3.9, co_linetable 3.10+)
#   AT OFFSET LINE                     per instruction (0: no line)
# Lines: co_lines() (3.10+, the interpreter's decoder), dis.findlinestarts()
# before (lnotab); then "VERSION X.Y".  Used by tests/unit/test_pycode.c.
import dis, sys

SRC = '''
def f(a, b):
    x = a + b
    if x > 3:
        y = [i * 2
             for i in range(x)]
    else:
        y = None



    for i in range(3):
        x += i
    try:
        z = 1 / 0
    except ZeroDivisionError:
        z = 0
    return (x,
            y,
            z)
''' + "\n" * 300 + '''
def g():
    return 1

class K:
    def m(self):
        return lambda q: (q +
                          1)

def h():
    a = 1
''' + "\n" * 200 + '''    b = 2
    c = 3
''' + "".join("    v%d = %d * a + b\n" % (i, i) for i in range(120)) + '''    return a + b

def back():
    x = 1
    while x < 10:
        x += 1
    return x
'''

def lines_of(co):
    n = len(co.co_code)
    out = [0] * n
    if hasattr(co, "co_lines"):
        for start, end, line in co.co_lines():
            for o in range(start, min(end, n)):
                out[o] = line or 0
    else:
        starts = list(dis.findlinestarts(co))
        line = co.co_firstlineno
        j = 0
        for o in range(n):
            while j < len(starts) and starts[j][0] <= o:
                line = starts[j][1]
                j += 1
            out[o] = line
    return out

def dump(co):
    table = co.co_linetable if sys.version_info >= (3, 10) else co.co_lnotab
    name = getattr(co, "co_qualname", co.co_name)
    print("CODE %s %d %s" % (name, co.co_firstlineno, table.hex() or "-"))
    for o, line in enumerate(lines_of(co)):
        if o % 2 == 0:
            print("AT %d %d" % (o, line))
    for c in co.co_consts:
        if hasattr(c, "co_code"):
            dump(c)

dump(compile(SRC, "pylines_src.py", "exec"))
print("VERSION %d.%d" % sys.version_info[:2])
