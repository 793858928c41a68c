/* diff_flame: a differential flame graph (Brendan Gregg's): the AFTER
 * run's flame graph (flame.h: its widths) with each frame's change in
 * share, for colouring by growth and shrink.
 *
 * A frame of AFTER is matched to the frame of BEFORE reached by the same
 * path from the root, each step keyed as diff.h keys symbols (display
 * name and DSO basename, never an address).  Its delta is its total
 * share of AFTER minus the matched frame's total share of BEFORE
 * (percentage points; a frame new in AFTER has all of its share as
 * delta).  Cost: one pass over each flame's nodes.  The diff must outlive
 * the diff_flame. */
#ifndef PYTOP_DIFF_FLAME_H
#define PYTOP_DIFF_FLAME_H

#include <stdbool.h>
#include <stdint.h>

#include "pytop/model/diff.h"
#include "pytop/model/flame.h"

struct diff_flame;

/* The differential flame of d's two queries.  Never NULL; free with
 * diff_flame_free(). */
struct diff_flame *diff_flame_new(const struct diff *d);
void diff_flame_free(struct diff_flame *df);

/* AFTER's flame graph (what is drawn). */
const struct flame *diff_flame_after(const struct diff_flame *df);
/* Node n of AFTER's flame: its change in total share (points), and whether
 * BEFORE had the frame at all. */
double diff_flame_delta(struct diff_flame *df, uint32_t n);
bool diff_flame_is_new(struct diff_flame *df, uint32_t n);

#endif
