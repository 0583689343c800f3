// SPDX-License-Identifier: MIT
#include "tests/lib/models.h"
#include "tests/lib/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct model models[] = {
	{ "blocking", "blocking", { NULL }, NULL, false, 1 },
	{ "fork", "fork", { NULL }, NULL, true, 1 },
	{ "pthread", "pthread", { NULL }, NULL, true, 1 },
	{ "pthread_pool", "pthread", { "--pool", "4", NULL }, NULL, true, 4 },
	{ "epoll", "epoll", { NULL }, NULL, false, 1 },
	{ "epoll_workers", "epoll", { "--workers", "2", NULL }, NULL, false, 2 },
	{ "io_uring", "io_uring", { NULL }, NULL, false, 1 },
	{ "io_uring_workers", "io_uring", { "--workers", "2", NULL }, NULL, false, 2 },
	{ "io_uring_legacy", "io_uring", { NULL }, "WHYSERVE_IO_URING_LEGACY=1", false, 1 },
};

const struct model *model = &models[0];

const struct model *variant_find(const char *variant)
{
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (!strcmp(models[i].variant, variant))
			return &models[i];
	fprintf(stderr, "no server model variant %s\n", variant);
	abort();
}

const char *model_path(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/server-%s", test_bin_dir(), model->binary);
	return path;
}

int model_start(struct server *s, const char *const args[])
{
	const char *argv[16];
	char want[128];
	int n = 0, err;

	for (int i = 0; model->args[i]; i++)
		argv[n++] = model->args[i];
	for (int i = 0; args && args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (model->env)
		putenv((char *)model->env);
	err = server_start(s, model->binary, argv);
	if (!CHECK(!err, "server-%s did not start: %s", model->binary, strerror(-err)))
		return err;
	snprintf(want, sizeof(want), "server-%s: listening on 127.0.0.1:%d (backlog ",
		 model->binary, s->port);
	CHECK(!strncmp(s->line, want, strlen(want)), "start-up line '%s'", s->line);
	return 0;
}

bool model_stop(struct server *s)
{
	int status = server_stop(s);

	return CHECK(status == 0, "server-%s exited with %d, not 0", model->binary, status);
}
