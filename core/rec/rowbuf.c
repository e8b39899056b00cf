/*
 * rowbuf.c -- rows collected in a transaction, handed out after the
 * commit (see rec.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/rec/rec.h"

void
rowbuf_init(struct rowbuf *b, size_t size, void (*clear)(void *row))
{
	memset(b, 0, sizeof *b);
	b->size = size;
	b->clear = clear;
}

void
rowbuf_reset(struct rowbuf *b)
{
	for (size_t i = 0; b->clear != NULL && i < b->n; i++)
		b->clear(rowbuf_at(b, i));
	b->n = 0;
}

void
rowbuf_add(struct rowbuf *b, const void *row)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->p = xrealloc(b->p, b->cap * b->size);
	}
	memcpy(b->p + b->n * b->size, row, b->size);
	b->n++;
}

void *
rowbuf_at(const struct rowbuf *b, size_t i)
{
	return b->p + i * b->size;
}

void
rowbuf_free(struct rowbuf *b)
{
	rowbuf_reset(b);
	free(b->p);
	b->p = NULL;
	b->cap = 0;
}
