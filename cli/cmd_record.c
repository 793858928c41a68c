/* cmd_record: `pytop record`: options, interpreter choice, the summary. */
#include "cli.h"
#include "pytop/base/esc.h"
#include "pytop/base/xalloc.h"
#include "pytop/python/pyfind.h"
#include "pytop/python/pyscript.h"
#include "pytop/record/launch.h"
#include "pytop/record/record.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char record_usage[] =
	"usage: pytop record [OPTIONS] script.py [ARGS...]\n"
	"       pytop record [OPTIONS] -m module [ARGS...]\n"
	"       pytop record [OPTIONS] -- COMMAND [ARGS...]\n"
	"       pytop record [OPTIONS] -p PID[,PID...] [-d SECONDS]\n"
	"\n"
	"Sample a program's CPU use into a pytop.data file.  Python scripts run under\n"
	"a perf-capable CPython (3.12+) with -X perf, so Python functions show up as\n"
	"py:: frames; so do commands whose #! line names a Python (./tool with\n"
	"#!/usr/bin/env python3, console scripts such as pytest), with -- or not.\n"
	"\n"
	"options:\n"
	"  -o, --output FILE      write FILE (default pytop.data; an existing one\n"
	"                         is kept as FILE.old; a device or FIFO such as\n"
	"                         /dev/null is written through)\n"
	"  -F, --freq HZ          samples per second (default 999; 'max' = the\n"
	"                         kernel's perf_event_max_sample_rate)\n"
	"  -e, --event EVENT      cycles (default when supported, else cpu-clock),\n"
	"                         cpu-clock, task-clock, instructions, cache-misses, ...\n"
	"  -g, --call-graph MODE  fp, dwarf[,BYTES] or auto (default)\n"
	"  -p, --pid PID[,PID]    attach to running processes (never stops them)\n"
	"  -d, --duration SECS    stop recording after SECS seconds (a launched\n"
	"                         command is then stopped with SIGTERM)\n"
	"  -m MODULE              run 'python -m MODULE'\n"
	"      --python PATH      the Python interpreter to use (else $PYTOP_PYTHON,\n"
	"                         python3, python3.N on PATH, pyenv versions)\n"
	"      --no-off-cpu       CPU samples only: no off-CPU (waiting) time, no\n"
	"                         context-switch events (the file of pytop before 0.2)\n"
	"      --keep-perf-maps   keep /tmp/perf-PID.map files of launched processes\n"
	"      --python-frames SRC  where Python frames come from: bpf (read from the\n"
	"                         interpreter at each sample: lines, CPython 3.8-3.13,\n"
	"                         -p on any Python; root or CAP_BPF+CAP_PERFMON),\n"
	"                         trampoline (-X perf, CPython 3.12+) or auto (default:\n"
	"                         bpf where the kernel allows it)\n"
	"  -q, --quiet            no summary or notes\n"
	"  -h, --help             this help\n"
	"\n"
	"examples:\n"
	"  pytop record app.py --size 10        profile a script, then 'pytop report'\n"
	"  pytop record -m pytest tests/        profile a module\n"
	"  pytop record -F 199 -o web.data -- ./server --port 8080\n"
	"  pytop record -p 1234 -d 10           attach to PID 1234 for 10 seconds\n";

struct rec_cli {
	bool quiet;
};

static void on_message(void *ctx, const char *line)
{
	const struct rec_cli *c = ctx;
	if (!c->quiet || !strncmp(line, "warning", 7)) {
		fputs("pytop: ", stderr);
		esc_fputs(stderr, line, 0); /* may quote the target's names */
		fputc('\n', stderr);
	}
}

/* The kernel's highest sampling rate, 0 when unknown. */
static uint64_t max_freq(void)
{
	long long v = 0;
	record_kernel_setting("perf_event_max_sample_rate", &v);
	return v > 0 ? (uint64_t)v : 0;
}

static bool parse_freq(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	if (!strcmp(s, "max")) {
		uint64_t m = max_freq();
		*out = m ? m : 1000;
		return true;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || end == s || v == 0 || s[0] == '-')
		return false;
	*out = v;
	return true;
}


static bool parse_pids(const char *s, pid_t **pids, size_t *n)
{
	size_t cap = 0;
	while (*s) {
		char *end;
		long v;
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || end == s || v <= 0 || v > 0x7fffffff || (*end && *end != ','))
			return false;
		xgrow(pids, &cap, *n + 1, sizeof(**pids));
		(*pids)[(*n)++] = (pid_t)v;
		s = *end ? end + 1 : end;
	}
	return *n > 0;
}

