/* report_svg: an interactive flame graph as one self-contained SVG file
 * (--svg FILE): its own styles and script, nothing fetched.  Hover shows
 * a frame's name, file, samples and share; a click zooms into a frame; the
 * search box highlights the frames whose name contains the text and sums
 * their share; "Reset zoom" (or Esc) zooms out.  The tree and layout are
 * the model's (flame.h), the same the browser's flame view draws. */
#include "pytop/report/report_print.h"

#include "pytop/base/esc.h"
#include "pytop/model/flame.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define SVG_W 1200.0
#define SVG_PAD 10.0
#define ROW_H 16
#define TOP_H 66    /* title, subtitle, legend, details */
#define BOTTOM_H 20
#define CHAR_W 7.2  /* 12px monospace */
#define MIN_FRAC 0.0005 /* frames below 0.05% of the total merge */

/* Names from the profiled program as XML text or attribute values: the
 * terminal escaper first (controls and invalid UTF-8 become visible
 * \xHH, bidi overrides \uHHHH: the result is valid UTF-8 without a
 * character XML forbids except U+FFFE/U+FFFF), then XML's own entities. */
static void xml_put(FILE *out, const char *s, size_t maxchars)
{
	size_t len = esc_len(s, ESC_BIDI), nchars = 0;
	char stackbuf[512], *buf = len < sizeof(stackbuf) ? stackbuf : malloc(len + 1);
	const unsigned char *p;

	if (!buf)
		return;
	esc_text(buf, len + 1, s, ESC_BIDI);
	/* after esc_text the text is valid UTF-8: step whole characters */
	for (p = (const unsigned char *)buf; *p && nchars < maxchars; nchars++) {
		size_t n = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		if (n == 3 && p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
			fprintf(out, "\\uFFF%c", p[2] == 0xbe ? 'E' : 'F');
		} else if (n > 1) {
			fwrite(p, 1, n, out);
		} else {
			switch (*p) {
			case '<': fputs("&lt;", out); break;
			case '>': fputs("&gt;", out); break;
			case '&': fputs("&amp;", out); break;
			case '"': fputs("&quot;", out); break;
			case '\'': fputs("&apos;", out); break;
			default: fputc(*p, out);
			}
		}
		p += n;
	}
	if (buf != stackbuf)
		free(buf);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* CSS class of a class (classes.h): "c-" and its name; the style sheet
 * colours the known ones, the rest share the default fill. */
static void put_class(FILE *out, enum profile_class cls)
{
	fprintf(out, "c-%s", profile_class_name(cls));
}

static const char svg_style[] =
	"<style type=\"text/css\"><![CDATA[\n"
	"text{font-family:monospace;font-size:12px;fill:#000}\n"
	"#title{font-size:16px;text-anchor:middle}\n"
	"#frames text{pointer-events:none}\n"
	"#frames g{cursor:pointer}\n"
	"#frames rect{stroke:#fff;stroke-width:0.5}\n"
	"#frames g:hover rect{stroke:#000;stroke-width:1}\n"
	"[class^=\"c-\"]{fill:#9fb0c8}\n"
	".c-python{fill:#e3c35a}.c-interpreter{fill:#b995d6}.c-native{fill:#e8845a}\n"
	".c-memory{fill:#5fc0a0}.c-kernel{fill:#7fb0e0}.c-unknown{fill:#c6c6c6}\n"
	".mg{fill:#dddddd}\n"
	"#frames g.m rect{fill:#e040e0}\n"
	"#frames g.a rect{opacity:0.5}\n"
	".btn{fill:#0645ad;cursor:pointer;text-decoration:underline}\n"
	"]]></style>\n";

/* The viewer: plain DOM calls, text set with textContent only (names are
 * data, never markup). */
static const char svg_script[] =
	"<script type=\"text/ecmascript\"><![CDATA[\n"
	"'use strict';\n"
	"var F=[],W=SVGW,P=SVGP,ROW=SVGROW,CW=SVGCW,zoomed=null;\n"
	"function $(id){return document.getElementById(id);}\n"
	"function label(f,w){var n=f.n,c=Math.floor((w-4)/CW);if(c<3)return '';\n"
	" if(n.length>c)return n.slice(0,c-2)+'..';return n;}\n"
	"function place(f,x,w){f.r.setAttribute('x',x.toFixed(2));f.r.setAttribute('width',w.toFixed(2));\n"
	" if(f.t){f.t.setAttribute('x',(x+3).toFixed(2));f.t.textContent=label(f,w);}}\n"
	"function pct(f){return (100*f.w/(W-2*P)).toFixed(2)+'%';}\n"
	"function show(f){$('details').textContent=f.n+(f.f?'  ['+f.f+']':'')+'  '+f.s+' samples, '+pct(f)+(f.dx?', '+f.dx:'');}\n"
	"function zoom(z){zoomed=z;var s=(W-2*P)/z.w;\n"
	" F.forEach(function(f){var inside=f.x>=z.x-1e-6&&f.x+f.w<=z.x+z.w+1e-6&&f.d>=z.d;\n"
	"  var anc=f.d<z.d&&f.x<=z.x+1e-6&&f.x+f.w>=z.x+z.w-1e-6;\n"
	"  f.g.classList.toggle('a',anc);\n"
	"  if(inside){f.g.style.display='';place(f,P+(f.x-z.x)*s,f.w*s);}\n"
	"  else if(anc){f.g.style.display='';place(f,P,W-2*P);}\n"
	"  else f.g.style.display='none';});\n"
	" $('reset').style.display='';}\n"
	"function reset(){zoomed=null;F.forEach(function(f){f.g.style.display='';f.g.classList.remove('a');place(f,f.x,f.w);});\n"
	" $('reset').style.display='none';}\n"
	"function search(q){q=q.toLowerCase();var m=[];\n"
	" F.forEach(function(f){var on=q!==''&&!f.mg&&f.n.toLowerCase().indexOf(q)>=0;f.g.classList.toggle('m',on);if(on)m.push(f);});\n"
	" m.sort(function(a,b){return a.x-b.x||a.d-b.d;});var sum=0,end=-1;\n"
	" m.forEach(function(f){if(f.x>=end-1e-6){sum+=f.w;end=f.x+f.w;}});\n"
	" $('matched').textContent=q===''?'':'Matched: '+(100*sum/(W-2*P)).toFixed(2)+'% ('+m.length+' frames)';}\n"
	"function init(){var gs=document.querySelectorAll('#frames g');\n"
	" for(var i=0;i<gs.length;i++){var g=gs[i],r=g.querySelector('rect');\n"
	"  var f={g:g,r:r,t:g.querySelector('text'),x:+r.getAttribute('x'),w:+r.getAttribute('width'),\n"
	"   d:+g.getAttribute('data-d'),n:g.getAttribute('data-n'),f:g.getAttribute('data-f')||'',\n"
	"   s:g.getAttribute('data-s'),mg:g.hasAttribute('data-mg'),dx:g.getAttribute('data-x')||''};F.push(f);\n"
	"  (function(f){g.addEventListener('mouseover',function(){show(f);});\n"
	"   g.addEventListener('click',function(){zoom(f);});})(f);}\n"
	" $('reset').addEventListener('click',reset);\n"
	" var inp=$('search');inp.addEventListener('input',function(){search(inp.value);});\n"
	" document.addEventListener('keydown',function(e){if(e.key==='Escape')reset();});}\n"
	"window.addEventListener('load',init);\n"
	"]]></script>\n";

static void put_script(FILE *out)
{
	/* the geometry constants, then the code */
	const char *s = svg_script;
	static const struct { const char *name; double value; } consts[] = {
		{ "SVGW", SVG_W }, { "SVGP", SVG_PAD }, { "SVGROW", ROW_H }, { "SVGCW", CHAR_W },
	};
	while (*s) {
		bool done = false;
		for (size_t i = 0; i < sizeof(consts) / sizeof(consts[0]) && !done; i++) {
			size_t n = strlen(consts[i].name);
			if (!strncmp(s, consts[i].name, n)) {
				fprintf(out, "%g", consts[i].value);
				s += n;
				done = true;
			}
		}
		if (!done)
			fputc(*s++, out);
	}
}

/* The classes from THE class table, each with its colour. */
static void put_legend(FILE *out, double y)
{
	double x = SVG_PAD;
	/* frames are coloured by their on-CPU class (hist_node_class) */
	for (unsigned c = 0; c < CLASS_FIRST_OFF_CPU; c++) {
		const char *name = profile_class_name((enum profile_class)c);
		fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" class=\"", x, y - 10);
		put_class(out, (enum profile_class)c);
		fprintf(out, "\"/><text x=\"%.0f\" y=\"%.0f\">%s</text>\n", x + 16, y, name);
		x += 16 + CHAR_W * (double)strlen(name) + 14;
	}
	fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" class=\"mg\"/>"
		"<text x=\"%.0f\" y=\"%.0f\">frames below %.2g%% merged</text>\n",
		x, y - 10, x + 16, y, MIN_FRAC * 100);
}

