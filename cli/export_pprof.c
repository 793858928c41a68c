/* export_pprof: `pytop report --format pprof`: the tables report_pprof
 * builds (model/, libc only) packed as profile.proto by protobuf-c and
 * gzip-compressed by zlib, the two libraries the front end links.  The
 * message code is generated from cli/pprof.proto at build time. */
#include "cli.h"
#include "pytop/base/xalloc.h"
#include "pytop/report/report_pprof.h"

#include "pprof.pb-c.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* gzip `len` bytes of buf into out.  Returns 0, or -1 with err filled. */
static int gzip_out(FILE *out, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	z_stream z;
	unsigned char chunk[1 << 16];
	int zr;

	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip header and trailer, as pprof expects */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		snprintf(err, errlen, "zlib: cannot start compressing");
		return -1;
	}
	z.next_in = (unsigned char *)buf;
	do {
		size_t step = len > (1u << 30) ? (1u << 30) : len;
		z.avail_in = (uInt)step;
		len -= step;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof(chunk);
			zr = deflate(&z, len ? Z_NO_FLUSH : Z_FINISH);
			if (zr == Z_STREAM_ERROR) {
				deflateEnd(&z);
				snprintf(err, errlen, "zlib: compression failed");
				return -1;
			}
			fwrite(chunk, 1, sizeof(chunk) - z.avail_out, out);
		} while (z.avail_out == 0);
	} while (len);
	deflateEnd(&z);
	return 0;
}

int cli_write_pprof(FILE *out, const struct profile *p, const struct report_opts *o, char *err,
		    size_t errlen)
{
	struct pprof_profile *pp = report_pprof_build(p, o, err, errlen);
	PytopPprof__Profile msg = PYTOP_PPROF__PROFILE__INIT;
	PytopPprof__ValueType st[PPROF_NVALUES], period_type = PYTOP_PPROF__VALUE_TYPE__INIT;
	PytopPprof__ValueType *stp[PPROF_NVALUES];
	PytopPprof__Sample *samples, **samplep;
	PytopPprof__Label *labels, **labelp;
	PytopPprof__Mapping *maps, **mapp;
	PytopPprof__Location *locs, **locp;
	PytopPprof__Line *lines, **linep;
	PytopPprof__Function *funcs, **funcp;
	int64_t *values;
	uint8_t *buf;
	size_t len;
	int rc;

	if (!pp)
		return -1;
	for (size_t i = 0; i < PPROF_NVALUES; i++) {
		pytop_pprof__value_type__init(&st[i]);
		st[i].type = pp->sample_type[i].type;
		st[i].unit = pp->sample_type[i].unit;
		stp[i] = &st[i];
	}
	period_type.type = pp->period_type.type;
	period_type.unit = pp->period_type.unit;
	msg.n_sample_type = PPROF_NVALUES;
	msg.sample_type = stp;
	msg.period_type = &period_type;
	msg.period = pp->period;
	msg.time_nanos = pp->time_nanos;
	msg.duration_nanos = pp->duration_nanos;
	msg.default_sample_type = pp->default_sample_type;
	msg.n_string_table = pp->nstrings;
	msg.string_table = (char **)pp->strings; /* read only by the packer */

	samples = xmalloc(pp->nsamples + 1, sizeof(*samples));
	samplep = xmalloc(pp->nsamples + 1, sizeof(*samplep));
	labels = xmalloc(pp->nsamples * PPROF_NLABELS + 1, sizeof(*labels));
	labelp = xmalloc(pp->nsamples * PPROF_NLABELS + 1, sizeof(*labelp));
	values = xmalloc(pp->nsamples * PPROF_NVALUES + 1, sizeof(*values));
	for (size_t i = 0; i < pp->nsamples; i++) {
		const struct pprof_sample *s = &pp->samples[i];
		PytopPprof__Sample *m = &samples[i];
		pytop_pprof__sample__init(m);
		m->n_location_id = s->nlocations;
		m->location_id = (uint64_t *)s->location_ids;
		m->n_value = PPROF_NVALUES;
		m->value = values + i * PPROF_NVALUES;
		memcpy(m->value, s->value, sizeof(s->value));
		m->n_label = PPROF_NLABELS;
		m->label = labelp + i * PPROF_NLABELS;
		for (size_t k = 0; k < PPROF_NLABELS; k++) {
			PytopPprof__Label *l = &labels[i * PPROF_NLABELS + k];
			pytop_pprof__label__init(l);
			l->key = s->label[k].key;
			l->str = s->label[k].str;
			l->num = s->label[k].num;
			m->label[k] = l;
		}
		samplep[i] = m;
	}
	msg.n_sample = pp->nsamples;
	msg.sample = samplep;

	maps = xmalloc(pp->nmappings + 1, sizeof(*maps));
	mapp = xmalloc(pp->nmappings + 1, sizeof(*mapp));
	for (size_t i = 0; i < pp->nmappings; i++) {
		pytop_pprof__mapping__init(&maps[i]);
		maps[i].id = pp->mappings[i].id;
		maps[i].filename = pp->mappings[i].filename;
		maps[i].build_id = pp->mappings[i].build_id;
		maps[i].has_functions = 1;
		mapp[i] = &maps[i];
	}
	msg.n_mapping = pp->nmappings;
	msg.mapping = mapp;

	locs = xmalloc(pp->nlocations + 1, sizeof(*locs));
	locp = xmalloc(pp->nlocations + 1, sizeof(*locp));
	lines = xmalloc(pp->nlocations + 1, sizeof(*lines));
	linep = xmalloc(pp->nlocations + 1, sizeof(*linep));
	for (size_t i = 0; i < pp->nlocations; i++) {
		pytop_pprof__location__init(&locs[i]);
		pytop_pprof__line__init(&lines[i]);
		locs[i].id = pp->locations[i].id;
		locs[i].mapping_id = pp->locations[i].mapping_id;
		lines[i].function_id = pp->locations[i].function_id;
		lines[i].line = pp->locations[i].line;
		linep[i] = &lines[i];
		locs[i].n_line = 1;
		locs[i].line = &linep[i];
		locp[i] = &locs[i];
	}
	msg.n_location = pp->nlocations;
	msg.location = locp;

	funcs = xmalloc(pp->nfunctions + 1, sizeof(*funcs));
	funcp = xmalloc(pp->nfunctions + 1, sizeof(*funcp));
	for (size_t i = 0; i < pp->nfunctions; i++) {
		pytop_pprof__function__init(&funcs[i]);
		funcs[i].id = pp->functions[i].id;
		funcs[i].name = pp->functions[i].name;
		funcs[i].system_name = pp->functions[i].system_name;
		funcs[i].filename = pp->functions[i].filename;
		funcs[i].start_line = pp->functions[i].start_line;
		funcp[i] = &funcs[i];
	}
	msg.n_function = pp->nfunctions;
	msg.function = funcp;

	len = pytop_pprof__profile__get_packed_size(&msg);
	buf = xmalloc(len + 1, 1);
	pytop_pprof__profile__pack(&msg, buf);
	rc = gzip_out(out, buf, len, err, errlen);

	free(buf);
	free(funcs);
	free(funcp);
	free(locs);
	free(locp);
	free(lines);
	free(linep);
	free(maps);
	free(mapp);
	free(values);
	free(labels);
	free(labelp);
	free(samples);
	free(samplep);
	report_pprof_free(pp);
	return rc;
}
