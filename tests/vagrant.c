// SPDX-License-Identifier: MIT
/*
 * The VM path: the Vagrantfile parses and validates, gives every provider
 * the CPUs, memory and box asked for (read through tests/vagrant_config.rb,
 * a stand-in for Vagrant), refuses bad settings, and scripts/provision,
 * run here as the VM runs it, installs, builds and ends with the next
 * command after `harness check`.
 */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"

#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char out[256 * 1024];

/* The project's top directory (build/..), made the working directory. */
static const char *top(void)
{
	static char dir[PATH_MAX];
	char bin[PATH_MAX];

	snprintf(bin, sizeof(bin), "%s", test_bin_dir());
	snprintf(dir, sizeof(dir), "%s", dirname(bin));
	if (chdir(dir) < 0)
		CHECK(false, "chdir %s", dir);
	return dir;
}

static bool is_debian(void)
{
	char line[256];
	bool yes = false;
	FILE *f = fopen("/etc/os-release", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strcmp(line, "ID=debian\n"))
			yes = true;
	if (f)
		fclose(f);
	return yes;
}

static void need(const char *prog)
{
	if (cmd_exists(prog))
		return;
	/* scripts/install-deps --tests installs them wherever the archive has them */
	if (is_debian()) {
		CHECK(false, "%s is not installed (make test installs it)", prog);
		exit(1);
	}
	test_skip("%s is not installed (no package for this distribution)", prog);
}

/* Settings the Vagrantfile makes under the given environment ("K=V" ...). */
static int settings(const char *const env[])
{
	static const char *const argv[] = { "ruby", "tests/vagrant_config.rb", "Vagrantfile",
					    NULL };

	unsetenv("WHYSERVE_CPUS");
	unsetenv("WHYSERVE_MEMORY");
	unsetenv("WHYSERVE_ARCH");
	unsetenv("WHYSERVE_BOX");
	unsetenv("WHYSERVE_CLIENTS");
	for (int i = 0; env && env[i]; i++)
		putenv((char *)env[i]);
	return cmd_run(out, sizeof(out), 30, argv);
}

/* Is "key=value" one of the lines of out? */
static bool has(const char *key, const char *value)
{
	char line[512];
	size_t n = snprintf(line, sizeof(line), "%s=%s\n", key, value);

	for (const char *p = out; (p = strstr(p, line)); p += n)
		if (p == out || p[-1] == '\n')
			return true;
	return false;
}

static bool has_key(const char *key)
{
	char k[256];

	snprintf(k, sizeof(k), "%s=", key);
	for (const char *p = out; (p = strstr(p, k)); p++)
		if (p == out || p[-1] == '\n')
			return true;
	return false;
}

static void vagrantfile_parses(void)
{
	static const char *const argv[] = { "ruby", "-c", "Vagrantfile", NULL };

	top();
	need("ruby");
	CHECK(cmd_run(out, sizeof(out), 30, argv) == 0, "ruby -c: %s", out);
	CHECK(strstr(out, "Syntax OK"), "ruby -c: %s", out);
}

static void every_provider_gets_cpus_and_memory(void)
{
	static const char *const none[] = { NULL };
	static const char *const small[] = { "WHYSERVE_CPUS=2", "WHYSERVE_MEMORY=2048", NULL };

	top();
	need("ruby");
	if (!CHECK(settings(none) == 0, "defaults: %s", out))
		return;
	CHECK(has("virtualbox.cpus", "4") && has("virtualbox.memory", "4096"), "virtualbox:\n%s",
	      out);
	CHECK(has("libvirt.cpus", "4") && has("libvirt.memory", "4096"), "libvirt:\n%s", out);
	CHECK(has("vmware_desktop.vmx.numvcpus", "4") && has("vmware_desktop.vmx.memsize", "4096"),
	      "vmware_desktop:\n%s", out);
	CHECK(has("parallels.cpus", "4") && has("parallels.memory", "4096"), "parallels:\n%s", out);

	if (!CHECK(settings(small) == 0, "WHYSERVE_CPUS=2: %s", out))
		return;
	CHECK(has("virtualbox.cpus", "2") && has("virtualbox.memory", "2048"), "virtualbox:\n%s",
	      out);
	CHECK(has("libvirt.cpus", "2") && has("libvirt.memory", "2048"), "libvirt:\n%s", out);
	CHECK(has("vmware_desktop.vmx.numvcpus", "2") && has("vmware_desktop.vmx.memsize", "2048"),
	      "vmware_desktop:\n%s", out);
	CHECK(has("parallels.cpus", "2") && has("parallels.memory", "2048"), "parallels:\n%s", out);
}