static void put_frame(FILE *out, const struct flame *f, const struct flame_layout *l,
		      const struct flame_block *b, bool inverted, double height,
		      const struct svg_paint *paint)
{
	char fill[32] = "", note[128] = "";
	double span = SVG_W - 2 * SVG_PAD;
	/* nothing kept: the root alone, full width */
	double x = SVG_PAD + (l->base ? span * (double)b->start / (double)l->base : 0);
	double w = l->base ? span * (double)b->weight / (double)l->base : span;
	double y = inverted ? TOP_H + (double)b->depth * ROW_H
			    : height - BOTTOM_H - (double)(b->depth + 1) * ROW_H;
	char where[1024], merged[64];
	const char *name;
	uint64_t samples;
	size_t fit = w > 4 ? (size_t)((w - 4) / CHAR_W) : 0, nlen;

	if (b->node == FLAME_NONE) {
		snprintf(merged, sizeof(merged), "(%u small frames)", b->nmerged);
		name = merged;
		where[0] = '\0';
		samples = 0;
		/* the merged frames' samples: their share of the parent's */
		{
			const uint32_t *kids;
			size_t k = flame_children(f, b->parent, &kids);
			for (size_t i = 0; i < k; i++)
				if ((double)flame_node(f, kids[i])->total < MIN_FRAC * (double)l->base)
					samples += flame_node(f, kids[i])->total_samples;
		}
	} else {
		name = flame_name(f, b->node);
		flame_where(f, b->node, where, sizeof(where));
		samples = flame_node(f, b->node)->total_samples;
	}
	fprintf(out, "<g data-d=\"%u\" data-s=\"%" PRIu64 "\"%s data-n=\"", b->depth, samples,
		b->node == FLAME_NONE ? " data-mg=\"1\"" : "");
	xml_put(out, name, SIZE_MAX);
	fputc('"', out);
	if (where[0]) {
		fputs(" data-f=\"", out);
		xml_put(out, where, SIZE_MAX);
		fputc('"', out);
	}
	if (paint && b->node != FLAME_NONE)
		paint->paint(paint->ctx, b->node, fill, sizeof(fill), note, sizeof(note));
	if (note[0]) {
		fputs(" data-x=\"", out);
		xml_put(out, note, SIZE_MAX);
		fputc('"', out);
	}
	/* a caller's fill is an attribute, below every style rule: the search
	 * highlight still shows */
	fprintf(out, "><rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" class=\"",
		x, y, w, ROW_H - 1);
	if (b->node == FLAME_NONE)
		fputs("mg", out);
	else if (fill[0])
		fputs("pt", out);
	else
		put_class(out, flame_node_class(f, b->node));
	fputc('"', out);
	if (fill[0])
		fprintf(out, " fill=\"%s\"", fill);
	fputs("/>", out);
	/* the label, cut as the script cuts it on zoom */
	fprintf(out, "<text x=\"%.2f\" y=\"%.0f\">", x + 3, y + ROW_H - 4);
	nlen = utf8_chars(name);
	if (fit >= 3) {
		if (nlen > fit) {
			xml_put(out, name, fit - 2);
			fputs("..", out);
		} else {
			xml_put(out, name, SIZE_MAX);
		}
	}
	fputs("</text></g>\n", out);
}

