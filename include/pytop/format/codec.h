/* codec: byte buffers, LEB128 varints and CRC-32 for the sample file.
 *
 * The encoder grows a heap buffer; the decoder walks a bounded span and never
 * reads past its end.  Written by hand because it is ~100 lines and keeps
 * model/ free of dependencies beyond libc. */
#ifndef PYTOP_CODEC_H
#define PYTOP_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct buf {
	unsigned char *data;
	size_t len, cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_put_u8(struct buf *b, uint8_t v);
void buf_put_le16(struct buf *b, uint16_t v);
void buf_put_le32(struct buf *b, uint32_t v);
void buf_put_le64(struct buf *b, uint64_t v);
/* Unsigned LEB128: 1 byte for < 128, at most 10 bytes. */
void buf_put_varint(struct buf *b, uint64_t v);
/* Zigzag-encoded signed varint. */
void buf_put_svarint(struct buf *b, int64_t v);
/* varint length, then the bytes. */
void buf_put_bytes(struct buf *b, const void *p, size_t n);

/* A decoder over [data, data+len).  `base` is the file offset of data[0],
 * so errors can name the offset of the byte that was bad.  Once a read
 * fails, `failed` stays set and every later read returns 0. */
struct cursor {
	const unsigned char *data;
	size_t len, pos;
	uint64_t base;
	bool failed;
	const char *why;      /* static string: what was wrong */
	uint64_t why_offset;  /* file offset where it was found */
};

void cursor_init(struct cursor *c, const void *data, size_t len, uint64_t base);
/* Mark the cursor failed at the current position (first failure wins). */
void cursor_fail(struct cursor *c, const char *why);
size_t cursor_left(const struct cursor *c);
uint8_t cursor_u8(struct cursor *c);
uint16_t cursor_le16(struct cursor *c);
uint32_t cursor_le32(struct cursor *c);
uint64_t cursor_le64(struct cursor *c);
uint64_t cursor_varint(struct cursor *c);
int64_t cursor_svarint(struct cursor *c);
/* A varint that must be <= max; fails with `why` otherwise. */
uint64_t cursor_varint_max(struct cursor *c, uint64_t max, const char *why);
/* Length-prefixed bytes: returns a pointer into the span (not copied) and
 * sets *n, or NULL on failure. */
const unsigned char *cursor_bytes(struct cursor *c, size_t *n);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32). Start with crc = 0. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

#endif