/* Parses -g's value; on failure `why` says what is wrong (after "-g VALUE: "). */
static bool parse_callgraph(const char *s, enum record_cg *cg, uint32_t *bytes, char *why,
			    size_t len)
{
	if (!strcmp(s, "fp")) {
		*cg = RECORD_CG_FP;
		return true;
	}
	if (!strcmp(s, "auto")) {
		*cg = RECORD_CG_AUTO;
		return true;
	}
	if (!strncmp(s, "dwarf", 5) && (s[5] == '\0' || s[5] == ',')) {
		*cg = RECORD_CG_DWARF;
		if (s[5] == ',') {
			char *end;
			unsigned long v;
			errno = 0;
			v = strtoul(s + 6, &end, 10);
			if (errno == ERANGE || (!errno && *end == '\0' && end != s + 6 && s[6] != '-' &&
						v > 65528)) {
				/* the kernel wants a multiple of 8 below 64 KiB */
				snprintf(why, len, "the user stack copy is at most 65528 bytes "
						   "(the kernel's limit)");
				return false;
			}
			if (errno || *end || end == s + 6 || s[6] == '-' || v < 8) {
				snprintf(why, len, "not a stack copy size (8 to 65528 bytes)");
				return false;
			}
			*bytes = (uint32_t)(v & ~7UL);
		}
		return true;
	}
	/* perf report's -g also takes the call graph's order */
	if (!strcmp(s, "caller")) {
		snprintf(why, len, "record's -g is how stacks are collected (fp, dwarf[,BYTES] or "
				   "auto); for call graphs of callers, use 'pytop report -G'");
		return false;
	}
	if (!strcmp(s, "callee")) {
		snprintf(why, len, "record's -g is how stacks are collected (fp, dwarf[,BYTES] or "
				   "auto); 'pytop report' shows callees by default");
		return false;
	}
	snprintf(why, len, "unknown call graph mode (fp, dwarf[,BYTES] or auto)");
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* Joins argv with spaces (quoting nothing: it is for people to read). */
static char *join(char *const *argv)
{
	size_t len = 1;
	char *s;
	for (size_t i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	s = xmalloc(len, 1);
	s[0] = '\0';
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static void thousands(uint64_t v, char *buf, size_t len)
{
	char tmp[32];
	size_t n = (size_t)snprintf(tmp, sizeof(tmp), "%" PRIu64, v), o = 0;
	for (size_t i = 0; i < n && o + 1 < len; i++) {
		if (i && (n - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

static void summary(const struct record_opts *o, const struct record_result *r)
{
	char samples[32], extra[64] = "";
	if (o->python_path) {
		/* the path may come from the target's "#!" line or PATH: escape it */
		fputs("[ pytop record: python ", stderr);
		esc_fputs(stderr, o->python_version, 0);
		fputs(" (", stderr);
		esc_fputs(stderr, o->python_path, 0);
		fprintf(stderr, "), call graph %s (%s), Python frames %s ]\n", r->callchain,
			r->callchain_reason, r->python_frames);
	} else if (o->npids)
		fprintf(stderr, "[ pytop record: call graph %s (%s), Python frames %s ]\n",
			r->callchain, r->callchain_reason, r->python_frames);
	else
		fprintf(stderr, "[ pytop record: call graph %s (%s) ]\n", r->callchain,
			r->callchain_reason);
	if (r->truncated) {
		const char *sep = "";
		fprintf(stderr, "[ pytop record: %" PRIu64 " samples with truncated stacks (",
			r->truncated);
		for (int i = 1; i < UNWIND_STOP_COUNT; i++)
			if (r->unwind_stops[i]) {
				fprintf(stderr, "%s%s: %" PRIu64, sep, unwind_stop_name(i),
					r->unwind_stops[i]);
				sep = ", ";
			}
		fputs(") ]\n", stderr);
	}
	thousands(r->samples - r->off_samples, samples, sizeof(samples));
	if (r->throttled)
		snprintf(extra, sizeof(extra), ", %" PRIu64 " throttled", r->throttled);
	fprintf(stderr,
		"[ pytop record: %s samples (%" PRIu64 " lost%s), %zu thread%s, %zu process%s, "
		"%s @ %" PRIu64 " Hz, %" PRIu64 " KB written to %s ]\n",
		samples, r->lost, extra, r->threads, r->threads == 1 ? "" : "s", r->processes,
		r->processes == 1 ? "" : "es", r->event, o->freq, (r->bytes + 1023) / 1024,
		r->written[0] ? r->written : o->output);
	if (r->off_cpu) {
		char waits[32], outs[32];
		thousands(r->off_samples, waits, sizeof(waits));
		thousands(r->switch_outs, outs, sizeof(outs));
		fprintf(stderr, "[ pytop record: off-CPU: %s waits timed of %s switch-outs, %s ]\n",
			waits, outs, r->off_cpu_stacks ? "with their stacks" : "without stacks");
		if (r->off_dropped)
			fprintf(stderr,
				"[ pytop record: off-CPU: %" PRIu64 " of %s switch-outs not recorded (%" PRIu64
				" switch records lost: the recorder fell behind); the others' times are "
				"scaled by %.3f ]\n",
				r->off_dropped, outs, r->switch_lost,
				(double)r->switch_outs /
					(double)(r->switch_outs > r->off_dropped ? r->switch_outs - r->off_dropped
										 : 1));
	}
}

/* The interpreter for a Python target: --python, else the one a "#!" line
 * names (looked up on PATH for `env python3.N`), else the search that
 * script.py gets (also for `#!/usr/bin/env python3`).  False with `err`
 * set when there is none. */
static bool choose_python(const char *python, const char *target, const struct pyscript *ps,
			  struct pyfind_result *py, char *err, size_t len)
{
	char what[512];
	size_t n;

	if (python || !ps || ps->generic)
		return pyfind_find(python, py, err, len) == 0;
	snprintf(what, sizeof(what), "%s: its interpreter ", target);
	if (pyfind_check(what, ps->interp, py, err, len) == 0)
		return true;
	n = strlen(err);
	snprintf(err + n, len - n, "; name another with --python PATH");
	return false;
}

enum { OPT_PYTHON = 256, OPT_KEEP_MAPS, OPT_PYFRAMES, OPT_NO_OFF_CPU };

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "freq", required_argument, NULL, 'F' },
		{ "event", required_argument, NULL, 'e' },
		{ "call-graph", required_argument, NULL, 'g' },
		{ "pid", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "python", required_argument, NULL, OPT_PYTHON },
		{ "keep-perf-maps", no_argument, NULL, OPT_KEEP_MAPS },
		{ "python-frames", required_argument, NULL, OPT_PYFRAMES },
		{ "no-off-cpu", no_argument, NULL, OPT_NO_OFF_CPU },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct record_opts o = { .output = "pytop.data", .freq = RECORD_DEFAULT_FREQ };
	struct rec_cli cli = { 0 };
	struct record_result res;
	struct pyfind_result py;
	struct pyscript *ps = NULL;
	const char *python = NULL, *module = NULL;
	pid_t *pids = NULL;
	size_t npids = 0;
	char **cmd = NULL, *cmdline = NULL, err[1024];
	bool dashdash = false, want_python;
	int c, rc, st;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:o:F:e:g:p:d:m:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.output = optarg;
			break;
		case 'F':
			if (!parse_freq(optarg, &o.freq)) {
				cli_error("-F %s: not a frequency (a positive number of Hz, or max)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'e':
			o.event = optarg;
			break;
		case 'g':
			if (!parse_callgraph(optarg, &o.callchain, &o.stack_bytes, err, sizeof(err))) {
				cli_error("-g %s: %s", optarg, err);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			if (!parse_pids(optarg, &pids, &npids)) {
				cli_error("-p %s: not a process id list (PID[,PID...])", optarg);
				free(pids);
				return EXIT_USAGE;
			}
			break;
		case 'd': {
			char *end;
			errno = 0;
			o.duration = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(o.duration > 0) || o.duration > 1e7) {
				cli_error("-d %s: not a duration in seconds", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 'm':
			module = optarg;
			goto done_opts; /* everything after the module is its arguments */
		case OPT_PYTHON:
			python = optarg;
			break;
		case OPT_KEEP_MAPS:
			o.keep_perf_maps = true;
			break;
		case OPT_PYFRAMES:
			if (!strcmp(optarg, "bpf")) {
				o.python_frames = RECORD_PYF_BPF;
			} else if (!strcmp(optarg, "trampoline")) {
				o.python_frames = RECORD_PYF_TRAMPOLINE;
			} else if (!strcmp(optarg, "auto")) {
				o.python_frames = RECORD_PYF_AUTO;
			} else {
				cli_error("--python-frames %s: not a frame source (bpf, trampoline or auto)",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_NO_OFF_CPU:
			o.no_off_cpu = true;
			break;
		case 'q':
			cli.quiet = true;
			break;
		case 'h':
			fputs(record_usage, stdout);
			return EXIT_OK;
		case ':':
			cli_error("record: option '%s' needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			cli_error("record: unknown option '%s' (see 'pytop record --help')",
				  argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
done_opts:
	dashdash = optind > 1 && !strcmp(argv[optind - 1], "--") && !module;
	if (o.event) {
		uint32_t t;
		uint64_t cfg;
		if (!record_event_lookup(o.event, &t, &cfg)) {
			cli_error("-e %s: unknown event (known: %s)", o.event, record_event_names());
			return EXIT_USAGE;
		}
	}
	if (o.freq > max_freq() && max_freq()) {
		cli_error("-F %" PRIu64 ": above the kernel's maximum of %" PRIu64
			  " Hz (/proc/sys/kernel/perf_event_max_sample_rate)", o.freq, max_freq());
		return EXIT_USAGE;
	}
	if (npids) {
		if (optind < argc || module) {
			cli_error("record: -p attaches to running processes; give no command with it");
			free(pids);
			return EXIT_USAGE;
		}
	} else {
		if (optind >= argc && !module) {
			cli_error("record: nothing to record: give a script, -m MODULE, -- COMMAND or -p PID");
			fputs(record_usage, stderr);
			return EXIT_USAGE;
		}
	}

	/* the output is checked (and a device or FIFO opened) by record_run()
	 * before the target starts */
	o.message = on_message;
	o.message_ctx = &cli;
	want_python = !npids && (module || (!dashdash && (ends_with(argv[optind], ".py") ||
							 ends_with(argv[optind], ".pyw") || python)));
	/* a script or console script whose "#!" names a Python is one too,
	 * given with -- or not */
	if (!npids && !module && !ends_with(argv[optind], ".py") && !ends_with(argv[optind], ".pyw")) {
		ps = xmalloc(1, sizeof(*ps));
		if (pyscript_detect(argv[optind], ps)) {
			want_python = true;
		} else {
			free(ps);
			ps = NULL;
		}
	}
	if (!npids && !want_python) {
		int e = launch_check(argv[optind]);
		if (e) {
			cli_error("cannot run '%s': %s", argv[optind], strerror(e));
			return EXIT_FAIL;
		}
	}
	if (want_python && !module && !ps) {
		struct stat sb;
		if (stat(argv[optind], &sb) < 0 || !S_ISREG(sb.st_mode)) {
			cli_error("cannot run '%s': %s", argv[optind],
				  errno == 0 || S_ISDIR(sb.st_mode) ? "Is a directory" : strerror(errno));
			return EXIT_FAIL;
		}
	}
	if (o.python_frames == RECORD_PYF_AUTO && (want_python || npids)) {
		char why[512];
		o.python_frames = record_choose_pyframes(RECORD_PYF_AUTO, why, sizeof(why));
		if (o.python_frames == RECORD_PYF_TRAMPOLINE) {
			char note[800];
			snprintf(note, sizeof(note), "note: Python frames come from the perf trampoline: "
						     "no line numbers, and -p sees Python only in processes "
						     "started with -X perf (%s)", why);
			on_message(&cli, note);
		}
	}
	pyfind_need_trampoline(o.python_frames != RECORD_PYF_BPF);
	if (want_python) {
		size_t nargs = (size_t)(argc - optind), k = 0;
		if (!choose_python(python, argv[optind], ps, &py, err, sizeof(err))) {
			cli_error("%s", err);
			free(ps);
			return EXIT_FAIL;
		}
		cmd = xcalloc(nargs + 6 + sizeof(ps->args) / sizeof(ps->args[0]), sizeof(*cmd));
		cmd[k++] = py.path;
		if (o.python_frames != RECORD_PYF_BPF) { /* the BPF reader needs no help */
			cmd[k++] = "-X";
			cmd[k++] = "perf";
		}
		if (module) {
			cmd[k++] = "-m";
			cmd[k++] = (char *)module;
		}
		for (size_t i = 0; ps && ps->args[i]; i++)
			cmd[k++] = ps->args[i];
		if (ps)
			cmd[k++] = ps->path; /* a command found on PATH runs from there */
		for (int i = optind + (ps != NULL); i < argc; i++)
			cmd[k++] = argv[i];
		o.argv = cmd;
		o.python = true;
		o.python_path = py.path;
		o.python_version = py.version;
	} else if (!npids) {
		o.argv = argv + optind;
	}
	if (o.argv) {
		cmdline = join(o.argv);
	} else {
		char buf[64];
		size_t len = 16;
		for (size_t i = 0; i < npids; i++)
			len += 12;
		cmdline = xmalloc(len, 1);
		strcpy(cmdline, "-p ");
		for (size_t i = 0; i < npids; i++) {
			snprintf(buf, sizeof(buf), "%s%d", i ? "," : "", (int)pids[i]);
			strcat(cmdline, buf);
		}
		o.pids = pids;
		o.npids = npids;
	}
	o.cmdline = cmdline;

	rc = record_run(&o, &res, err, sizeof(err));
	free(cmd);
	free(ps);
	free(cmdline);
	free(pids);
	if (rc < 0) {
		cli_error("%s", err);
		return EXIT_FAIL;
	}
	if (!cli.quiet)
		summary(&o, &res);
	if (!res.launched || res.stopped)
		return EXIT_OK; /* -d ended it: the recording went as asked */
	st = res.wait_status;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return EXIT_FAIL;
}
