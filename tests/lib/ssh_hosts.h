/* SPDX-License-Identifier: MIT */
/*
 * Load hosts made by a test, for `harness run --load-host`: network
 * namespaces joined to this one by veth pairs, addresses from 198.18.0.0/15
 * (the benchmarking range), each running its own sshd (Debian's
 * openssh-server) with a host key and an authorized key made for the test.
 * The test's own ssh config and known_hosts, in a temporary directory:
 * nobody's ~/.ssh is read or written.
 *
 *   struct ssh_hosts h;
 *   if (ssh_hosts_make(&h, 2)) return;        (a failed CHECK, or a skip)
 *   ... --load-host h.addr[0] --ssh h.ssh ...
 *   ssh_hosts_unmake(&h);
 */
#ifndef WHYSERVE_TESTS_SSH_HOSTS_H
#define WHYSERVE_TESTS_SSH_HOSTS_H

#include <sys/types.h>

#define SSH_HOSTS_MAX 4

struct ssh_hosts {
	unsigned n;
	char dir[64];		      /* keys, configs, logs */
	char ns[SSH_HOSTS_MAX][32];   /* ip netns names */
	char veth[SSH_HOSTS_MAX][16]; /* this side's end */
	char addr[SSH_HOSTS_MAX][32]; /* the host's address */
	char here[SSH_HOSTS_MAX][32]; /* this side's, as the host reaches it */
	char nowhere[32];	      /* on host 0's network, nobody there */
	pid_t sshd[SSH_HOSTS_MAX];
	char config[128];	 /* the test's ssh config (ssh -F) */
	char ssh[256];		 /* --ssh: the test's config and key */
	char ssh_wrong_key[256]; /* --ssh with a key no host authorizes */
};

/* Makes n (<= SSH_HOSTS_MAX) hosts, each sshd listening. 0, or -1 after a
 * failed CHECK (whatever was made is undone); skips without sshd. */
int ssh_hosts_make(struct ssh_hosts *h, unsigned n);
/* Kills what runs in them, removes them and the directory. */
void ssh_hosts_unmake(struct ssh_hosts *h);
/* The pid of an agent (`harness load --agent`) running in host i, or 0. */
pid_t ssh_hosts_agent(const struct ssh_hosts *h, unsigned i);
/* Agents running in any of them. */
int ssh_hosts_agents(const struct ssh_hosts *h);

#endif
