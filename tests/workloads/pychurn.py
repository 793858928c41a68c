# pychurn.py: a running target that makes and frees code objects all the
# time: function f_N compiled from file "gen_N.py", called, dropped.  A
# reader from outside races with it; a frame it names must be consistent
# (f_N with gen_N.py), or be flagged.  Prints READY once running.
def churn():
    i = 0
    while True:
        i += 1
        ns = {}
        exec(compile("def f_%d(k):\n    s = 0\n    for j in range(k):\n        s += j\n    return s\nf_%d(3000)\n" % (i, i),
                     "gen_%d.py" % i, "exec"), ns)
        if i == 20:
            print("READY", flush=True)

churn()
