// SPDX-License-Identifier: GPL-2.0
/*
 * vaccel-vfio: drive a vaccel instance from userspace the way QEMU does:
 * VFIO container, group, device.
 *
 *   vaccel-vfio info UUID          open the instance, print what VFIO says
 *                                  of it, close it
 *   vaccel-vfio hold UUID          open it and keep it open until SIGINT or
 *                                  SIGTERM (prints "holding" once open)
 *
 * Exit status: 0 on success, 1 on a failed operation (the message names
 * the step and the errno), 2 on bad usage.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

struct vfio_instance {
	int container;
	int group;
	int device;
	int group_id;
};

static int fail(const char *step, const char *uuid)
{
	int err = errno;

	fprintf(stderr, "vaccel-vfio: %s %s: %s (%s)\n", uuid, step,
		strerror(err), strerrorname_np(err) ?: "?");
	return -1;
}

static int find_group(const char *uuid)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/mdev/devices/%s/iommu_group",
		 uuid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return fail("iommu_group", uuid);
	target[n] = '\0';
	return atoi(basename(target));
}

static void vfio_close(struct vfio_instance *v)
{
	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
}

/* Container, group, IOMMU model, device: the order QEMU uses. */
static int vfio_open(struct vfio_instance *v, const char *uuid)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];

	v->container = -1;
	v->group = -1;
	v->device = -1;

	v->group_id = find_group(uuid);
	if (v->group_id < 0)
		return -1;

	v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (v->container < 0)
		return fail("open /dev/vfio/vfio", uuid);
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		errno = EINVAL;
		return fail("VFIO_GET_API_VERSION", uuid);
	}
	if (ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		errno = ENODEV;
		return fail("VFIO_CHECK_EXTENSION(TYPE1v2)", uuid);
	}

	snprintf(path, sizeof(path), "/dev/vfio/%d", v->group_id);
	v->group = open(path, O_RDWR | O_CLOEXEC);
	if (v->group < 0)
		return fail(path, uuid);
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status))
		return fail("VFIO_GROUP_GET_STATUS", uuid);
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		return fail("group not viable", uuid);
	}
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return fail("VFIO_GROUP_SET_CONTAINER", uuid);
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return fail("VFIO_SET_IOMMU", uuid);

	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (v->device < 0)
		return fail("VFIO_GROUP_GET_DEVICE_FD", uuid);
	return 0;
}

static int cmd_info(const char *uuid)
{
	struct vfio_instance v;
	int ret;

	ret = vfio_open(&v, uuid);
	if (!ret)
		printf("%s: iommu group %d, device fd open\n", uuid,
		       v.group_id);
	vfio_close(&v);
	return ret ? 1 : 0;
}

static int cmd_hold(const char *uuid)
{
	struct vfio_instance v;
	sigset_t mask;
	int sig;

	/* Blocked before opening, so a signal sent once we print is kept. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	if (vfio_open(&v, uuid)) {
		vfio_close(&v);
		return 1;
	}
	printf("holding %s\n", uuid);
	fflush(stdout);
	sigwait(&mask, &sig);
	vfio_close(&v);
	printf("released %s\n", uuid);
	return 0;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: vaccel-vfio info UUID\n"
		"       vaccel-vfio hold UUID\n");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		print_usage();
		return 2;
	}
	if (!strcmp(argv[1], "info"))
		return cmd_info(argv[2]);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(argv[2]);
	print_usage();
	return 2;
}
