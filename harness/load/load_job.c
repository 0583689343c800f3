// SPDX-License-Identifier: MIT
/* A load host's job: its share of a run, and the JSON the controller sends. */
#include "common/json_map.h"
#include "harness/load/load_agent.h"

#include <errno.h>
#include <string.h>

void load_job_of(struct load_job *j, const struct load_opts *o, unsigned i, unsigned n)
{
	memset(j, 0, sizeof(*j));
	j->protocol = LOAD_AGENT_PROTOCOL;
	j->scenario = load_scenario_of(o);
	snprintf(j->url, sizeof(j->url), "%s", o->url ? o->url : "");
	j->connections = o->users ? o->users : o->connections;
	j->share_index = i;
	j->share_count = n;
	j->rate = o->rate;
	j->users = o->users;
	j->spawn_rate = o->spawn_rate;
	j->think_min_s = o->think_min_s;
	j->think_max_s = o->think_max_s;
	j->duration_s = o->duration_s;
	j->warmup_s = o->warmup_s;
	j->timeout_s = o->timeout_s;
	j->seed = o->seed;
}

void load_job_opts(const struct load_job *j, struct load_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->url = j->url;
	o->connections = j->connections;
	o->share_index = j->share_index;
	o->share_count = j->share_count;
	o->threads = j->threads;
	o->close = j->scenario == LOAD_CONNECT;
	o->rate = j->scenario == LOAD_RATE ? j->rate : 0;
	if (j->scenario == LOAD_USERS) {
		o->users = j->users;
		o->spawn_rate = j->spawn_rate;
		o->think_min_s = j->think_min_s;
		o->think_max_s = j->think_max_s;
	}
	o->duration_s = j->duration_s;
	o->warmup_s = j->warmup_s;
	o->timeout_s = j->timeout_s;
	o->seed = j->seed;
	o->any_address = true; /* the server is on the controller's host */
	o->open_first = true;  /* ready means the connections are open */
}

#define J struct load_job
static const struct jm_field job_fields[] = {
	JM_INT(J, "protocol", protocol),
	JM_ENUM(J, "scenario", scenario, load_scenario_names),
	JM_STR(J, "url", url),
	JM_UINT(J, "connections", connections),
	JM_UINT(J, "share_index", share_index),
	JM_UINT(J, "share_count", share_count),
	JM_UINT(J, "threads", threads),
	JM_DOUBLE(J, "rate", rate),
	JM_UINT(J, "users", users),
	JM_DOUBLE(J, "spawn_rate", spawn_rate),
	JM_DOUBLE(J, "think_min_s", think_min_s),
	JM_DOUBLE(J, "think_max_s", think_max_s),
	JM_DOUBLE(J, "duration_s", duration_s),
	JM_DOUBLE(J, "warmup_s", warmup_s),
	JM_DOUBLE(J, "timeout_s", timeout_s),
	JM_U64(J, "seed", seed),
};
#undef J
JM_TABLE(job_table, job_fields);

json_t *load_job_to_json(const struct load_job *j)
{
	return jm_to_json(j, &job_table);
}

int load_job_from_json(const json_t *o, struct load_job *j, char *why, size_t len)
{
	memset(j, 0, sizeof(*j));
	if (!json_is_object(o) || !json_is_integer(json_object_get(o, "protocol"))) {
		snprintf(why, len, "not a job: no protocol version");
		return -EINVAL;
	}
	return jm_read_why(o, j, &job_table, why, len) ? -EINVAL : 0;
}
