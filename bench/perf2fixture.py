#!/usr/bin/env python3
"""perf2fixture: turn `perf script --ns -F comm,pid,tid,time,period,ip,sym,dso`
output into a mkfixture description, one `sample` line per perf sample, so
pytop.data can be sized on exactly the samples perf recorded."""
import re
import sys

head = re.compile(r'^\s*(\S.*?)\s+(\d+)/(\d+)\s+(\d+)\.(\d+):\s+(\d+)\s')
frame = re.compile(r'^\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$')

def flush(cur, out):
    if cur is None:
        return
    comm, pid, tid, t, period, frames = cur
    comm = comm.replace(' ', '_') or '[unknown]'
    stack = ';'.join(reversed(frames))
    out.write(f'sample {comm} {pid}/{tid} 1 w={period} t={t} : {stack}\n')

def main():
    out = sys.stdout
    cur = None
    for line in sys.stdin:
        m = head.match(line)
        if m:
            flush(cur, out)
            comm, pid, tid, s, ns, period = m.groups()
            cur = (comm, pid, tid, int(s) * 10**9 + int(ns.ljust(9, '0')), period, [])
            continue
        m = frame.match(line)
        if m and cur is not None:
            ip, sym, dso = m.groups()
            sym = re.sub(r'\+0x[0-9a-f]+$', '', sym)
            if sym in ('[unknown]', ''):
                sym = f'[{dso.rsplit("/", 1)[-1]}+0x{ip}]'
            sym = sym.replace(';', ':').replace('@', '_')
            cur[5].append(f'{sym}@{dso}')
    flush(cur, out)

if __name__ == '__main__':
    main()
