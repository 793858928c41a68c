/* fakepy: a process that looks like a CPython to pytop's interpreter
 * finder (the symbols _PyRuntime, Py_Version, PyCode_Type, PyUnicode_Type,
 * PyBytes_Type) but whose version or _Py_DebugOffsets are wrong, to test
 * the refusals.  fakepy MODE: "ok" (a 3.13 whose debug offsets agree),
 * "v314" (Py_Version 3.14), "v37" (3.7), "ft" (3.13 free-threaded),
 * "moved" (3.13 whose thread_state.native_thread_id moved), "nocookie"
 * (3.13 without the cookie).  Prints READY, then sleeps. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct fake_runtime {
	char cookie[8];
	uint64_t w[80];
};

/* the objects the finder looks up (their layout does not matter here) */
struct fake_runtime _PyRuntime = { "xdebugpy", { 0 } };
unsigned long Py_Version = 0x030d00f0;
char PyCode_Type[416], PyUnicode_Type[416], PyBytes_Type[416];

int main(int argc, char **argv)
{
	/* 3.13's _Py_DebugOffsets words (index: value) that pytop checks */
	static const unsigned idx[] = { 1,  5,  8,  9,  21, 22, 23, 24, 25, 29, 30, 31, 33,
					34, 35, 36, 37, 38, 39, 43, 45, 65, 66, 68, 69, 70 };
	static const uint64_t val[] = { 0x030d00f0, 632, 7264, 7344, 8,   16,  72,  152, 160,
					8,          0,   56,   70,   208,  112, 120, 128, 136,
					68,         200, 8,    16,   32,   32,  16,  40 };
	const char *mode = argc > 1 ? argv[1] : "ok";
	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		_PyRuntime.w[idx[i] - 1] = val[i];
	if (!strcmp(mode, "v314"))
		Py_Version = 0x030e00f0;
	else if (!strcmp(mode, "v37"))
		Py_Version = 0x030700f0;
	else if (!strcmp(mode, "ft"))
		_PyRuntime.w[1] = 1;
	else if (!strcmp(mode, "moved"))
		_PyRuntime.w[25 - 1] = 168;
	else if (!strcmp(mode, "nocookie"))
		memset(_PyRuntime.cookie, 0, sizeof(_PyRuntime.cookie));
	printf("READY\n");
	fflush(stdout);
	sleep(120);
	return 0;
}
