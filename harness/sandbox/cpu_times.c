// SPDX-License-Identifier: MIT
#include "harness/sandbox/cpu_times.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cpu_times_read(const cpu_set_t *cpus, struct cpu_times *t)
{
	unsigned long long user, nice, sys, idle, iowait, irq, softirq, steal;
	double tick = 1.0 / sysconf(_SC_CLK_TCK);
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int cpu;

	memset(t, 0, sizeof(*t));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &user,
			   &nice, &sys, &idle, &iowait, &irq, &softirq, &steal) == 9 &&
		    cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, cpus)) {
			t->busy_s += (user + nice + sys + irq + softirq + steal) * tick;
			t->steal_s += steal * tick;
			t->total_s +=
				(user + nice + sys + idle + iowait + irq + softirq + steal) * tick;
		}
	fclose(f);
	return 0;
}
