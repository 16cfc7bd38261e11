// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated card: the check of its configuration, and a vaccel_hw_ops
 * backend whose device memory is host pages.
 *
 * Memory is backed per instance, when the instance is created, so that a
 * card's nominal size costs nothing until it is used and a creation that
 * cannot be backed fails at once (ENOMEM) rather than later in a guest.
 * Pages are zeroed when allocated, so nothing one user of a slice wrote is
 * seen by the next.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "vaccel.h"
#include "sim.h"

/**
 * vaccel_sim_config_check() - validate a simulated card's configuration
 * @cfg: engines and memory size
 *
 * The one place where these values are checked, for the module parameters
 * and for every platform device's data.
 *
 * Return: 0, or -EINVAL after logging which value is wrong and why.
 */
int vaccel_sim_config_check(const struct vaccel_sim_config *cfg)
{
	if (cfg->engines < 1 || cfg->engines > VACCEL_MAX_ENGINES) {
		pr_err("engines=%u is invalid: must be from 1 to %u\n",
		       cfg->engines, VACCEL_MAX_ENGINES);
		return -EINVAL;
	}
	if (cfg->vf_vendor == 0 || cfg->vf_vendor == 0xffff) {
		pr_err("vendor_id=%#x is invalid: 0x0000 and 0xffff mean no device\n",
		       cfg->vf_vendor);
		return -EINVAL;
	}
	if (cfg->mem_mb < VACCEL_MIN_MEM_MB || cfg->mem_mb > VACCEL_MAX_MEM_MB ||
	    !is_power_of_2(cfg->mem_mb)) {
		pr_err("mem_mb=%u is invalid: must be a power of two from %u to %u\n",
		       cfg->mem_mb, VACCEL_MIN_MEM_MB, VACCEL_MAX_MEM_MB);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vaccel_sim_config_check);

/**
 * struct vaccel_sim - state of one simulated card
 * @pages: one entry per page of device memory, NULL while unbacked.  An
 *	entry changes only in mem_attach/mem_detach of the instance that owns
 *	the slice, which the card's slot accounting makes exclusive.
 * @nr_pages: number of entries in @pages
 */
struct vaccel_sim {
	struct page **pages;
	unsigned long nr_pages;
};

static int vaccel_sim_init(struct vaccel_card *card)
{
	struct vaccel_sim *sim;

	sim = kzalloc(sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->nr_pages = card->mem_size >> PAGE_SHIFT;
	sim->pages = kvcalloc(sim->nr_pages, sizeof(*sim->pages), GFP_KERNEL);
	if (!sim->pages) {
		kfree(sim);
		return -ENOMEM;
	}
	card->hw_priv = sim;
	return 0;
}

static void vaccel_sim_fini(struct vaccel_card *card)
{
	struct vaccel_sim *sim = card->hw_priv;
	unsigned long i;

	for (i = 0; i < sim->nr_pages; i++)
		WARN_ON(sim->pages[i]);
	kvfree(sim->pages);
	kfree(sim);
	card->hw_priv = NULL;
}

static void vaccel_sim_free_range(struct vaccel_sim *sim, unsigned long first,
				  unsigned long end)
{
	unsigned long i;

	for (i = first; i < end; i++) {
		if (sim->pages[i]) {
			__free_page(sim->pages[i]);
			sim->pages[i] = NULL;
		}
		cond_resched();
	}
}

static int vaccel_sim_mem_attach(struct vaccel_card *card, u64 offset,
				 u64 size)
{
	struct vaccel_sim *sim = card->hw_priv;
	unsigned long first = offset >> PAGE_SHIFT;
	unsigned long end = (offset + size) >> PAGE_SHIFT;
	unsigned long i;

	if (WARN_ON(!PAGE_ALIGNED(offset) || !PAGE_ALIGNED(size) ||
		    end > sim->nr_pages || end < first))
		return -EINVAL;

	for (i = first; i < end; i++) {
		if (WARN_ON(sim->pages[i]))
			goto err_free;
		sim->pages[i] = alloc_page(GFP_HIGHUSER | __GFP_ZERO |
					   __GFP_NOWARN);
		if (!sim->pages[i])
			goto err_free;
		cond_resched();
	}
	return 0;

err_free:
	vaccel_sim_free_range(sim, first, i);
	return -ENOMEM;
}

static void vaccel_sim_mem_detach(struct vaccel_card *card, u64 offset,
				  u64 size)
{
	struct vaccel_sim *sim = card->hw_priv;

	vaccel_sim_free_range(sim, offset >> PAGE_SHIFT,
			      (offset + size) >> PAGE_SHIFT);
}

static void vaccel_sim_mem_clear(struct vaccel_card *card, u64 offset,
				 u64 size)
{
	struct vaccel_sim *sim = card->hw_priv;
	unsigned long i;

	for (i = offset >> PAGE_SHIFT; i < (offset + size) >> PAGE_SHIFT; i++) {
		clear_highpage(sim->pages[i]);
		cond_resched();
	}
}

/*
 * Writes go through a bounce page: copy_from_user() zero-fills what it
 * could not copy, and that must never land in device memory.  A fault
 * ends the transfer; the bytes done so far are reported, or -EFAULT.
 */
/* The engines' accesses: kernel buffers, never more than a chunk. */
static int vaccel_sim_mem_access(struct vaccel_card *card, u64 offset,
				 void *buf, size_t len, bool write)
{
	struct vaccel_sim *sim = card->hw_priv;
	size_t done = 0;

	while (done < len) {
		u64 pos = offset + done;
		size_t in_page = offset_in_page(pos);
		size_t n = min_t(size_t, len - done, PAGE_SIZE - in_page);
		void *va = kmap_local_page(sim->pages[pos >> PAGE_SHIFT]);

		if (write)
			memcpy(va + in_page, buf + done, n);
		else
			memcpy(buf + done, va + in_page, n);
		kunmap_local(va);
		done += n;
	}
	return 0;
}

static ssize_t vaccel_sim_mem_rw(struct vaccel_card *card, u64 offset,
				 char __user *buf, size_t count, bool write)
{
	struct vaccel_sim *sim = card->hw_priv;
	void *bounce = NULL;
	size_t done = 0;
	ssize_t ret;

	if (write) {
		bounce = (void *)__get_free_page(GFP_KERNEL);
		if (!bounce)
			return -ENOMEM;
	}

	while (done < count) {
		u64 pos = offset + done;
		size_t in_page = offset_in_page(pos);
		size_t n = min_t(size_t, count - done, PAGE_SIZE - in_page);
		struct page *page = sim->pages[pos >> PAGE_SHIFT];
		void *va;

		if (write) {
			if (copy_from_user(bounce, buf + done, n))
				break;
			va = kmap_local_page(page);
			memcpy(va + in_page, bounce, n);
			kunmap_local(va);
		} else {
			va = kmap_local_page(page);
			n -= copy_to_user(buf + done, va + in_page, n);
			kunmap_local(va);
			if (!n)
				break;
		}
		done += n;
		cond_resched();
	}

	ret = done ? done : -EFAULT;
	if (bounce)
		free_page((unsigned long)bounce);
	return ret;
}

static int vaccel_sim_mem_mmap(struct vaccel_card *card,
			       struct vm_area_struct *vma, u64 offset)
{
	struct vaccel_sim *sim = card->hw_priv;
	unsigned long first = offset >> PAGE_SHIFT;
	unsigned long addr;
	int ret;

	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		ret = vm_insert_page(vma, addr, sim->pages[first++]);
		if (ret)
			return ret;
		/* A 1of1 slice of a large card is a million pages. */
		cond_resched();
	}
	return 0;
}

const struct vaccel_hw_ops vaccel_sim_ops = {
	.name		= "sim",
	.init		= vaccel_sim_init,
	.fini		= vaccel_sim_fini,
	.mem_attach	= vaccel_sim_mem_attach,
	.mem_detach	= vaccel_sim_mem_detach,
	.mem_clear	= vaccel_sim_mem_clear,
	.mem_rw		= vaccel_sim_mem_rw,
	.mem_access	= vaccel_sim_mem_access,
	.mem_mmap	= vaccel_sim_mem_mmap,
};
