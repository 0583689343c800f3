// SPDX-License-Identifier: MIT
#include "harness/cli/server_flag.h"
#include "harness/record/options.h"
#include "harness/run/server_command.h"

#include <string.h>

/* [a-z0-9_-]{1,15}: a file name (NAME.txt), a cgroup's, a figure's */
static bool name_ok(const char *name, size_t n)
{
	if (n < 1 || n >= MODEL_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_-", name[i]))
			return false;
	return true;
}

void custom_server_add(struct run_opts *o, const char *arg, struct argp_state *st)
{
	const char *eq = strchr(arg, '=');
	struct model *m;
	size_t n;

	if (!eq)
		argp_failure(st, 2, 0,
			     "invalid --server '%s': NAME=COMMAND, e.g. "
			     "mine='./server --port {port}'",
			     arg);
	n = eq - arg;
	if (!name_ok(arg, n))
		argp_failure(st, 2, 0, "invalid --server name '%.*s': 1 to %d of a-z 0-9 _ -",
			     (int)n, arg, MODEL_NAME_MAX - 1);
	if (n == 3 && !strncmp(arg, "all", 3))
		argp_failure(st, 2, 0, "invalid --server name 'all': it means every model");
	for (int i = 0; i < nmodels; i++)
		if (strlen(models[i].name) == n && !strncmp(models[i].name, arg, n))
			argp_failure(st, 2, 0,
				     "invalid --server name '%.*s': a built-in model's; "
				     "choose another",
				     (int)n, arg);
	for (int i = 0; i < o->ncustom; i++)
		if (strlen(o->custom[i].name) == n && !strncmp(o->custom[i].name, arg, n))
			argp_failure(st, 2, 0, "invalid --server name '%.*s': given twice", (int)n,
				     arg);
	if (!eq[1])
		argp_failure(st, 2, 0, "invalid --server '%s': no command after '='", arg);
	if (strlen(eq + 1) >= MODEL_COMMAND_MAX)
		argp_failure(st, 2, 0,
			     "invalid --server '%.*s': its command is longer than %d "
			     "characters",
			     (int)n, arg, MODEL_COMMAND_MAX - 1);
	if (o->ncustom == RUN_MAX_CUSTOM)
		argp_failure(st, 2, 0, "too many --server: at most %d", RUN_MAX_CUSTOM);
	m = &o->custom[o->ncustom++];
	memset(m, 0, sizeof(*m));
	memcpy(m->name, arg, n);
	m->idea = custom_model_idea;
	snprintf(m->command, sizeof(m->command), "%s", eq + 1);
}

void custom_servers_check(const struct run_opts *o, struct argp_state *st)
{
	for (int i = 0; i < o->ncustom; i++) {
		struct server_command c;
		char why[256];
		int err = server_command_split(&c, o->custom[i].command, "127.0.0.1", o->port, NULL,
					       why, sizeof(why));

		server_command_free(&c);
		if (err)
			argp_failure(st, 2, 0, "invalid --server %s (%s): %s", o->custom[i].name,
				     o->custom[i].command, why);
	}
}

void load_command_set(struct run_opts *o, const char *arg, struct argp_state *st)
{
	if (!arg[0])
		argp_failure(st, 2, 0, "invalid --load-cmd '': no command");
	if (strlen(arg) >= sizeof(o->load_cmd))
		argp_failure(st, 2, 0, "invalid --load-cmd: longer than %zu characters",
			     sizeof(o->load_cmd) - 1);
	snprintf(o->load_cmd, sizeof(o->load_cmd), "%s", arg);
}

void load_command_check(struct run_opts *o, bool scenarios_given, struct argp_state *st)
{
	const struct scenario *command = scenario_find("command");
	struct server_command c;
	char why[256], url[320];
	int err;

	if (!o->load_cmd[0]) {
		if (o->scenario[command - scenarios])
			argp_failure(st, 2, 0,
				     "scenario 'command' is the load tool of --load-cmd: give it");
		return;
	}
	/* the tool is the load: none of ours runs beside it */
	for (int i = 0; scenarios_given && i < nscenarios; i++)
		if (o->scenario[i] && &scenarios[i] != command)
			argp_failure(st, 2, 0,
				     "--load-cmd is the load: scenario '%s' is ours, not yours; "
				     "leave --scenario out",
				     scenarios[i].name);
	memset(o->scenario, 0, sizeof(o->scenario));
	o->scenario[command - scenarios] = true;
	command_url(o, o->port, url, sizeof(url));
	err = command_split(&c, o->load_cmd, "127.0.0.1", o->port, url, why, sizeof(why));
	server_command_free(&c);
	if (err)
		argp_failure(st, 2, 0, "invalid --load-cmd (%s): %s", o->load_cmd, why);
}

bool reference_installed(const struct model *m, char *why, size_t len)
{
	struct server_command c;
	int err = server_command_split(&c, m->command, "127.0.0.1", 0, "/tmp", why, len);

	server_command_free(&c);
	return !err;
}

void reference_runs_somewhere(const struct run_opts *o, struct argp_state *st)
{
	for (int m = 0; m < nmodels; m++) {
		bool runs = false;

		for (int s = 0; s < nscenarios; s++)
			runs |= o->scenario[s] && !run_opts_asks_handlers(o, &scenarios[s]);
		if (o->model[m] && models[m].reference && !runs)
			argp_failure(
				st, 2, 0,
				"%s would run nowhere: under these scenarios our handlers block "
				"or burn CPU per request (--sleep-us, --work-us, -s sleep), which "
				"%s cannot be asked to",
				models[m].name, models[m].name);
	}
}
