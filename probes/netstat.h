/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own network counters of a process's network namespace, as
 * nstat reads them: /proc/PID/net/netstat (TcpExt:, IpExt:, ...) and
 * /proc/PID/net/snmp (Tcp:, Ip:, ...), each a pair of lines, names then
 * values. A counter is named "Group:Name": "TcpExt:ListenOverflows",
 * "Tcp:OutRsts".
 */
#ifndef WHYSERVE_NETSTAT_H
#define WHYSERVE_NETSTAT_H

#include <linux/types.h>
#include <sys/types.h>

/*
 * Reads the n counters named in names[] of pid's namespace (0: ours) into
 * vals[] (a counter this kernel lacks reads 0). 0, or -errno when neither
 * file could be read.
 */
int netstat_read(pid_t pid, const char *const names[], int n, __u64 vals[]);

#endif
