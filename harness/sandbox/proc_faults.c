// SPDX-License-Identifier: MIT
#include "harness/sandbox/proc_faults.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int proc_faults(pid_t pid, double *faults)
{
	char path[64], line[1024], *p;
	unsigned long long minflt, cminflt, majflt, cmajflt;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	/* the command name may hold spaces and parentheses: fields follow the last ')' */
	if (!p || !(p = strrchr(line, ')')))
		return -EINVAL;
	/* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt */
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %llu %llu %llu", &minflt, &cminflt,
		   &majflt, &cmajflt) != 4)
		return -EINVAL;
	*faults = (double)minflt + cminflt + majflt + cmajflt;
	return 0;
}
