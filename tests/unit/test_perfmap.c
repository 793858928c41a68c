/* test_perfmap: /tmp/perf-PID.map parsing and the safety rules (regular
 * file, no symlink, owner = target's user or root, stale prefix ignored),
 * and procmap's mapping bookkeeping. */
#include "pytop/python/perfmap.h"
#include "pytop/record/procmap.h"
#include "tap.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* pids above pid_max: no real process can own these map files */
#define FAKE_PID 3999999000u

static char path[64];

static void write_file(const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);
	fputs(text, f);
	fclose(f);
}

static uint64_t now_real(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void set_mtime(uint64_t ns)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT },
				  { (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) } };
	utimensat(AT_FDCWD, path, ts, 0);
}

static const char *name_at(struct perfmap *m, uint64_t addr)
{
	const struct perfmap_entry *e = perfmap_find(m, addr);
	return e ? perfmap_name(m, e) : "(none)";
}

static void test_parse(void)
{
	uint64_t start, size;
	const char *name;
	size_t len;
	static const char good[] = "7f00a0 b py::main:/app/x.py";
	CHECK(perfmap_parse_line(good, sizeof(good) - 1, &start, &size, &name, &len) &&
		      start == 0x7f00a0 && size == 0xb && len == 18 && !strncmp(name, "py::main", 8),
	      "parse START SIZE NAME");
	static const char spaces[] = "10 20 name with spaces";
	CHECK(perfmap_parse_line(spaces, sizeof(spaces) - 1, &start, &size, &name, &len) &&
		      len == 16, "names may contain spaces");
	CHECK(!perfmap_parse_line("zz 10 x", 7, &start, &size, &name, &len), "bad hex rejected");
	CHECK(!perfmap_parse_line("10 0 x", 6, &start, &size, &name, &len), "size 0 rejected");
	CHECK(!perfmap_parse_line("10 10", 5, &start, &size, &name, &len), "no name rejected");
	CHECK(!perfmap_parse_line("ffffffffffffffff 10 x", 21, &start, &size, &name, &len),
	      "wrapping range rejected");
	CHECK(!perfmap_parse_line("11111111111111111 1 x", 21, &start, &size, &name, &len),
	      "more than 64 bits rejected");
}

static void test_read(void)
{
	char why[256] = "";
	struct perfmap *m;

	snprintf(path, sizeof(path), "/tmp/perf-%u.map", FAKE_PID);
	unlink(path);
	m = perfmap_new(FAKE_PID, (uint32_t)getuid(), 0);
	CHECK(perfmap_refresh(m, why, sizeof(why)) == 0 && !perfmap_loaded(m), "no file yet: nothing");
	write_file("3000 10 py::c:/c.py\n1000 10 py::a:/a.py\n2000 8 py::b:/b.py\nbad line\n4000 1", "w");
	CHECK(perfmap_refresh(m, why, sizeof(why)) == 3, "three complete lines read (unsorted)");
	CHECK_EQ_STR(name_at(m, 0x1005), "py::a:/a.py", "lookup inside the first range");
	CHECK_EQ_STR(name_at(m, 0x2007), "py::b:/b.py", "lookup at a range's last byte");
	CHECK_EQ_STR(name_at(m, 0x2008), "(none)", "lookup just past a range");
	CHECK_EQ_STR(name_at(m, 0x300f), "py::c:/c.py", "the highest range");
	CHECK_EQ_STR(name_at(m, 0x4000), "(none)", "a line being written is not read yet");
	write_file("0 py::d:/d.py\n", "a");
	CHECK(perfmap_refresh(m, why, sizeof(why)) == 1, "the finished line is read on refresh");
	CHECK_EQ_STR(name_at(m, 0x4000), "py::d:/d.py", "... and found");
	write_file("1000 10 py::a2:/a.py\n", "a");
	perfmap_refresh(m, why, sizeof(why));
	CHECK_EQ_STR(name_at(m, 0x1000), "py::a2:/a.py", "a later line wins at the same address");
	CHECK(perfmap_remove(m) == 0 && access(path, F_OK) != 0, "remove deletes the file read");
	perfmap_free(m);

	/* a stale file from an earlier process with the same pid */
	write_file("5000 10 py::stale:/old.py\n", "w");
	set_mtime(now_real() - 60 * 1000000000ULL);
	m = perfmap_new(FAKE_PID, (uint32_t)getuid(), now_real());
	write_file("6000 10 py::new:/new.py\n", "a");
	perfmap_refresh(m, why, sizeof(why));
	CHECK_EQ_STR(name_at(m, 0x5000), "(none)", "stale lines before the process started ignored");
	CHECK_EQ_STR(name_at(m, 0x6000), "py::new:/new.py", "lines appended since are read");
	perfmap_free(m);
	unlink(path);
}

