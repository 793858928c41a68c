/* codec: byte buffers, LEB128 varints and CRC-32. */
#include "pytop/base/xalloc.h"
#include "pytop/format/codec.h"

#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_put(struct buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	xgrow(&b->data, &b->cap, b->len + n, 1);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void buf_put_u8(struct buf *b, uint8_t v)
{
	buf_put(b, &v, 1);
}

void buf_put_le16(struct buf *b, uint16_t v)
{
	unsigned char x[2] = { v & 0xff, v >> 8 };
	buf_put(b, x, 2);
}

void buf_put_le32(struct buf *b, uint32_t v)
{
	unsigned char x[4];
	for (int i = 0; i < 4; i++)
		x[i] = (v >> (8 * i)) & 0xff;
	buf_put(b, x, 4);
}

void buf_put_le64(struct buf *b, uint64_t v)
{
	unsigned char x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (v >> (8 * i)) & 0xff;
	buf_put(b, x, 8);
}

void buf_put_varint(struct buf *b, uint64_t v)
{
	unsigned char x[10];
	size_t n = 0;
	do {
		unsigned char byte = v & 0x7f;
		v >>= 7;
		x[n++] = byte | (v ? 0x80 : 0);
	} while (v);
	buf_put(b, x, n);
}

void buf_put_svarint(struct buf *b, int64_t v)
{
	buf_put_varint(b, ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0));
}

void buf_put_bytes(struct buf *b, const void *p, size_t n)
{
	buf_put_varint(b, n);
	buf_put(b, p, n);
}

/* ---- cursor ---- */

void cursor_init(struct cursor *c, const void *data, size_t len, uint64_t base)
{
	c->data = data;
	c->len = len;
	c->pos = 0;
	c->base = base;
	c->failed = false;
	c->why = NULL;
	c->why_offset = 0;
}

void cursor_fail(struct cursor *c, const char *why)
{
	if (c->failed)
		return;
	c->failed = true;
	c->why = why;
	c->why_offset = c->base + c->pos;
}

size_t cursor_left(const struct cursor *c)
{
	return c->failed ? 0 : c->len - c->pos;
}

static const unsigned char *take(struct cursor *c, size_t n)
{
	const unsigned char *p;
	if (c->failed)
		return NULL;
	if (n > c->len - c->pos) {
		cursor_fail(c, "unexpected end of section");
		return NULL;
	}
	p = c->data + c->pos;
	c->pos += n;
	return p;
}

uint8_t cursor_u8(struct cursor *c)
{
	const unsigned char *p = take(c, 1);
	return p ? p[0] : 0;
}

static uint64_t get_le(struct cursor *c, int n)
{
	const unsigned char *p = take(c, (size_t)n);
	uint64_t v = 0;
	if (!p)
		return 0;
	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

uint16_t cursor_le16(struct cursor *c)
{
	return (uint16_t)get_le(c, 2);
}

uint32_t cursor_le32(struct cursor *c)
{
	return (uint32_t)get_le(c, 4);
}

uint64_t cursor_le64(struct cursor *c)
{
	return get_le(c, 8);
}

uint64_t cursor_varint(struct cursor *c)
{
	uint64_t v = 0;
	size_t start = c->pos;

	if (!c->failed && c->pos < c->len && c->data[c->pos] < 0x80)
		return c->data[c->pos++]; /* one byte: most varints of a file */
	for (int shift = 0; shift < 64; shift += 7) {
		const unsigned char *p = take(c, 1);
		if (!p)
			return 0;
		if (shift == 63 && (*p & 0x7e)) {
			c->pos = start;
			cursor_fail(c, "varint overflows 64 bits");
			return 0;
		}
		v |= (uint64_t)(*p & 0x7f) << shift;
		if (!(*p & 0x80))
			return v;
	}
	c->pos = start;
	cursor_fail(c, "varint longer than 10 bytes");
	return 0;
}

int64_t cursor_svarint(struct cursor *c)
{
	uint64_t u = cursor_varint(c);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

uint64_t cursor_varint_max(struct cursor *c, uint64_t max, const char *why)
{
	size_t start = c->pos;
	uint64_t v = cursor_varint(c);
	if (!c->failed && v > max) {
		c->pos = start;
		cursor_fail(c, why);
		return 0;
	}
	return v;
}

const unsigned char *cursor_bytes(struct cursor *c, size_t *n)
{
	uint64_t len = cursor_varint_max(c, cursor_left(c), "string length past end of section");
	const unsigned char *p;
	if (c->failed)
		return NULL;
	p = take(c, (size_t)len);
	*n = (size_t)len;
	return p;
}

/* ---- crc32 ---- */

/* Slicing-by-8 (eight bytes per step through eight tables): the sample
 * section is most of a file, and its checksum is read on every report. */
static uint32_t crc_table[8][256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int k = 1; k < 8; k++)
			crc_table[k][i] = (crc_table[k - 1][i] >> 8) ^
					  crc_table[0][crc_table[k - 1][i] & 0xff];
}

static uint32_t le32_at(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t crc32_update(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;
	if (!crc_table[0][1])
		crc_init();
	crc = ~crc;
	for (; len >= 8; p += 8, len -= 8) {
		uint32_t lo = crc ^ le32_at(p), hi = le32_at(p + 4);
		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
