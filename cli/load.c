/* load: open the profile a command shows (`pytop report -i FILE`; every
 * command that reads profiles goes through here, so they accept the same
 * files and fail with the same one-line errors).  A perf.data file is
 * imported on the way (record/perf_import.c). */
#include "cli.h"
#include "pytop/model/profile.h"
#include "pytop/record/perf_import.h"

#include <stdio.h>

static void on_note(void *ctx, const char *line)
{
	(void)ctx;
	cli_error("%s", line);
}

struct pdata *cli_import_perf(const char *path)
{
	struct pdata_error err;
	struct pdata *pd = perf_import(path, on_note, NULL, &err);
	if (!pd)
		cli_error("%s: %s", path, err.msg);
	return pd;
}

struct profile *cli_load_profile(const char *path)
{
	struct pdata_error perr;
	struct profile *p;

	if (perf_import_is_perfdata(path)) {
		struct pdata *pd = cli_import_perf(path);
		return pd ? profile_from_pdata(pd) : NULL;
	}
	p = profile_load(path, &perr);
	if (!p)
		cli_error("%s: %s", path, perr.msg);
	return p;
}