/* A forked CPython 3.12 child re-creates its trampolines and writes its own
 * map within a millisecond of the fork; the recorder handles the FORK record
 * later, when the file is already there.  The kernel stamps the file from its
 * coarse clock, so its mtime can be a tick (4 ms at HZ=250) before the
 * precise fork time: that file is the child's, not a stale one. */
static void test_fork_coarse_mtime(void)
{
	char why[256] = "";
	struct procmap *pm = procmap_new(0);
	struct pm_proc *p;
	uint64_t fork_ns = now_real();

	snprintf(path, sizeof(path), "/tmp/perf-%u.map", FAKE_PID);
	unlink(path);
	write_file("7000 b py::child_work:<string>\n700b b py::busy:<string>\n", "w");
	set_mtime(fork_ns - 4000000); /* one coarse tick before the fork */
	procmap_fork(pm, FAKE_PID, FAKE_PID - 1, fork_ns);
	p = procmap_get(pm, FAKE_PID);
	CHECK(p && p->perfmap && perfmap_refresh(p->perfmap, why, sizeof(why)) == 2,
	      "a child's map stamped a coarse tick before its fork is read");
	CHECK_EQ_STR(p && p->perfmap ? name_at(p->perfmap, 0x700c) : "(no process)",
		     "py::busy:<string>", "... and names the child's own trampoline for busy");
	procmap_free(pm);
	unlink(path);
}

static void test_unsafe(void)
{
	char why[256] = "";
	struct perfmap *m;
	char target[64];

	/* a symlink planted by someone else */
	snprintf(target, sizeof(target), "/tmp/perf-%u.map", FAKE_PID + 1);
	write_file("", "w");
	unlink(path);
	{
		FILE *f = fopen(target, "w");
		fputs("1000 10 py::evil:/x.py\n", f);
		fclose(f);
	}
	CHECK(symlink(target, path) == 0, "symlink planted");
	m = perfmap_new(FAKE_PID, (uint32_t)getuid(), 0);
	CHECK(perfmap_refresh(m, why, sizeof(why)) == -1, "a symlink is refused");
	CHECK(strstr(why, "symbolic link") != NULL, "... saying why: %s", why);
	why[0] = '\0';
	CHECK(perfmap_refresh(m, why, sizeof(why)) == -1 && !why[0], "... once");
	CHECK_EQ_STR(name_at(m, 0x1000), "(none)", "... and nothing is read through it");
	CHECK(perfmap_remove(m) != 0 && access(target, F_OK) == 0, "... nor removed");
	perfmap_free(m);
	unlink(path);
	unlink(target);

	/* a FIFO: not a regular file (and opening must not block) */
	CHECK(mkfifo(path, 0600) == 0, "fifo planted");
	m = perfmap_new(FAKE_PID, (uint32_t)getuid(), 0);
	CHECK(perfmap_refresh(m, why, sizeof(why)) == -1 && strstr(why, "regular file"),
	      "a fifo is refused: %s", why);
	perfmap_free(m);
	unlink(path);

	/* a file owned by another user (neither the target's user nor root) */
	write_file("1000 10 py::other:/x.py\n", "w");
	if (getuid() == 0) {
		CHECK(chown(path, 65534, 65534) == 0, "file given to nobody");
		m = perfmap_new(FAKE_PID, 12345, 0);
	} else {
		m = perfmap_new(FAKE_PID, (uint32_t)getuid() + 1, 0);
		CHECK(1, "file owned by us, target is another user");
	}
	CHECK(perfmap_refresh(m, why, sizeof(why)) == -1 && strstr(why, "owned by uid"),
	      "a file of another user is refused: %s", why);
	perfmap_free(m);
	/* root's files are trusted for any target */
	if (getuid() == 0) {
		CHECK(chown(path, 0, 0) == 0, "file given to root");
		m = perfmap_new(FAKE_PID, 12345, 0);
		CHECK(perfmap_refresh(m, why, sizeof(why)) == 1, "a root-owned file is accepted");
		perfmap_free(m);
	}
	unlink(path);
}

static void test_procmap(void)
{
	struct procmap *pm = procmap_new(0);
	const struct pm_map *m;

	procmap_add(pm, 7, 0x1000, 0x3000, 0, "/lib/a.so");
	procmap_add(pm, 7, 0x8000, 0x1000, 0x2000, "/lib/b.so");
	m = procmap_find(pm, 7, 0x2fff);
	CHECK(m && !strcmp(procmap_dso(pm, m->dso)->path, "/lib/a.so"), "find in a mapping");
	CHECK(!procmap_find(pm, 7, 0x4000), "nothing between mappings");
	procmap_add(pm, 7, 0x2000, 0x1000, 0, "//anon");
	m = procmap_find(pm, 7, 0x1fff);
	CHECK(m && m->end == 0x2000, "an overlapping map cuts the head of the old one");
	m = procmap_find(pm, 7, 0x3000);
	CHECK(m && m->start == 0x3000 && m->pgoff == 0x2000 && procmap_dso(pm, m->dso)->is_file,
	      "... and keeps its tail with the right file offset");
	m = procmap_find(pm, 7, 0x2800);
	CHECK(m && !procmap_dso(pm, m->dso)->is_file, "... and the new map sits between");
	procmap_fork(pm, 8, 7, 0);
	m = procmap_find(pm, 8, 0x8800);
	CHECK(m && m->pgoff == 0x2000, "a forked child inherits the mappings");
	CHECK(procmap_get(pm, 8)->ppid == 7, "... and knows its parent");
	procmap_exec(pm, 8);
	CHECK(!procmap_find(pm, 8, 0x8800) && procmap_find(pm, 7, 0x8800), "exec forgets the child's maps only");
	procmap_free(pm);
}

