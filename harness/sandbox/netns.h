/* SPDX-License-Identifier: MIT */
/*
 * Each experiment runs in a network namespace of its own: its own loopback,
 * ports, sysctls (somaxconn) and TCP counters (ListenOverflows), so nothing
 * else on the machine is counted and nothing of it outlives the run.
 * Namespaces belong to threads: the thread that enters one, and the
 * processes and threads it then creates, live in it.
 */
#ifndef WHYSERVE_HARNESS_NETNS_H
#define WHYSERVE_HARNESS_NETNS_H

struct netns {
	int home_fd; /* where the calling thread came from */
};

/* Moves the calling thread into a new namespace with lo up. 0 or -errno. */
int netns_enter_new(struct netns *ns);
/* Back home; the new namespace goes away with its last process. */
int netns_leave(struct netns *ns);

/* Reads a sysctl of the calling thread's namespace, e.g.
 * "net/core/somaxconn". 0 or -errno. */
int sysctl_read(const char *name, char *buf, int len);

/* The TCP ports listened on in the calling thread's namespace (IPv4 and
 * IPv6), at most max: how many, or -errno. In a namespace of its own, the
 * server's alone. */
int netns_listening_ports(int *ports, int max);

/* A TCP counter of the calling thread's namespace (/proc/net/snmp's Tcp:
 * line: "ActiveOpens", "PassiveOpens"). 0, -ENOENT or -errno. */
int netns_tcp_counter(const char *name, double *value);

#endif
