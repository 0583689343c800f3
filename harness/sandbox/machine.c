// SPDX-License-Identifier: MIT
#include "harness/sandbox/machine.h"
#include "harness/sandbox/netns.h"

#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void cpu_model(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		/* x86 says "model name", arm64 only "CPU part" and friends */
		if (colon && (!strncmp(line, "model name", 10) || !strncmp(line, "Model", 5))) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

json_t *machine_to_json(void)
{
	char cpu[256], date[64], host[256] = "";
	struct utsname u;
	time_t now = time(NULL);

	uname(&u);
	cpu_model(cpu, sizeof(cpu));
	gethostname(host, sizeof(host) - 1);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:s, s:s}", "hostname", host,
			 "kernel", u.release, "kernel_version", u.version, "arch", u.machine,
			 "cpu_model", cpu, "cpus", (int)sysconf(_SC_NPROCESSORS_ONLN),
			 "memory_bytes",
			 (json_int_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE), "date", date,
			 "libbpf", libbpf_version_string());
}

json_t *net_sysctls_to_json(void)
{
	static const char *const names[] = {
		"net/core/somaxconn",		"net/ipv4/tcp_max_syn_backlog",
		"net/ipv4/tcp_syncookies",	"net/ipv4/tcp_abort_on_overflow",
		"net/ipv4/ip_local_port_range", "net/ipv4/tcp_tw_reuse",
		"net/ipv4/tcp_fin_timeout",
	};
	json_t *o = json_object();
	char val[128];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char key[64];

		/* "net.core.somaxconn", as sysctl(8) names it */
		snprintf(key, sizeof(key), "%s", names[i]);
		for (char *p = key; *p; p++)
			if (*p == '/')
				*p = '.';
		if (sysctl_read(names[i], val, sizeof(val)) == 0)
			json_object_set_new(o, key, json_string(val));
	}
	return o;
}