static void box_follows_architecture(void)
{
	static const char *const none[] = { NULL };
	static const char *const amd64[] = { "WHYSERVE_ARCH=amd64", NULL };
	static const char *const arm64[] = { "WHYSERVE_ARCH=arm64", NULL };
	static const char *const own[] = { "WHYSERVE_ARCH=arm64", "WHYSERVE_BOX=me/mine", NULL };

	top();
	need("ruby");
	/* by default Vagrant (2.4+) picks the host's architecture itself */
	if (!CHECK(settings(none) == 0, "defaults: %s", out))
		return;
	CHECK(has("box", "bento/ubuntu-24.04") && !has_key("box_architecture"), "defaults:\n%s",
	      out);
	CHECK(has("synced_folder(/vagrant)", "default"), "project not synced to /vagrant:\n%s",
	      out);
	CHECK(has("libvirt.override.synced_folder(/vagrant)", "rsync"), "libvirt sync:\n%s", out);
	CHECK(has("provision(shell)", "cd /vagrant && WHYSERVE_IN_VAGRANT=1 sh scripts/provision"),
	      "provisioning:\n%s", out);

	if (!CHECK(settings(amd64) == 0, "amd64: %s", out))
		return;
	CHECK(has("box", "bento/ubuntu-24.04") && has("box_architecture", "amd64") &&
		      !has_key("libvirt.override.box"),
	      "amd64:\n%s", out);

	/* bento has arm64 boxes for virtualbox, vmware_desktop, parallels, not libvirt */
	if (!CHECK(settings(arm64) == 0, "arm64: %s", out))
		return;
	CHECK(has("box", "bento/ubuntu-24.04") && has("box_architecture", "arm64") &&
		      has("libvirt.override.box", "cloud-image/ubuntu-24.04"),
	      "arm64:\n%s", out);

	if (!CHECK(settings(own) == 0, "WHYSERVE_BOX: %s", out))
		return;
	CHECK(has("box", "me/mine") && !has_key("libvirt.override.box"), "WHYSERVE_BOX:\n%s", out);
}

/* The value of key (its first line), or "" */
static const char *value_of(const char *key)
{
	static char v[1024];
	char k[256];
	const char *p;

	snprintf(k, sizeof(k), "\n%s=", key);
	p = strstr(out, k);
	snprintf(v, sizeof(v), "%s", p ? p + strlen(k) : "");
	return v;
}

/* server and WHYSERVE_CLIENTS clients on a private network, the
 * server's key authorized on each, the server's ssh knowing them by name */
