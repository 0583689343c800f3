// SPDX-License-Identifier: MIT
#include "harness/run/nginx_conf.h"
#include "common/server_limits.h"

#include <errno.h>
#include <ftw.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* s as an nginx quoted string's inside */
static void quoted(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else
			fputc(*s, f);
}

static void conf_text(FILE *f, const struct nginx_conf *c)
{
	struct rlimit rl = { 0 };
	int conns = c->connections + 64 > 1024 ? c->connections + 64 : 1024;

	getrlimit(RLIMIT_NOFILE, &rl);
	fprintf(f,
		"# written by whyserve's harness for one experiment\n"
		"daemon off;\n"
		"master_process on;\n"
		"worker_processes %d;\n"
		"pid nginx.pid;\n"
		"error_log stderr warn;\n",
		c->workers);
	/* as ours do: the soft limit of open files raised to the hard one */
	if (rl.rlim_max != RLIM_INFINITY)
		fprintf(f, "worker_rlimit_nofile %llu;\n", (unsigned long long)rl.rlim_max);
	fprintf(f,
		"events { worker_connections %d; }\n"
		"http {\n"
		"    access_log off;\n"
		"    server_tokens off;\n"
		/* nginx makes these at start: in its own directory, not /var/lib */
		"    client_body_temp_path body;\n"
		"    proxy_temp_path proxy;\n"
		"    fastcgi_temp_path fastcgi;\n"
		"    uwsgi_temp_path uwsgi;\n"
		"    scgi_temp_path scgi;\n"
		/* its default closes a connection after 1000 requests: ours never */
		"    keepalive_requests 1000000000;\n"
		"    keepalive_timeout %.0fs;\n"
		"    client_header_timeout %ds;\n"
		"    default_type text/plain;\n"
		"    server {\n"
		"        listen 127.0.0.1:%d backlog=%d;\n"
		"        location = " NGINX_STATUS_PATH " { stub_status; }\n"
		"        location / { return 200 \"",
		conns, c->idle_timeout_s, SERVER_HEADER_TIMEOUT_S, c->port, c->backlog);
	quoted(f, SERVER_BODY_DEFAULT);
	fputs("\"; }\n    }\n}\n", f);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

void nginx_dir_remove(const char *dir)
{
	if (dir[0])
		nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

int nginx_conf_write(const struct nginx_conf *c, char *dir, size_t len, char *why, size_t wlen)
{
	struct passwd *pw = getpwnam(c->user);
	char path[128];
	FILE *f;
	int err;

	snprintf(dir, len, "/tmp/whyserve-nginx-XXXXXX");
	if (!pw) {
		snprintf(why, wlen, "no user %s", c->user);
		dir[0] = '\0';
		return -ENOENT;
	}
	if (!mkdtemp(dir)) {
		err = -errno;
		snprintf(why, wlen, "failed to create %s: %s", dir, strerror(errno));
		dir[0] = '\0';
		return err;
	}
	snprintf(path, sizeof(path), "%s/nginx.conf", dir);
	f = fopen(path, "w");
	if (f) {
		conf_text(f, c);
		err = ferror(f) | fclose(f) ? -EIO : 0;
	} else {
		err = -errno;
	}
	/* its user writes its pid and temporary files there */
	if (!err && (chown(dir, pw->pw_uid, pw->pw_gid) || chmod(dir, 0755)))
		err = -errno;
	if (err) {
		snprintf(why, wlen, "failed to write %s: %s", path, strerror(-err));
		nginx_dir_remove(dir);
		dir[0] = '\0';
	}
	return err;
}
