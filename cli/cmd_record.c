/* cmd_record: `pytop record` (placeholder until the recorder lands). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_record(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: pytop record [OPTIONS] script.py [ARGS]   (not built yet)");
		return EXIT_OK;
	}
	cli_error("record: the recorder is not built yet");
	return EXIT_FAIL;
}
