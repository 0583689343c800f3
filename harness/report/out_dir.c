// SPDX-License-Identifier: MIT
#include "harness/report/out_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WHY(...) snprintf(why, len, __VA_ARGS__)

/* Under sudo, what we write belongs to the user who asked for it. */
static void sudo_user(struct out_dir *d)
{
	const char *uid = getenv("SUDO_UID"), *gid = getenv("SUDO_GID");
	char *end1 = NULL, *end2 = NULL;
	unsigned long u, g;

	if (geteuid() != 0 || !uid || !gid)
		return;
	errno = 0;
	u = strtoul(uid, &end1, 10);
	g = strtoul(gid, &end2, 10);
	if (errno || !*uid || *end1 || !*gid || *end2 || u >= (uid_t)-1 || g >= (gid_t)-1)
		return;
	d->give = true;
	d->uid = u;
	d->gid = g;
}

/* A file or directory of ours to the user sudo ran us for. */
static void hand_over(const struct out_dir *d, int fd)
{
	if (d->give && fchown(fd, d->uid, d->gid))
		return; /* not worth failing a run for: root owns it, readable all the same */
}

/* mkdir -p of path's parents (not of path itself). */
static int make_parents(const char *path)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	return 0;
}

/* As root, a directory someone else could write in could hold their links. */
static int trusted(const struct out_dir *d, char *why, size_t len)
{
	struct stat st;

	if (fstat(d->fd, &st))
		return -errno;
	if (geteuid() != 0)
		return 0;
	if (st.st_uid != 0 && !(d->give && st.st_uid == d->uid)) {
		WHY("%s belongs to uid %u, neither root nor the user running sudo: refused",
		    d->path, (unsigned)st.st_uid);
		return -EPERM;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(d->sticky_ok && (st.st_mode & S_ISVTX))) {
		WHY("%s is writable by others (mode %04o): refused, as they could plant links "
		    "there (chmod go-w %s)",
		    d->path, (unsigned)(st.st_mode & 07777), d->path);
		return -EPERM;
	}
	return 0;
}

static int opened(struct out_dir *d, int fd, char *why, size_t len)
{
	int err;

	d->fd = fd;
	if (d->created)
		hand_over(d, fd);
	err = trusted(d, why, len);
	if (err) {
		close(fd);
		d->fd = -1;
	}
	return err;
}

int out_dir_open(const char *path, int flags, struct out_dir *d, char *why, size_t len)
{
	int fd, err;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->sticky_ok = flags & OUT_STICKY_OK;
	sudo_user(d);
	if (snprintf(d->path, sizeof(d->path), "%s", path) >= (int)sizeof(d->path)) {
		WHY("%.100s...: path too long", path);
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && (flags & OUT_CREATE)) {
		err = make_parents(path);
		if (!err && mkdir(path, 0755) && errno != EEXIST)
			err = -errno;
		if (err) {
			WHY("failed to create %s: %s", path, strerror(-err));
			return err;
		}
		d->created = true;
		fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		struct stat st;

		err = -errno;
		if (err == -ELOOP || err == -ENOTDIR)
			WHY("%s is %s: refused (the harness writes there as root)", path,
			    !lstat(path, &st) && S_ISLNK(st.st_mode) ? "a symbolic link"
								     : "not a directory");
		else
			WHY("failed to open %s: %s", path, strerror(-err));
		return err;
	}
	return opened(d, fd, why, len);
}

int out_dir_new_stamped(const struct out_dir *parent, struct out_dir *d, char *why, size_t len)
{
	char stamp[32], name[48];
	time_t now = time(NULL);
	int fd;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->give = parent->give;
	d->uid = parent->uid;
	d->gid = parent->gid;
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	/* two runs in one second each get a directory of their own */
	for (int i = 1;; i++) {
		snprintf(name, sizeof(name), i == 1 ? "%s" : "%s-%d", stamp, i);
		if (!mkdirat(parent->fd, name, 0755))
			break;
		if (errno != EEXIST || i == 100) {
			WHY("failed to create %s/%s: %s", parent->path, name, strerror(errno));
			return -errno;
		}
	}
	snprintf(d->path, sizeof(d->path), "%.400s/%s", parent->path, name);
	d->created = true;
	fd = openat(parent->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		WHY("failed to open %s: %s", d->path, strerror(errno));
		return -errno;
	}
	return opened(d, fd, why, len);
}

int out_fd(const struct out_dir *d, const char *name, int flags)
{
	int fd;

	/* what stands there (an earlier run's file, or a link) goes, not what it points to */
	if (unlinkat(d->fd, name, 0) && errno != ENOENT)
		return -errno;
	fd = openat(d->fd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	hand_over(d, fd);
	return fd;
}

FILE *out_file(const struct out_dir *d, const char *name)
{
	int fd = out_fd(d, name, O_WRONLY);
	FILE *f;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

void out_dir_close(struct out_dir *d, bool remove_if_empty)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (remove_if_empty && d->created)
		rmdir(d->path); /* fails, as it should, unless still empty */
}