/* A map far bigger than one chunk, a line longer than one, a filtered
 * final read and the memory cap. */
static void test_big(void)
{
	struct perfmap *m;
	char why[256] = "";
	FILE *f;
	size_t lines = 0;
	uint64_t want[3] = { 0x10000000ULL + 5 * 0x40 + 1, 0x10000000ULL + 70000ULL * 0x40,
			     0x90000000ULL };
	const char *note;

	snprintf(path, sizeof(path), "/tmp/perf-%u.map", FAKE_PID + 7);
	unlink(path);
	f = fopen(path, "w");
	/* 3 MB of lines, with a 2 MB line in the middle that is not a map line */
	for (; lines < 40000; lines++)
		fprintf(f, "%llx 40 py::f%zu:/big.py\n", 0x10000000ULL + lines * 0x40, lines);
	for (size_t i = 0; i < (2u << 20); i++)
		fputc('x', f);
	fputc('\n', f);
	for (; lines < 80000; lines++)
		fprintf(f, "%llx 40 py::f%zu:/big.py\n", 0x10000000ULL + lines * 0x40, lines);
	fprintf(f, "90000000 10 py::last:/big.py\n");
	fclose(f);

	m = perfmap_new(FAKE_PID + 7, (uint32_t)getuid(), 0);
	CHECK(perfmap_refresh(m, why, sizeof(why)) == 80001, "a map of several chunks is read whole");
	CHECK_EQ_STR(name_at(m, 0x10000000ULL + 39999ULL * 0x40), "py::f39999:/big.py",
		     "the line before an over-long line");
	CHECK_EQ_STR(name_at(m, 0x10000000ULL + 40000ULL * 0x40 + 3), "py::f40000:/big.py",
		     "the line after it (the long line is skipped)");
	CHECK_EQ_STR(name_at(m, 0x90000005ULL), "py::last:/big.py", "the last line");
	CHECK(!perfmap_cap_note(m), "no cap note for a map within the cap");
	perfmap_free(m);

	m = perfmap_new(FAKE_PID + 7, (uint32_t)getuid(), 0);
	CHECK(perfmap_refresh_used(m, want, 3, why, sizeof(why)) == 3,
	      "the final read keeps only the entries sampled addresses fall in");
	CHECK_EQ_STR(name_at(m, want[0]), "py::f5:/big.py", "... named");
	CHECK_EQ_STR(name_at(m, want[1]), "py::f70000:/big.py", "... past the long line too");
	CHECK_EQ_STR(name_at(m, 0x10000000ULL + 6 * 0x40), "(none)", "... and nothing else");
	CHECK(perfmap_cost(m) < 4096, "... at a cost of %zu bytes", perfmap_cost(m));
	perfmap_free(m);

	/* past the cap (32 MB): 45 MB of lines */
	f = fopen(path, "w");
	for (lines = 0; lines < 1000000; lines++)
		fprintf(f, "%llx 40 py::a_rather_long_function_name_%zu:/some/where/module.py\n",
			0x10000000ULL + lines * 0x40, lines);
	fclose(f);
	m = perfmap_new(FAKE_PID + 7, (uint32_t)getuid(), 0);
	while (perfmap_refresh(m, why, sizeof(why)) > 0)
		;
	CHECK(perfmap_cost(m) <= (32u << 20), "the loop's reads stop at the cap (%zu bytes)",
	      perfmap_cost(m));
	note = perfmap_cap_note(m);
	CHECK(note && strstr(note, "cap"), "with a note: %s", note ? note : "(none)");
	CHECK(!perfmap_cap_note(m), "... given once");
	CHECK_EQ_STR(name_at(m, 0x10000000ULL + 999999ULL * 0x40), "(none)", "the last line is not kept");
	want[0] = 0x10000000ULL + 999999ULL * 0x40;
	CHECK(perfmap_refresh_used(m, want, 1, why, sizeof(why)) == 1 &&
	      !strcmp(name_at(m, want[0]), "py::a_rather_long_function_name_999999:/some/where/module.py"),
	      "the final read still names a sampled address past the cap");
	perfmap_free(m);
	unlink(path);
}

int main(void)
{
	test_parse();
	test_read();
	test_fork_coarse_mtime();
	test_unsafe();
	test_procmap();
	test_big();
	return tap_done();
}
