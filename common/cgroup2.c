// SPDX-License-Identifier: MIT
#include "common/cgroup2.h"

#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* the handle type of kernfs (cgroupfs) files: their 64-bit id
 * (include/linux/exportfs.h, FILEID_KERNFS) */
#define FILEID_KERNFS 0xfe

int cgroup2_root(char *buf, size_t len)
{
	struct mntent *m;
	FILE *f = setmntent("/proc/self/mounts", "r");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(buf, len, "%s", m->mnt_dir);
			err = 0;
			break;
		}
	endmntent(f);
	return err;
}

int cgroup2_open_id(__u64 id)
{
	struct {
		struct file_handle fh;
		__u64 id;
	} h = { .fh = { .handle_bytes = sizeof(id), .handle_type = FILEID_KERNFS }, .id = id };
	char root[256];
	int mnt, fd, err = cgroup2_root(root, sizeof(root));

	if (err)
		return err;
	mnt = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mnt < 0)
		return -errno;
	/* kernfs hands out a file handle of the id: no walk of the tree */
	fd = open_by_handle_at(mnt, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = fd < 0 ? (errno == ESTALE ? -ENOENT : -errno) : fd;
	close(mnt);
	return err;
}
