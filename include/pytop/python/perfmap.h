/* perfmap: /tmp/perf-PID.map, the JIT symbol files CPython 3.12+ writes
 * under -X perf (lines "START SIZE NAME", hex without 0x, unsorted,
 * appended as code first runs).
 *
 * The files sit in a world-writable directory, so they are untrusted: a map
 * is read only when it is a regular file (opened with O_NOFOLLOW) owned by
 * the target's user or by root.  The file is never truncated by CPython, so
 * a reused PID appends to a stale file: a map remembers the file size when
 * the process appeared and ignores the bytes before it. */
#ifndef PYTOP_PERFMAP_H
#define PYTOP_PERFMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct perfmap_entry {
	uint64_t start, end;
	uint32_t name; /* offset of the NUL-terminated name in the map's name pool */
	uint32_t seq;  /* line order, later lines win over earlier equal starts */
};

struct perfmap;

/* A map for process `pid` owned by `uid` that started at `started` (ns
 * since the Unix epoch; 0 = long ago, the whole file is its own: attach).
 * A file last modified well before `started` (file times are coarse: more
 * than 2 s before) is stale: reading starts at its current end.  A file
 * created before `started` but modified since mixes stale and new lines
 * that cannot be told apart; all of it is read (later lines win where
 * ranges start at the same address).  Nothing is read yet.
 * Free with perfmap_free(). */
struct perfmap *perfmap_new(uint32_t pid, uint32_t uid, uint64_t started);
void perfmap_free(struct perfmap *m);

/* Reads lines appended since the last call, a bounded chunk at a time and
 * at most 16 MB a call (the recorder calls it once per drain round), until
 * the map's memory cap (32 MB of entries and names; see perfmap_cap_note()).
 * Returns the number of new entries, 0 when nothing changed or the file
 * does not exist, or -1 when the file is unsafe or unreadable: then `why`
 * gets a one-line reason (once per map; later calls return -1 silently)
 * and the map stays empty. */
int perfmap_refresh(struct perfmap *m, char *why, size_t whylen);

/* The final read: the rest of the file, keeping only the entries that hold
 * one of addrs[0..n) (sorted ascending; the sampled addresses), so memory
 * follows what samples use, whatever the file's size.  Returns as
 * perfmap_refresh(). */
int perfmap_refresh_used(struct perfmap *m, const uint64_t *addrs, size_t n, char *why,
			 size_t whylen);

/* Once the cap dropped an entry: a note (static text) for the user, given
 * once per map; otherwise NULL. */
const char *perfmap_cap_note(struct perfmap *m);

/* Bytes of memory the map holds (entries and names). */
size_t perfmap_cost(const struct perfmap *m);

/* The entry containing addr, or NULL.  The pointer is valid until the next
 * refresh. */
const struct perfmap_entry *perfmap_find(struct perfmap *m, uint64_t addr);
const char *perfmap_name(const struct perfmap *m, const struct perfmap_entry *e);

/* Path of the map file ("/tmp/perf-PID.map"). */
const char *perfmap_path(const struct perfmap *m);

/* True when the file was found, safe and read at least once. */
bool perfmap_loaded(const struct perfmap *m);

/* Removes the file when it is still the regular file owned by the target's
 * user that was read.  Returns 0 or -1 (errno set). */
int perfmap_remove(struct perfmap *m);

/* Parses one line "START SIZE NAME" (no newline).  Returns false for a
 * malformed line.  *name points into `line`. */
bool perfmap_parse_line(const char *line, size_t len, uint64_t *start, uint64_t *size,
			const char **name, size_t *name_len);

#endif
