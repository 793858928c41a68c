/* load: open the profile a command shows (`pytop report -i FILE`; every
 * command that reads profiles goes through here, so they accept the same
 * files and fail with the same one-line errors). */
#include "cli.h"
#include "pytop/model/profile.h"

struct profile *cli_load_profile(const char *path)
{
	struct pdata_error perr;
	struct profile *p = profile_load(path, &perr);
	if (!p)
		cli_error("%s: %s", path, perr.msg);
	return p;
}