static void server_and_clients(void)
{
	static const char *const none[] = { NULL };
	static const char *const three[] = { "WHYSERVE_CLIENTS=3", NULL };
	static const char *const alone[] = { "WHYSERVE_CLIENTS=0", NULL };

	top();
	need("ruby");
	if (!CHECK(settings(none) == 0, "defaults: %s", out))
		return;
	CHECK(has("define(server)", "primary") && has("define(client1)", "yes") &&
		      !has_key("define(client2)"),
	      "machines by default:\n%s", out);
	CHECK(has("server.network(private_network)", "192.168.56.10") &&
		      has("client1.network(private_network)", "192.168.56.11"),
	      "private network:\n%s", out);
	CHECK(has("server.hostname", "server") && has("client1.hostname", "client1"),
	      "hostnames:\n%s", out);
	CHECK(has("server.provision(file server_id_ed25519)", "/tmp/whyserve_id_ed25519") &&
		      strstr(value_of("server.provision(shell)"), "/root/.ssh/id_ed25519") &&
		      strstr(out, "echo '192.168.56.11 client1' >> /etc/hosts"),
	      "the server's key and the clients' names on the server:\n%s", out);
	CHECK(has("client1.provision(file server_id_ed25519.pub)",
		  "/tmp/whyserve_id_ed25519.pub") &&
		      strstr(value_of("client1.provision(shell)"), "/root/.ssh/authorized_keys"),
	      "the server's key authorized on client1:\n%s", out);
	/* every machine the same provisioning first */
	CHECK(has("provision(shell)", "cd /vagrant && WHYSERVE_IN_VAGRANT=1 sh scripts/provision"),
	      "provisioning:\n%s", out);

	if (!CHECK(settings(three) == 0, "WHYSERVE_CLIENTS=3: %s", out))
		return;
	CHECK(has("client3.network(private_network)", "192.168.56.13") &&
		      !has_key("define(client4)") && strstr(out, "192.168.56.13 client3"),
	      "three clients:\n%s", out);
	if (!CHECK(settings(alone) == 0, "WHYSERVE_CLIENTS=0: %s", out))
		return;
	CHECK(has("define(server)", "primary") && !has_key("define(client1)") &&
		      !has_key("server.provision(file server_id_ed25519)"),
	      "no clients:\n%s", out);
}

static void bad_settings_are_refused(void)
{
	static const char *const bad[][2] = {
		{ "WHYSERVE_CPUS=0", NULL },	   { "WHYSERVE_CPUS=four", NULL },
		{ "WHYSERVE_MEMORY=512", NULL },   { "WHYSERVE_MEMORY=4G", NULL },
		{ "WHYSERVE_ARCH=sparc64", NULL }, { "WHYSERVE_CLIENTS=-1", NULL },
		{ "WHYSERVE_CLIENTS=two", NULL },
	};

	top();
	need("ruby");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char var[64];

		snprintf(var, sizeof(var), "%.*s", (int)strcspn(bad[i][0], "="), bad[i][0]);
		CHECK(settings(bad[i]) != 0, "%s accepted:\n%s", bad[i][0], out);
		CHECK(strstr(out, var), "%s: the message does not name %s: %s", bad[i][0], var,
		      out);
	}
}

static int vagrant(const char *const argv[])
{
	return cmd_run(out, sizeof(out), 120, argv);
}

static void vagrant_validates(void)
{
	static const char *const plugins[] = { "vagrant", "plugin", "list", NULL };
	static const char *const validate[] = { "vagrant", "validate", NULL };
	static const char *const ignore_provider[] = { "vagrant", "validate", "--ignore-provider",
						       NULL };
	char home[] = "/tmp/whyserve-vagrant.XXXXXX", dot[PATH_MAX];

	top();
	need("vagrant");
	if (!CHECK(mkdtemp(home), "mkdtemp"))
		return;
	/* its own state, no call home, nothing left in the project */
	snprintf(dot, sizeof(dot), "%s/dot", home);
	setenv("VAGRANT_HOME", home, 1);
	setenv("VAGRANT_DOTFILE_PATH", dot, 1);
	setenv("VAGRANT_CHECKPOINT_DISABLE", "1", 1);
	unsetenv("WHYSERVE_CPUS");
	unsetenv("WHYSERVE_MEMORY");
	unsetenv("WHYSERVE_BOX");

	CHECK(vagrant(plugins) == 0, "vagrant plugin list: %s", out);
	if (strstr(out, "vagrant-libvirt")) {
		/* a real provider plugin: its own checks of its settings run */
		setenv("VAGRANT_DEFAULT_PROVIDER", "libvirt", 1);
		setenv("WHYSERVE_ARCH", "amd64", 1);
		CHECK(vagrant(validate) == 0 && strstr(out, "validated successfully"),
		      "vagrant validate (libvirt, amd64): %s", out);
		setenv("WHYSERVE_ARCH", "arm64", 1);
		CHECK(vagrant(validate) == 0 && strstr(out, "validated successfully"),
		      "vagrant validate (libvirt, arm64): %s", out);
		unsetenv("WHYSERVE_ARCH");
		setenv("WHYSERVE_CPUS", "none", 1);
		CHECK(vagrant(validate) != 0 && strstr(out, "WHYSERVE_CPUS"),
		      "vagrant validate accepted WHYSERVE_CPUS=none: %s", out);
		unsetenv("WHYSERVE_CPUS");
	} else {
		/* no provider usable here: the provider blocks are not checked */
		CHECK(vagrant(ignore_provider) == 0 && strstr(out, "validated successfully"),
		      "vagrant validate --ignore-provider: %s", out);
	}
	cmd_run(out, sizeof(out), 30, (const char *const[]){ "rm", "-rf", home, NULL });
}

