// SPDX-License-Identifier: MIT
#include "tests/lib/ssh_hosts.h"
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SSHD "/usr/sbin/sshd"

static char out[4096];

/* argv, checked: true when it exited 0 */
static bool run(const char *const argv[])
{
	int st = cmd_run(out, sizeof(out), 20, argv);

	return CHECK(st == 0, "%s %s %s: status %d: %s", argv[0], argv[1], argv[2] ? argv[2] : "",
		     st, out);
}

static bool write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!CHECK(f, "create %s: %s", path, strerror(errno)))
		return false;
	fputs(text, f);
	return CHECK(fclose(f) == 0, "write %s", path);
}

static bool read_file(const char *dir, const char *name, char *buf, size_t len)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!CHECK(f, "open %s: %s", path, strerror(errno)))
		return false;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n > 0;
}

static bool keygen(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return run((const char *const[]){ "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path,
					  NULL });
}

/* The host's key, its sshd's config, and a line of known_hosts. */
static bool host_files(struct ssh_hosts *h, unsigned i, FILE *known)
{
	char name[32], conf[1024], pub[512];

	snprintf(name, sizeof(name), "hostkey%u", i);
	if (!keygen(h->dir, name))
		return false;
	snprintf(conf, sizeof(conf),
		 "ListenAddress %s\nPort 22\nHostKey %s/%s\nPidFile %s/sshd%u.pid\n"
		 "AuthorizedKeysFile %s/authorized_keys\nUsePAM no\nStrictModes no\n"
		 "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
		 "PermitRootLogin prohibit-password\n",
		 h->addr[i], h->dir, name, h->dir, i, h->dir);
	snprintf(name, sizeof(name), "sshd%u.conf", i);
	if (!write_file(h->dir, name, conf))
		return false;
	snprintf(name, sizeof(name), "hostkey%u.pub", i);
	if (!read_file(h->dir, name, pub, sizeof(pub)))
		return false;
	pub[strcspn(pub, "\n")] = '\0';
	/* "ssh-ed25519 KEY comment": the type and the key */
	*(strchr(strchr(pub, ' ') + 1, ' ') ?: pub + strlen(pub)) = '\0';
	fprintf(known, "%s %s\n", h->addr[i], pub);
	return true;
}

static bool network(struct ssh_hosts *h, unsigned i)
{
	char peer[16], here[40], there[40];

	snprintf(peer, sizeof(peer), "%.13sb", h->veth[i]);
	snprintf(here, sizeof(here), "%s/24", h->here[i]);
	snprintf(there, sizeof(there), "%s/24", h->addr[i]);
	return run((const char *const[]){ "ip", "netns", "add", h->ns[i], NULL }) &&
	       run((const char *const[]){ "ip", "link", "add", h->veth[i], "type", "veth", "peer",
					  "name", peer, NULL }) &&
	       run((const char *const[]){ "ip", "link", "set", peer, "netns", h->ns[i], NULL }) &&
	       run((const char *const[]){ "ip", "addr", "add", here, "dev", h->veth[i], NULL }) &&
	       run((const char *const[]){ "ip", "link", "set", h->veth[i], "up", NULL }) &&
	       run((const char *const[]){ "ip", "-n", h->ns[i], "addr", "add", there, "dev", peer,
					  NULL }) &&
	       run((const char *const[]){ "ip", "-n", h->ns[i], "link", "set", peer, "up",
					  NULL }) &&
	       run((const char *const[]){ "ip", "-n", h->ns[i], "link", "set", "lo", "up",
					  NULL }) &&
	       /* this side's other addresses (the servers') are reached through it */
	       run((const char *const[]){ "ip", "-n", h->ns[i], "route", "add", "default", "via",
					  h->here[i], NULL });
}

static bool port_22_open(const char *addr)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(22) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	inet_pton(AF_INET, addr, &a.sin_addr);
	ok = fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a));
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool start_sshd(struct ssh_hosts *h, unsigned i)
{
	char conf[128], log[128];

	snprintf(conf, sizeof(conf), "%s/sshd%u.conf", h->dir, i);
	snprintf(log, sizeof(log), "%s/sshd%u.log", h->dir, i);
	h->sshd[i] = fork();
	if (h->sshd[i] == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		dup2(fd, 1);
		dup2(fd, 2);
		execlp("ip", "ip", "netns", "exec", h->ns[i], SSHD, "-f", conf, "-D", "-e",
		       (char *)NULL);
		_exit(127);
	}
	return CHECK(h->sshd[i] > 0, "fork") &&
	       CHECK(WAIT_UNTIL(port_22_open(h->addr[i]), 5000), "sshd in %s not listening (%s)",
		     h->ns[i], log);
}

