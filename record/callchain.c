/* callchain: how `-g auto` picks the stack collection mode. */
#include "pytop/record.h"

enum record_cg record_auto_callchain(const struct record_opts *o, const char **reason)
{
	(void)o;
	*reason = "auto: frame pointers; dwarf is not the default yet";
	return RECORD_CG_FP;
}