/* How many probes/NAME.bpf.c there are. */
static int probe_sources(void)
{
	DIR *d = opendir("probes");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		n += len > 6 && !strcmp(e->d_name + len - 6, ".bpf.c");
	}
	if (d)
		closedir(d);
	return n;
}

/*
 * harness check's list of probes ("  NAME  available" lines up to a blank
 * one): how many are available; -1 if one is not.
 */
static int probes_available(const char *check)
{
	const char *p = strstr(check, "\nprobes (");
	int n = 0;

	if (!p)
		return 0;
	for (p = strchr(p + 1, '\n'); p && p[1] == ' '; p = strchr(p + 1, '\n')) {
		const char *eol = strchr(p + 1, '\n');
		const char *word = " available";

		if (!eol || (size_t)(eol - p) < strlen(word) ||
		    strncmp(eol - strlen(word), word, strlen(word)))
			return -1;
		n++;
	}
	return n;
}

static void provision_runs_here(void)
{
	static const char *const argv[] = { "sh", "scripts/provision", NULL };
	char prefix[] = "/tmp/whyserve-prefix.XXXXXX", *last;
	const char *ready = "== provision: ready. Next:\n";
	const char *next = "    vagrant ssh -c 'cd /vagrant && sudo ";

	test_require_root();
	top();
	if (!CHECK(mkdtemp(prefix), "mkdtemp"))
		return;
	/* as the Vagrantfile runs it, but installing under a scratch prefix */
	setenv("PREFIX", prefix, 1);
	setenv("WHYSERVE_IN_VAGRANT", "1", 1);
	if (!CHECK(cmd_run(out, sizeof(out), 150, argv) == 0, "scripts/provision failed:\n%s", out))
		goto cleanup;

	CHECK(access("build/harness", X_OK) == 0, "no build/harness");
	CHECK(strstr(out, "== provision: packages"), "no install step:\n%s", out);
	CHECK(strstr(out, "== provision: build"), "no build step:\n%s", out);
	CHECK(strstr(out, "== provision: install"), "no install step:\n%s", out);

	/* harness check lists every probe there is, each available */
	if (strstr(out, "== provision: what this kernel offers")) {
		int n = probe_sources(), avail = probes_available(out);

		CHECK(avail == n, "%d of %d probes available in harness check:\n%s", avail, n, out);
		CHECK(strstr(out, "A run here has every probe."), "harness check:\n%s", out);
	} else {
		CHECK(probe_sources() == 0, "probes but no harness check:\n%s", out);
	}

	/* it ends with the one command to run next */
	last = strstr(out, ready);
	if (CHECK(last, "no closing 'ready' step:\n%s", out)) {
		last += strlen(ready);
		CHECK(!strncmp(last, next, strlen(next)), "next command: %s", last);
		CHECK(strchr(last, '\n') && strchr(last, '\n')[1] == '\0', "not the last line: %s",
		      last);
	}
cleanup:
	cmd_run(out, sizeof(out), 30, (const char *const[]){ "rm", "-rf", prefix, NULL });
}

static const struct test_case cases[] = {
	TEST(vagrantfile_parses),
	TEST(every_provider_gets_cpus_and_memory),
	TEST(box_follows_architecture),
	TEST(server_and_clients),
	TEST(bad_settings_are_refused),
	TEST_SLOW(vagrant_validates, 120),
	TEST_SLOW(provision_runs_here, 170),
};

TEST_MAIN(cases)