int ssh_hosts_make(struct ssh_hosts *h, unsigned n)
{
	/* a /24 each from 198.18.0.0/15, by pid: two tests at once do not meet */
	unsigned base = 10 + getpid() % 200;
	char conf[1024], authorized[128];
	FILE *known;

	test_require_root();
	if (access(SSHD, X_OK) || !cmd_exists("ssh") || !cmd_exists("ssh-keygen"))
		test_skip("no %s, ssh or ssh-keygen: scripts/install-deps --tests installs "
			  "openssh-server",
			  SSHD);
	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/whyserve-hosts-XXXXXX");
	if (!CHECK(mkdtemp(h->dir), "mkdtemp: %s", strerror(errno))) {
		h->dir[0] = '\0';
		return -1;
	}
	/* sshd's privilege separation wants its empty directory */
	mkdir("/run/sshd", 0755);
	snprintf(h->nowhere, sizeof(h->nowhere), "198.18.%u.9", base);
	for (h->n = 0; h->n < n; h->n++) {
		unsigned i = h->n;

		snprintf(h->ns[i], sizeof(h->ns[i]), "whyserve-lh%d-%u", getpid(), i);
		snprintf(h->veth[i], sizeof(h->veth[i]), "wl%05d%ca", getpid() % 100000,
			 (char)('0' + i % 10));
		snprintf(h->here[i], sizeof(h->here[i]), "198.18.%u.1", base + i);
		snprintf(h->addr[i], sizeof(h->addr[i]), "198.18.%u.2", base + i);
	}
	snprintf(conf, sizeof(conf), "%s/clientkey.pub", h->dir);
	snprintf(authorized, sizeof(authorized), "%s/authorized_keys", h->dir);
	if (!keygen(h->dir, "clientkey") || !keygen(h->dir, "wrongkey") ||
	    !run((const char *const[]){ "cp", conf, authorized, NULL }))
		goto fail;
	snprintf(conf, sizeof(conf), "%s/known_hosts", h->dir);
	known = fopen(conf, "w");
	if (!CHECK(known, "known_hosts"))
		goto fail;
	for (unsigned i = 0; i < n; i++)
		if (!host_files(h, i, known)) {
			fclose(known);
			goto fail;
		}
	fclose(known);
	for (const char *key = "clientkey", *name = "ssh_config"; key;
	     key = strcmp(key, "clientkey") ? NULL : "wrongkey", name = "ssh_config_wrong") {
		snprintf(conf, sizeof(conf),
			 "Host *\n  IdentityFile %s/%s\n  IdentitiesOnly yes\n"
			 "  UserKnownHostsFile %s/known_hosts\n  GlobalKnownHostsFile /dev/null\n"
			 "  StrictHostKeyChecking yes\n  User root\n  ConnectTimeout 5\n",
			 h->dir, key, h->dir);
		if (!write_file(h->dir, name, conf))
			goto fail;
	}
	snprintf(h->config, sizeof(h->config), "%s/ssh_config", h->dir);
	snprintf(h->ssh, sizeof(h->ssh), "ssh -F %s -o BatchMode=yes", h->config);
	snprintf(h->ssh_wrong_key, sizeof(h->ssh_wrong_key),
		 "ssh -F %s/ssh_config_wrong -o BatchMode=yes", h->dir);
	for (unsigned i = 0; i < n; i++)
		if (!network(h, i) || !start_sshd(h, i))
			goto fail;
	return 0;
fail:
	ssh_hosts_unmake(h);
	return -1;
}

static bool in_netns(const char *pid, ino_t ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	return !stat(path, &st) && st.st_ino == ns;
}

/* pid runs in network namespace ns (by inode) with --agent in its argv */
static bool agent_in(const char *pid, ino_t ns)
{
	char path[64], cmd[512];
	ssize_t n;
	int fd;

	if (!in_netns(pid, ns))
		return false;
	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n <= 0)
		return false;
	for (ssize_t k = 0; k < n; k++)
		if (!cmd[k])
			cmd[k] = ' ';
	cmd[n] = '\0';
	return strstr(cmd, "load --agent") != NULL;
}

/* The first process in host i that match() takes (or every one, with
 * kill_them: SIGKILLed), or 0. */
static pid_t find_in(const struct ssh_hosts *h, unsigned i, bool (*match)(const char *, ino_t),
		     bool kill_them)
{
	char path[128];
	struct stat st;
	struct dirent *d;
	DIR *proc;
	pid_t pid = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", h->ns[i]);
	if (stat(path, &st) || !(proc = opendir("/proc")))
		return 0;
	while ((kill_them || !pid) && (d = readdir(proc)))
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9' && match(d->d_name, st.st_ino)) {
			pid = atoi(d->d_name);
			if (kill_them)
				kill(pid, SIGKILL);
		}
	closedir(proc);
	return pid;
}

pid_t ssh_hosts_agent(const struct ssh_hosts *h, unsigned i)
{
	return find_in(h, i, agent_in, false);
}

int ssh_hosts_agents(const struct ssh_hosts *h)
{
	int n = 0;

	for (unsigned i = 0; i < h->n; i++)
		n += ssh_hosts_agent(h, i) != 0;
	return n;
}

void ssh_hosts_unmake(struct ssh_hosts *h)
{
	for (unsigned i = 0; i < h->n; i++) {
		if (h->sshd[i] > 0) {
			kill(h->sshd[i], SIGTERM);
			waitpid(h->sshd[i], NULL, 0);
		}
		/* its sessions and whatever they left, if anything */
		find_in(h, i, in_netns, true);
		cmd_run(out, sizeof(out), 10,
			(const char *const[]){ "ip", "link", "del", h->veth[i], NULL });
		cmd_run(out, sizeof(out), 10,
			(const char *const[]){ "ip", "netns", "del", h->ns[i], NULL });
	}
	h->n = 0;
	if (h->dir[0])
		rm_rf(h->dir);
	h->dir[0] = '\0';
}
