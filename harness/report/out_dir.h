/* SPDX-License-Identifier: MIT */
/*
 * Where the harness writes, as root too: a directory opened without
 * following a link, each file in it created afresh (never through a link
 * planted there) and, under sudo, handed to the user who asked for it.
 */
#ifndef WHYSERVE_HARNESS_OUT_DIR_H
#define WHYSERVE_HARNESS_OUT_DIR_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct out_dir {
	int fd;		/* O_DIRECTORY | O_NOFOLLOW */
	char path[512]; /* as given, for messages */
	bool created;	/* by us: ours to hand over, and to remove if empty */
	bool sticky_ok; /* see OUT_STICKY_OK */
	bool give;	/* under sudo: files go to uid:gid */
	uid_t uid;
	gid_t gid;
};

enum out_dir_flags {
	OUT_CREATE = 1, /* create it (and its parents) when missing */
	/* a sticky directory others may write in (/tmp) will do: they can
	 * neither replace what we create there nor make us follow a link */
	OUT_STICKY_OK = 2,
};

/*
 * Opens path. As root, an existing directory must be a directory (not a
 * link to one), owned by root or by the user sudo ran us for, and
 * writable by nobody else. 0, or -errno with why saying what is wrong in
 * one line.
 */
int out_dir_open(const char *path, int flags, struct out_dir *d, char *why, size_t len);
/* A directory named by the time, new, inside d (results/20260101-120000). */
int out_dir_new_stamped(const struct out_dir *parent, struct out_dir *d, char *why, size_t len);
/* name in d, created afresh for writing; NULL with errno set. */
FILE *out_file(const struct out_dir *d, const char *name);
/* The same as a descriptor opened with flags (O_WRONLY, O_RDWR | O_APPEND,
 * ...): the fd, or -errno. */
int out_fd(const struct out_dir *d, const char *name, int flags);
/* Closes d; removes it too when we created it and it is still empty. */
void out_dir_close(struct out_dir *d, bool remove_if_empty);

#endif
