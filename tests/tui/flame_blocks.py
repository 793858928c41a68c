#!/usr/bin/env python3
"""flame_blocks.py: read `tmux capture-pane -p -e -N` of the flame graph view
(NO_COLOR: blocks are reverse video, the selected one underlined) on
stdin and print one line per block: ROW COL WIDTH NAME, where a block is a
run of reverse or underlined cells starting at a vertical bar."""
import re
import sys

rows = sys.stdin.read().split("\n")
rev = under = False  # tmux sends attribute changes only: state runs on
for y, line in enumerate(rows):
    cells = []  # (char, in_block)
    i = 0
    while i < len(line):
        m = re.match(r"\x1b\[([0-9;]*)m", line[i:])
        if m:
            codes = [int(c) if c else 0 for c in m.group(1).split(";")]
            for c in codes:
                if c == 0:
                    rev = under = False
                elif c == 7:
                    rev = True
                elif c == 27:
                    rev = False
                elif c == 4:
                    under = True
                elif c == 24:
                    under = False
            i += len(m.group(0))
            continue
        if line[i] == "\x1b":  # other escapes: skip to the final byte
            m = re.match(r"\x1b[\[\]()][0-9;?]*[A-Za-z]?", line[i:])
            i += len(m.group(0)) if m else 1
            continue
        cells.append((line[i], rev or under))
        i += 1
    x = 0
    while x < len(cells):
        ch, blk = cells[x]
        if blk and ch in "│|":
            start = x
            x += 1
            while x < len(cells) and cells[x][1] and cells[x][0] not in "│|":
                x += 1
            name = "".join(c for c, _ in cells[start + 1:x]).strip()
            print(y, start, x - start, name)
        else:
            x += 1
