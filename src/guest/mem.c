// SPDX-License-Identifier: GPL-2.0
/*
 * The device memory allocator of the VF driver: first fit over a bitmap
 * of VACCEL_VF_ALLOC_ALIGN pages of BAR2.  Pure code (no locking, no
 * device access): the caller serialises, and the KUnit suite drives it
 * directly.
 */

#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/math.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "vfg.h"

/**
 * vfg_mem_init() - set up an allocator for @size bytes of device memory
 * @m: the allocator
 * @size: bytes; only whole VACCEL_VF_ALLOC_ALIGN pages are used
 *
 * Return: 0, -EINVAL if @size holds no page, -ENOMEM.
 */
int vfg_mem_init(struct vfg_mem *m, u64 size)
{
	u64 pages = size / VACCEL_VF_ALLOC_ALIGN;

	if (!pages || pages > ULONG_MAX / 2)
		return -EINVAL;
	m->map = bitmap_zalloc(pages, GFP_KERNEL);
	if (!m->map)
		return -ENOMEM;
	m->pages = pages;
	m->used = 0;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfg_mem_init);

/**
 * vfg_mem_destroy() - free the allocator's own memory
 * @m: the allocator
 */
void vfg_mem_destroy(struct vfg_mem *m)
{
	bitmap_free(m->map);
	m->map = NULL;
	m->pages = 0;
	m->used = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfg_mem_destroy);

/**
 * vfg_mem_alloc() - allocate a range of device memory
 * @m: the allocator
 * @size: bytes, rounded up to VACCEL_VF_ALLOC_ALIGN
 * @offset: set to the start of the range in BAR2
 *
 * Return: 0, -EINVAL if @size is 0 or larger than the whole memory,
 * -ENOMEM if no free range is large enough.
 */
int vfg_mem_alloc(struct vfg_mem *m, u64 size, u64 *offset)
{
	unsigned long n, pos;

	if (!size || size > (u64)m->pages * VACCEL_VF_ALLOC_ALIGN)
		return -EINVAL;
	n = DIV_ROUND_UP_ULL(size, VACCEL_VF_ALLOC_ALIGN);
	if (n > m->pages - m->used)
		return -ENOMEM;
	pos = bitmap_find_next_zero_area(m->map, m->pages, 0, n, 0);
	if (pos >= m->pages)
		return -ENOMEM;
	bitmap_set(m->map, pos, n);
	m->used += n;
	*offset = (u64)pos * VACCEL_VF_ALLOC_ALIGN;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfg_mem_alloc);

/**
 * vfg_mem_release() - give back a range from vfg_mem_alloc()
 * @m: the allocator
 * @offset: what vfg_mem_alloc() returned
 * @size: the size asked for then
 *
 * A range that is not (wholly) allocated is a driver bug: it WARNs and
 * leaves the map alone.
 */
void vfg_mem_release(struct vfg_mem *m, u64 offset, u64 size)
{
	unsigned long pos = offset / VACCEL_VF_ALLOC_ALIGN;
	unsigned long n = DIV_ROUND_UP_ULL(size, VACCEL_VF_ALLOC_ALIGN);

	if (WARN_ON(offset % VACCEL_VF_ALLOC_ALIGN || !n || pos >= m->pages ||
		    n > m->pages - pos ||
		    find_next_zero_bit(m->map, pos + n, pos) < pos + n))
		return;
	bitmap_clear(m->map, pos, n);
	m->used -= n;
}
EXPORT_SYMBOL_IF_KUNIT(vfg_mem_release);

/**
 * vfg_mem_free_bytes() - device memory not allocated
 * @m: the allocator
 *
 * Return: bytes (not necessarily in one range).
 */
u64 vfg_mem_free_bytes(const struct vfg_mem *m)
{
	return (u64)(m->pages - m->used) * VACCEL_VF_ALLOC_ALIGN;
}
EXPORT_SYMBOL_IF_KUNIT(vfg_mem_free_bytes);
