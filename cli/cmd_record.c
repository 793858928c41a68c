/* cmd_record: `pytop record` (placeholder until the recorder lands). */
#include "cli.h"

int cmd_record(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("record: the recorder is not built yet");
	return EXIT_FAIL;
}