int report_svg_flame(FILE *out, const struct flame *f, const struct svg_paint *paint)
{
	const struct hist *h = flame_hist(f);
	const struct report_opts *o = hist_opts(h);
	const struct profile_info *in = profile_info(hist_profile(h));
	struct flame_layout l = { 0 };
	bool inverted = o->inverted;
	double height;
	char title[256];

	flame_layout(f, 0, MIN_FRAC, UINT32_MAX, &l);
	height = TOP_H + (double)(l.nrows ? l.nrows : 1) * ROW_H + BOTTOM_H;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
		SVG_W, height, SVG_W, height);
	fputs(svg_style, out);
	put_script(out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#f8f8f4\"/>\n",
		SVG_W, height);
	fprintf(out, "<text id=\"title\" x=\"%.0f\" y=\"20\">%s: ", SVG_W / 2,
		paint ? paint->title : inverted ? "Icicle graph of callers" : "Flame graph");
	xml_put(out, *in->cmdline ? in->cmdline : "pytop.data", 120);
	fputs("</text>\n", out);
	snprintf(title, sizeof(title), "%" PRIu64 " samples of '%s', %s view%s%s",
		 hist_kept_samples(h), *in->event ? in->event : "unknown",
		 o->python ? "Python" : "all frames", inverted ? ", callers" : "",
		 report_filter_active(&o->filter) ? ", filtered" : "");
	fprintf(out, "<text x=\"%.0f\" y=\"38\">", SVG_PAD);
	xml_put(out, paint ? paint->subtitle : title, SIZE_MAX);
	fputs("</text>\n", out);
	fprintf(out, "<text id=\"reset\" class=\"btn\" x=\"%.0f\" y=\"38\" style=\"display:none\">"
		"Reset zoom</text>\n", SVG_W - 200);
	fprintf(out, "<foreignObject x=\"%.0f\" y=\"44\" width=\"190\" height=\"22\">"
		"<input xmlns=\"http://www.w3.org/1999/xhtml\" id=\"search\" type=\"search\" "
		"placeholder=\"search\" style=\"width:180px;font:12px monospace\"/>"
		"</foreignObject>\n", SVG_W - 200);
	if (paint) {
		fprintf(out, "<text id=\"legend\" x=\"%.0f\" y=\"56\">", SVG_PAD);
		xml_put(out, paint->legend, SIZE_MAX);
		fputs("</text>\n", out);
	} else {
		put_legend(out, 56);
	}
	fprintf(out, "<text id=\"details\" x=\"%.0f\" y=\"%.0f\"> </text>\n", SVG_PAD,
		height - 5);
	fprintf(out, "<text id=\"matched\" x=\"%.0f\" y=\"%.0f\" style=\"text-anchor:end\"></text>\n",
		SVG_W - SVG_PAD, height - 5);
	fputs("<g id=\"frames\">\n", out);
	for (size_t i = 0; i < l.nblocks; i++)
		put_frame(out, f, &l, &l.blocks[i], inverted, height, paint);
	fputs("</g>\n</svg>\n", out);
	flame_layout_free(&l);
	return 0;
}

int report_print_svg(FILE *out, const struct profile *p, const struct report_opts *o,
		     char *err, size_t errlen)
{
	struct hist *h = hist_new(p, o, err, errlen);
	struct flame *f;

	if (!h)
		return -1;
	f = flame_new(h);
	report_svg_flame(out, f, NULL);
	flame_free(f);
	hist_free(h);
	return 0;
}
