// SPDX-License-Identifier: MIT
/*
 * The record as results.json: one table per struct (options, experiment,
 * finding, ranking), each used to write and to read; the load's, the
 * probes' and the figures' own mappings for their parts.
 */
#include "harness/report/record_json.h"
#include "harness/report/sweep_json.h"
#include "common/json_map.h"
#include "harness/report/figures_json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define WHYSERVE_VERSION "0.1"

/* ---------------------------------------------------------------- codecs */

/* {"name": value, ...}: a finding's evidence; the member is the finding */
static json_t *evidence_to(const void *m, const void *base)
{
	const struct finding *f = m;
	json_t *o = json_object();

	(void)base;
	for (int k = 0; o && k < f->nevidence; k++)
		json_object_set_new(o, f->ev[k].name,
				    isnan(f->ev[k].value) ? json_null()
							  : json_real(f->ev[k].value));
	return o;
}

static int evidence_from(const json_t *j, void *m, void *base)
{
	struct finding *f = m;
	const char *name;
	json_t *v;

	(void)base;
	if (!json_is_object(j))
		return -EINVAL;
	f->nevidence = 0;
	json_object_foreach((json_t *)j, name, v) {
		struct evidence *e = &f->ev[f->nevidence];

		if (f->nevidence == EVIDENCE_MAX)
			return -ERANGE;
		if (!json_is_number(v) && !json_is_null(v))
			return -EINVAL;
		snprintf(e->name, sizeof(e->name), "%s", name);
		e->value = json_is_null(v) ? NAN : json_number_value(v);
		f->nevidence++;
	}
	return 0;
}

static const struct jm_codec evidence_codec = { evidence_to, evidence_from };

/* ["thread_creation", ...] */
static json_t *rules_to(const void *m, const void *base)
{
	const struct rule_list *l = m;
	json_t *a = json_array();

	(void)base;
	for (int i = 0; a && i < l->n; i++)
		json_array_append_new(a, json_string(l->name[i]));
	return a;
}

static int rules_from(const json_t *j, void *m, void *base)
{
	struct rule_list *l = m;
	const json_t *v;
	size_t i;

	(void)base;
	if (!json_is_array(j))
		return -EINVAL;
	if (json_array_size(j) > FINDINGS_MAX)
		return -ERANGE;
	l->n = 0;
	json_array_foreach(j, i, v) {
		if (!json_is_string(v))
			return -EINVAL;
		snprintf(l->name[l->n++], RULE_NAME_MAX, "%s", json_string_value(v));
	}
	return 0;
}

static const struct jm_codec rules_codec = { rules_to, rules_from };

/* The models (or scenarios) asked for, indexed like the catalog: by name. */
static json_t *chosen_to(const bool *chosen, const char *(*name)(int), int n)
{
	json_t *a = json_array();

	for (int i = 0; a && i < n; i++)
		if (chosen[i])
			json_array_append_new(a, json_string(name(i)));
	return a;
}

static int chosen_from(const json_t *j, bool *chosen, int (*index)(const char *))
{
	const json_t *v;
	size_t i;

	if (!json_is_array(j))
		return -EINVAL;
	memset(chosen, 0, RUN_MAX * sizeof(*chosen));
	json_array_foreach(j, i, v) {
		int k = index(json_string_value(v) ?: "");

		if (k < 0)
			return -EINVAL;
		chosen[k] = true;
	}
	return 0;
}

static const char *model_name_at(int i)
{
	return models[i].name;
}

static const char *scenario_name_at(int i)
{
	return scenarios[i].name;
}

static int model_index(const char *name)
{
	const struct model *m = model_find(name);

	return m ? m - models : -1;
}

static int scenario_index(const char *name)
{
	const struct scenario *s = scenario_find(name);

	return s ? s - scenarios : -1;
}

static json_t *models_to(const void *m, const void *base)
{
	(void)base;
	return chosen_to(m, model_name_at, nmodels);
}

static int models_from(const json_t *j, void *m, void *base)
{
	(void)base;
	return chosen_from(j, m, model_index);
}

static json_t *scenarios_to(const void *m, const void *base)
{
	(void)base;
	return chosen_to(m, scenario_name_at, nscenarios);
}

static int scenarios_from(const json_t *j, void *m, void *base)
{
	(void)base;
	return chosen_from(j, m, scenario_index);
}

static const struct jm_codec models_codec = { models_to, models_from };
static const struct jm_codec scenarios_codec = { scenarios_to, scenarios_from };

/* the load's CPUs as asked: "" is "the others" */
static json_t *load_cpus_to(const void *m, const void *base)
{
	(void)base;
	return json_string(((const char *)m)[0] ? m : "the others");
}

static int load_cpus_from(const json_t *j, void *m, void *base)
{
	const char *s = json_string_value(j);
	struct run_opts *o = base;

	if (!s)
		return -EINVAL;
	snprintf(m, sizeof(o->load_cpus), "%s", strcmp(s, "the others") ? s : "");
	return 0;
}

static const struct jm_codec load_cpus_codec = { load_cpus_to, load_cpus_from };

/* the conns sweep's connections, as a list */
static json_t *conns_steps_to(const void *m, const void *base)
{
	const struct run_opts *o = base;
	json_t *a = json_array();

	(void)m;
	for (int i = 0; a && i < o->nconns_steps; i++)
		json_array_append_new(a, json_integer(o->conns_steps[i]));
	return a;
}

static int conns_steps_from(const json_t *j, void *m, void *base)
{
	struct run_opts *o = base;
	const json_t *v;
	size_t i;

	(void)m;
	if (!json_is_array(j) || json_array_size(j) > RUN_MAX_CONNS_STEPS)
		return -EINVAL;
	json_array_foreach(j, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > LOAD_MAX_CONNECTIONS)
			return -ERANGE;
		o->conns_steps[i] = json_integer_value(v);
	}
	o->nconns_steps = json_array_size(j);
	return 0;
}

static const struct jm_codec conns_steps_codec = { conns_steps_to, conns_steps_from };

/* a JSON value kept as it is (the machine, the sysctls): a reference */
static json_t *kept_to(const void *m, const void *base)
{
	json_t *j = *(json_t *const *)m;

	(void)base;
	return j ? json_incref(j) : json_null();
}

static int kept_from(const json_t *j, void *m, void *base)
{
	(void)base;
	json_decref(*(json_t **)m);
	*(json_t **)m = json_is_null(j) ? NULL : json_incref((json_t *)j);
	return 0;
}

static const struct jm_codec kept_codec = { kept_to, kept_from };

static json_t *model_to(const void *m, const void *base)
{
	(void)base;
	return json_string((*(const struct model *const *)m)->name);
}

static int model_from(const json_t *j, void *m, void *base)
{
	(void)base;
	*(const struct model **)m = model_find(json_string_value(j) ?: "");
	return json_is_string(j) ? 0 : -EINVAL;
}

static json_t *scenario_to(const void *m, const void *base)
{
	(void)base;
	return json_string((*(const struct scenario *const *)m)->name);
}

static int scenario_from(const json_t *j, void *m, void *base)
{
	(void)base;
	*(const struct scenario **)m = scenario_find(json_string_value(j) ?: "");
	return json_is_string(j) ? 0 : -EINVAL;
}

static const struct jm_codec model_codec = { model_to, model_from };
static const struct jm_codec scenario_codec = { scenario_to, scenario_from };

/* written for people reading results.json; read from the catalog */
static json_t *what_to(const void *m, const void *base)
{
	(void)m;
	return json_string(((const struct experiment_record *)base)->scenario->what);
}

static const struct jm_codec what_codec = { what_to, NULL };

static json_t *argv_to(const void *m, const void *base)
{
	char *const *argv = m;
	json_t *a = json_array();

	(void)base;
	for (int i = 0; a && argv[i]; i++)
		json_array_append_new(a, json_string(argv[i]));
	return a;
}

static int argv_from(const json_t *j, void *m, void *base)
{
	char **argv = m;
	const json_t *v;
	size_t i;

	(void)base;
	if (!json_is_array(j))
		return -EINVAL;
	if (json_array_size(j) >= RECORD_MAX_ARGS)
		return -ERANGE;
	json_array_foreach(j, i, v) {
		if (!json_is_string(v))
			return -EINVAL;
		if (!(argv[i] = strdup(json_string_value(v))))
			return -ENOMEM;
	}
	return 0;
}

static const struct jm_codec argv_codec = { argv_to, argv_from };

static json_t *server_cpus_to(const void *m, const void *base)
{
	const cpu_set_t *set = m;
	json_t *a = json_array();

	(void)base;
	for (int c = 0; a && c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set))
			json_array_append_new(a, json_integer(c));
	return a;
}

static int server_cpus_from(const json_t *j, void *m, void *base)
{
	cpu_set_t *set = m;
	const json_t *v;
	size_t i;

	(void)base;
	if (!json_is_array(j))
		return -EINVAL;
	CPU_ZERO(set);
	json_array_foreach(j, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= CPU_SETSIZE)
			return -EINVAL;
		CPU_SET(json_integer_value(v), set);
	}
	return 0;
}

static const struct jm_codec server_cpus_codec = { server_cpus_to, server_cpus_from };

static json_t *load_list_to(const void *m, const void *base)
{
	const struct experiment_record *e = base;
	json_t *a = json_array();

	(void)m;
	for (int i = 0; a && i < e->nload_cpus; i++)
		json_array_append_new(a, json_integer(e->load_cpus[i]));
	return a;
}

static int load_list_from(const json_t *j, void *m, void *base)
{
	struct experiment_record *e = base;
	const json_t *v;
	size_t i;

	(void)m;
	if (!json_is_array(j))
		return -EINVAL;
	e->nload_cpus = 0;
	json_array_foreach(j, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= CPU_SETSIZE || e->nload_cpus == CPU_SETSIZE)
			return -EINVAL;
		e->load_cpus[e->nload_cpus++] = json_integer_value(v);
	}
	return 0;
}

static const struct jm_codec load_list_codec = { load_list_to, load_list_from };

/* the measurements: their own mappings; read apart, so that one that
 * cannot be read leaves the rest of the record readable */
/* a load host's own latency histogram, as the load's is kept */
static json_t *host_latency_to(const void *m, const void *base)
{
	(void)base;
	return load_latency_to_json(m);
}

static int host_latency_from(const json_t *j, void *m, void *base)
{
	(void)base;
	return load_latency_from_json(j, m);
}

static const struct jm_codec host_latency_codec = { host_latency_to, host_latency_from };

static bool host_measured(const void *base)
{
	return !((const struct load_host_row *)base)->lost;
}

/* each load host's row (--load-host): what it measured, or why it was lost */
static const struct jm_field host_fields[] = {
	JM_STR(struct load_host_row, "host", host),
	JM_U64(struct load_host_row, "requests", requests),
	JM_U64(struct load_host_row, "errors", errors),
	JM_DOUBLE(struct load_host_row, "rate", rate),
	JM_DOUBLE(struct load_host_row, "cpu_busy", cpu_busy),
	JM_DOUBLE(struct load_host_row, "cpu_s", cpu_s),
	JM_UINT(struct load_host_row, "threads", threads),
	JM_NS_AS_US(struct load_host_row, "p99_us", p99_ns),
	{ JM_FIELD("latency_us", JM_M(struct load_host_row, latency), JM_CODEC),
	  .codec = &host_latency_codec, .present = host_measured },
	JM_BOOL(struct load_host_row, "lost", lost),
	JM_STR(struct load_host_row, "why", why),
};
JM_TABLE(host_table, host_fields);

static bool from_hosts(const void *base)
{
	return ((const struct experiment_record *)base)->nhosts > 0;
}

static bool incomplete(const void *base)
{
	return ((const struct experiment_record *)base)->load_incomplete;
}

/* beside the load's own figures, in "load": from a record of these only */
static const struct jm_field load_hosts_fields[] = {
	{ JM_FIELD("hosts", JM_M(struct experiment_record, hosts), JM_ARRAY),
	  .size = sizeof(struct load_host_row), .sub = &host_table,
	  .count_off = JM_M(struct experiment_record, nhosts), .max = RUN_MAX_LOAD_HOSTS,
	  .present = from_hosts },
	{ JM_FIELD("incomplete", JM_M(struct experiment_record, load_incomplete), JM_BOOL),
	  .present = incomplete },
};
JM_TABLE(load_hosts_table, load_hosts_fields);

static json_t *load_to(const void *m, const void *base)
{
	json_t *j = load_result_to_json(m);

	if (j && jm_write(j, base, &load_hosts_table)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *probes_to(const void *m, const void *base)
{
	const struct experiment_record *e = base;

	(void)m;
	return probes_to_json(&e->probes, &e->stats);
}

static json_t *figures_to(const void *m, const void *base)
{
	(void)base;
	return figures_to_json(m);
}

static const struct jm_codec load_codec = { load_to, NULL };
static const struct jm_codec probes_codec = { probes_to, NULL };
static const struct jm_codec figures_codec = { figures_to, NULL };

/* ---------------------------------------------------------------- tables */

/* a server of the user's: what it was asked to run; its traits unknown */
static const struct jm_field custom_fields[] = {
	JM_STR(struct model, "name", name),
	JM_STR(struct model, "command", command),
};
JM_TABLE(custom_table, custom_fields);

/* --load-host, as given: ["client1", "root@client2"] */
static json_t *load_hosts_to(const void *m, const void *base)
{
	const struct run_opts *o = base;
	json_t *a = json_array();

	(void)m;
	for (int i = 0; a && i < o->nload_hosts; i++)
		json_array_append_new(a, json_string(o->load_hosts[i]));
	return a;
}

static int load_hosts_from(const json_t *j, void *m, void *base)
{
	struct run_opts *o = base;
	const json_t *v;
	size_t i;

	(void)m;
	if (!json_is_array(j) || json_array_size(j) > RUN_MAX_LOAD_HOSTS)
		return -EINVAL;
	json_array_foreach(j, i, v) {
		if (!json_is_string(v) || json_string_length(v) >= sizeof(o->load_hosts[0]))
			return -EINVAL;
		snprintf(o->load_hosts[i], sizeof(o->load_hosts[0]), "%s", json_string_value(v));
	}
	o->nload_hosts = i;
	return 0;
}

static const struct jm_codec load_hosts_codec = { load_hosts_to, load_hosts_from };

static bool with_load_hosts(const void *base)
{
	return ((const struct run_opts *)base)->nload_hosts > 0;
}

static const struct jm_field options_fields[] = {
	JM_CODEC(struct run_opts, "models", model, models_codec),
	JM_ARRAY(struct run_opts, "servers", custom, ncustom, custom_table),
	JM_CODEC(struct run_opts, "scenarios", scenario, scenarios_codec),
	JM_DOUBLE(struct run_opts, "duration_s", duration_s),
	JM_DOUBLE(struct run_opts, "warmup_s", warmup_s),
	JM_INT(struct run_opts, "connections", connections),
	JM_DOUBLE(struct run_opts, "rate", rate),
	JM_INT(struct run_opts, "users", users),
	JM_DOUBLE(struct run_opts, "spawn_rate", spawn_rate),
	JM_DOUBLE(struct run_opts, "think_min_s", think_min_s),
	JM_DOUBLE(struct run_opts, "think_max_s", think_max_s),
	JM_DOUBLE(struct run_opts, "timeout_s", timeout_s),
	JM_INT(struct run_opts, "backlog", backlog),
	JM_INT(struct run_opts, "workers", workers),
	JM_INT(struct run_opts, "port", port),
	JM_INT(struct run_opts, "work_us", work_us),
	JM_INT(struct run_opts, "sleep_us", sleep_us),
	JM_STR(struct run_opts, "server_user", server_user),
	JM_STR(struct run_opts, "path", path),
	JM_STR(struct run_opts, "load_cmd", load_cmd),
	JM_STR(struct run_opts, "server_cpus", server_cpus),
	JM_CODEC(struct run_opts, "load_cpus", load_cpus, load_cpus_codec),
	JM_BOOL(struct run_opts, "netns", netns),
	JM_BOOL(struct run_opts, "quick", quick),
	JM_BOOL(struct run_opts, "strict", strict),
	JM_BOOL(struct run_opts, "exact_syscall_times", exact_syscall_times),
	/* the load from other hosts: which, and where the servers listened */
	{ JM_FIELD("load_hosts", JM_M(struct run_opts, load_hosts), JM_CODEC),
	  .codec = &load_hosts_codec, .present = with_load_hosts },
	{ JM_FIELD("listen", JM_M(struct run_opts, listen), JM_STR),
	  .size = sizeof(((struct run_opts *)0)->listen), .present = with_load_hosts },
	JM_DOUBLE(struct run_opts, "step_s", step_s),
	JM_CODEC(struct run_opts, "conns_steps", conns_steps, conns_steps_codec),
};
JM_TABLE(options_table, options_fields);

static const struct jm_field finding_fields[] = {
	JM_STR(struct finding, "rule", rule),
	JM_STR(struct finding, "confidence", confidence),
	JM_STR(struct finding, "text", text),
	{ JM_FIELD("evidence", 0, JM_CODEC), .codec = &evidence_codec },
};
JM_TABLE(finding_table, finding_fields);

static const struct jm_field error_row_fields[] = {
	JM_STR(struct error_row, "client_error", client),
	JM_DOUBLE(struct error_row, "count", count),
	JM_STR(struct error_row, "kernel_cause", cause),
	JM_STR(struct error_row, "kernel_event", event),
	JM_DOUBLE(struct error_row, "kernel_count", events),
};
JM_TABLE(error_row_table, error_row_fields);

static const struct jm_field verdict_fields[] = {
	JM_STR(struct verdict, "limited_by", why.rule),
	JM_STR(struct verdict, "confidence", why.confidence),
	JM_STR(struct verdict, "text", why.text),
	JM_CODEC(struct verdict, "evidence", why, evidence_codec),
	JM_DOUBLE(struct verdict, "capacity_rps", capacity_rps),
	JM_DOUBLE(struct verdict, "measured_rps", measured_rps),
};
JM_TABLE(verdict_table, verdict_fields);

static const char *const trait_states[] = { "unknown", "no", "yes", NULL };

static const struct jm_field trait_fields[] = {
	JM_ENUM(struct trait_finding, "is", is, trait_states),
	JM_STR(struct trait_finding, "confidence", why.confidence),
	JM_STR(struct trait_finding, "text", why.text),
	JM_CODEC(struct trait_finding, "evidence", why, evidence_codec),
};
JM_TABLE(trait_table, trait_fields);

/* one object a trait, by its name (harness/explain/traits.c) */
#define TRAIT(name, i) JM_OBJ(struct inferred_traits, name, t[i], trait_table)
static const struct jm_field traits_fields[] = {
	TRAIT("process_per_connection", TRAIT_PROCESS_PER_CONNECTION),
	TRAIT("thread_per_connection", TRAIT_THREAD_PER_CONNECTION),
	TRAIT("pool", TRAIT_POOL),
	TRAIT("event_loop", TRAIT_EVENT_LOOP),
	TRAIT("serial", TRAIT_SERIAL),
	TRAIT("closes_each", TRAIT_CLOSES_EACH),
};
JM_TABLE(traits_table, traits_fields);

static const struct jm_field account_line_fields[] = {
	JM_STR(struct account_line, "name", name),
	JM_DOUBLE(struct account_line, "us_per_request", us_per_request),
	JM_DOUBLE(struct account_line, "share", share),
	JM_STR(struct account_line, "source", source),
	JM_DOUBLE(struct account_line, "events_per_request", events_per_request),
	JM_DOUBLE(struct account_line, "us_per_event", us_per_event),
	JM_BOOL(struct account_line, "attributed", attributed),
	JM_DOUBLE(struct account_line, "us", us),
};
JM_TABLE(account_line_table, account_line_fields);

static const struct jm_field account_fields[] = {
	JM_DOUBLE(struct account, "total_us", total_us),
	JM_DOUBLE(struct account, "total_us_per_request", total_us_per_request),
	JM_STR(struct account, "total_source", total_source),
	JM_DOUBLE(struct account, "attributed_share", attributed_share),
	JM_STR(struct account, "note", note),
	JM_ARRAY(struct account, "lines", line, n, account_line_table),
};
JM_TABLE(account_table, account_fields);

static const struct jm_field accounts_fields[] = {
	JM_OBJ(struct explanation, "cpu", cpu, account_table),
	JM_OBJ(struct explanation, "time", time, account_table),
};
JM_TABLE(accounts_table, accounts_fields);

static const struct jm_field server_fields[] = {
	JM_CODEC(struct experiment_record, "argv", argv, argv_codec),
	JM_STR(struct experiment_record, "startup", startup),
	JM_STR(struct experiment_record, "stderr", said),
	JM_INT(struct experiment_record, "exit_status", exit_status),
	JM_STR(struct experiment_record, "log", log),
	JM_DOUBLE_IN(struct experiment_record, "log_bytes", log_bytes, 0, 1e18),
	JM_STR(struct experiment_record, "failed", failed),
	JM_CODEC(struct experiment_record, "cpus", server_cpus, server_cpus_codec),
	JM_STR(struct experiment_record, "user", user),
	JM_DOUBLE_IN(struct experiment_record, "page_faults", proc_faults, 0, 1e15),
};
JM_TABLE(server_table, server_fields);

static const struct jm_field placement_fields[] = {
	JM_CODEC(struct experiment_record, "cpus", load_cpus, load_list_codec),
	JM_BOOL(struct experiment_record, "netns", netns),
	JM_CODEC(struct experiment_record, "sysctls", sysctls, kept_codec),
};
JM_TABLE(placement_table, placement_fields);

#define CPU_US_MAX 1e15 /* 31 years */
static const struct jm_field cpu_fields[] = {
	JM_DOUBLE_IN(struct experiment_record, "usage_us", cpu_us, 0, CPU_US_MAX),
	JM_DOUBLE_IN(struct experiment_record, "user_us", cpu_user_us, 0, CPU_US_MAX),
	JM_DOUBLE_IN(struct experiment_record, "system_us", cpu_system_us, 0, CPU_US_MAX),
	JM_DOUBLE_IN(struct experiment_record, "load_us", load_cpu_us, 0, CPU_US_MAX),
	/* the CPUs themselves, whoever ran there (NAN: recorded before) */
	JM_DOUBLE_IN(struct experiment_record, "server_cpus_busy_s", server_cpus_busy_s, 0, 1e9),
	JM_DOUBLE_IN(struct experiment_record, "server_cpus_steal_s", server_cpus_steal_s, 0, 1e9),
	JM_DOUBLE_IN(struct experiment_record, "server_cpus_total_s", server_cpus_total_s, 0, 1e9),
	JM_DOUBLE_IN(struct experiment_record, "load_cpus_busy_s", load_cpus_busy_s, 0, 1e9),
	JM_DOUBLE_IN(struct experiment_record, "load_cpus_total_s", load_cpus_total_s, 0, 1e9),
};
JM_TABLE(cpu_table, cpu_fields);

/* the user's load tool (--load-cmd): what it said of itself, what the
 * kernel saw of it, and of the server on its behalf */
static const struct jm_field tool_report_fields[] = {
	JM_STR(struct load_tool_report, "source", source),
	JM_DOUBLE(struct load_tool_report, "requests", requests),
	JM_DOUBLE(struct load_tool_report, "failures", failures),
	JM_DOUBLE(struct load_tool_report, "rps", rps),
	JM_DOUBLE(struct load_tool_report, "mean_us", mean_us),
	JM_DOUBLE(struct load_tool_report, "p50_us", p50_us),
	JM_DOUBLE(struct load_tool_report, "p99_us", p99_us),
	JM_DOUBLE(struct load_tool_report, "max_us", max_us),
};
JM_TABLE(tool_report_table, tool_report_fields);

static const struct jm_field tool_fields[] = {
	JM_BOOL(struct load_tool, "ran", ran),
	JM_STR(struct load_tool, "name", name),
	JM_STR(struct load_tool, "command", command),
	JM_STR(struct load_tool, "flags_added", added),
	JM_STR(struct load_tool, "user", user),
	JM_INT(struct load_tool, "exit_status", exit_status),
	JM_BOOL(struct load_tool, "stopped_at_duration", ceiling),
	JM_DOUBLE(struct load_tool, "startup_s", startup_s),
	JM_DOUBLE(struct load_tool, "window_s", window_s),
	JM_DOUBLE(struct load_tool, "cpu_startup_us", cpu_startup_us),
	JM_DOUBLE(struct load_tool, "startup_tasks", startup_tasks),
	JM_DOUBLE(struct load_tool, "cpu_us", cpu_us),
	JM_DOUBLE(struct load_tool, "cpu_user_us", cpu_user_us),
	JM_DOUBLE(struct load_tool, "cpu_system_us", cpu_system_us),
	JM_DOUBLE(struct load_tool, "rusage_cpu_us", rusage_cpu_us),
	JM_INT(struct load_tool, "cpus", ncpus),
	JM_DOUBLE(struct load_tool, "processes", procs),
	JM_DOUBLE(struct load_tool, "threads", threads),
	JM_DOUBLE(struct load_tool, "voluntary_switches", vol_switches),
	JM_DOUBLE(struct load_tool, "involuntary_switches", invol_switches),
	JM_DOUBLE(struct load_tool, "runq_p99_us", runq_p99_us),
	JM_DOUBLE(struct load_tool, "running_us", running_us),
	JM_DOUBLE(struct load_tool, "runnable_us", runnable_us),
	JM_DOUBLE(struct load_tool, "connections_opened", connections),
	JM_OBJ(struct load_tool, "report", report, tool_report_table),
	JM_DOUBLE(struct load_tool, "server_accepted", server_accepted),
	JM_DOUBLE(struct load_tool, "server_responses", server_responses),
	JM_STR(struct load_tool, "said", said),
};
JM_TABLE(tool_table, tool_fields);

static const struct jm_field experiment_fields[] = {
	JM_CODEC(struct experiment_record, "model", model, model_codec),
	JM_CODEC(struct experiment_record, "scenario", scenario, scenario_codec),
	JM_CODEC(struct experiment_record, "what", scenario, what_codec),
	JM_GROUP("server", server_table),
	JM_GROUP("load_placement", placement_table),
	JM_CODEC(struct experiment_record, "load", load, load_codec),
	JM_OBJ(struct experiment_record, "load_tool", tool, tool_table),
	JM_GROUP("cpu", cpu_table),
	JM_CODEC(struct experiment_record, "probes", probes, probes_codec),
	JM_CODEC(struct experiment_record, "figures", why.fig, figures_codec),
	JM_OBJ(struct experiment_record, "verdict", why.verdict, verdict_table),
	JM_OBJ(struct experiment_record, "account", why, accounts_table),
	JM_OBJ(struct experiment_record, "traits_inferred", why.traits, traits_table),
	JM_ARRAY(struct experiment_record, "findings", why.findings, why.nfindings, finding_table),
	/* a sweep's: every step, and the knee of a ramp */
	{ JM_FIELD("steps", JM_M(struct experiment_record, sweep), JM_CODEC),
	  .codec = &sweep_steps_codec, .present = record_has_sweep },
	{ JM_FIELD("knee", JM_M(struct experiment_record, sweep), JM_CODEC),
	  .codec = &sweep_knee_codec, .present = record_has_knee },
	{ JM_FIELD("memory_idle_bytes", JM_M(struct experiment_record, sweep), JM_CODEC),
	  .codec = &sweep_idle_codec, .present = record_has_sweep },
	{ JM_FIELD("behind", JM_M(struct experiment_record, sweep), JM_CODEC),
	  .codec = &sweep_behind_codec, .present = record_has_behind },
	JM_ARRAY(struct experiment_record, "errors", why.errors, why.nerrors, error_row_table),
};
JM_TABLE(experiment_table, experiment_fields);

static const struct jm_field gap_part_fields[] = {
	JM_STR(struct gap_part, "name", name),
	JM_DOUBLE(struct gap_part, "us_per_request", us_per_request),
	JM_DOUBLE(struct gap_part, "events_per_request", events_per_request),
};
JM_TABLE(gap_part_table, gap_part_fields);

static const struct jm_field entry_fields[] = {
	JM_STR(struct ranking_entry, "model", model),
	JM_DOUBLE(struct ranking_entry, "rps", rps),
	JM_DOUBLE(struct ranking_entry, "rps_ratio", rps_ratio),
	JM_DOUBLE(struct ranking_entry, "cpu_ratio", cpu_ratio),
	JM_BOOL(struct ranking_entry, "tie", tie),
	JM_DOUBLE(struct ranking_entry, "noise", noise),
	JM_CODEC(struct ranking_entry, "only_here", only_here, rules_codec),
	JM_CODEC(struct ranking_entry, "only_best", only_best, rules_codec),
	JM_DOUBLE(struct ranking_entry, "gap_us_per_request", gap_us_per_request),
	JM_DOUBLE(struct ranking_entry, "gap_explained_share", gap_explained_share),
	JM_ARRAY(struct ranking_entry, "gap_parts", parts, nparts, gap_part_table),
};
JM_TABLE(entry_table, entry_fields);

static const struct jm_field ranking_fields[] = {
	JM_STR(struct ranking, "scenario", scenario),
	JM_ARRAY(struct ranking, "entries", entries, n, entry_table),
};
JM_TABLE(ranking_table, ranking_fields);

static json_t *version_to(const void *m, const void *base)
{
	(void)m;
	(void)base;
	return json_pack("{s:s}", "version", WHYSERVE_VERSION);
}

static const struct jm_codec version_codec = { version_to, NULL };

static json_t *experiments_to(const void *m, const void *base)
{
	const struct run_record *r = base;
	json_t *a = json_array();

	(void)m;
	for (int i = 0; a && i < r->nexps; i++)
		if (json_array_append_new(a, jm_to_json(r->exps[i], &experiment_table))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static const struct jm_codec experiments_codec = { experiments_to, NULL };

static const struct jm_field run_fields[] = {
	JM_CODEC(struct run_record, "whyserve", format, version_codec),
	JM_INT(struct run_record, "format", format),
	JM_CODEC(struct run_record, "machine", machine, kept_codec),
	JM_OBJ(struct run_record, "options", options, options_table),
	JM_CODEC(struct run_record, "experiments", exps, experiments_codec),
	JM_BOOL(struct run_record, "interrupted", interrupted),
	JM_ARRAY(struct run_record, "rankings", rankings, nrankings, ranking_table),
};
JM_TABLE(run_table, run_fields);

/* ---------------------------------------------------------------- both ways */

json_t *run_record_to_json(const struct run_record *r)
{
	return jm_to_json(r, &run_table);
}

/* One experiment: its parts; the measurements' failures kept in unprintable. */
static int experiment_from_json(const json_t *j, struct experiment_record *e,
				const struct run_opts *o, int format, char *why, size_t len)
{
	const json_t *fig = json_object_get(j, "figures");
	char inner[256];
	int err = jm_read_why(j, e, &experiment_table, why, len);

	if (err)
		return err;
	/* not in the catalog: one of the user's servers, in the options */
	if (!e->model)
		e->model = run_opts_model_find(o, json_string_value(json_object_get(j, "model"))
							  ?: "");
	if (json_object_get(j, "load"))
		err = jm_read_why(json_object_get(j, "load"), e, &load_hosts_table, inner,
				  sizeof(inner));
	if (err) {
		snprintf(why, len, "load.%.200s", inner);
		return err;
	}
	err = figures_from_json(fig, &e->why.fig, inner, sizeof(inner));
	if (err) {
		snprintf(why, len, "figures.%.200s", inner);
		return err;
	}
	/* recorded before the figures carried the model's traits */
	if (!json_object_get(fig, "traits") && e->model)
		e->why.fig.traits = e->model->traits;
	if (!e->model || !e->scenario || !e->argv[0])
		e->unprintable = -EINVAL;
	else
		e->unprintable = load_result_from_json(json_object_get(j, "load"), &e->load)
					 ?: probes_from_json(json_object_get(j, "probes"),
							     &e->probes, &e->stats);
	/* what its format did not record, explained now */
	if (format < FORMAT_FINDINGS) {
		record_explain(e);
	} else if (format < FORMAT_ACCOUNTS) {
		if (format < FORMAT_VERDICT)
			explain_verdict(&e->why.fig, &e->why.verdict);
		account_cpu(&e->why.fig, &e->why.cpu);
		account_time(&e->why.fig, &e->why.time);
	}
	/* recorded before the traits were inferred: from its figures */
	if (!json_object_get(j, "traits_inferred"))
		infer_traits(&e->why.fig, &e->why.traits);
	return 0;
}

int run_record_from_json(const json_t *j, struct run_record *r, char *why, size_t len)
{
	const json_t *exps = json_object_get(j, "experiments"), *x;
	char inner[256];
	size_t i;
	int err;

	memset(r, 0, sizeof(*r));
	snprintf(why, len, "not the results of 'harness run': no experiments");
	if (!json_is_object(j) || !json_is_array(exps))
		return -EINVAL;
	r->format = 1; /* before results.json said */
	err = jm_read_why(j, r, &run_table, why, len);
	if (err)
		return err;
	for (int i = 0; i < r->options.ncustom; i++)
		r->options.custom[i].idea = custom_model_idea;
	if (r->format > RECORD_FORMAT) {
		snprintf(why, len, "written by a newer harness (format %d): unknown here",
			 r->format);
		return -EPROTO;
	}
	json_array_foreach(exps, i, x) {
		struct experiment_record *e = experiment_record_new();

		if (!e)
			return -ENOMEM;
		err = experiment_from_json(x, e, &r->options, r->format, inner, sizeof(inner));
		if (err)
			snprintf(why, len, "experiments[%zu].%.200s", i, inner);
		if (!err)
			err = run_record_add(r, e);
		if (err) {
			experiment_record_free(e);
			return err;
		}
	}
	/* what its format did not record: the ranking, or the ranking's gaps */
	if (r->format < FORMAT_FINDINGS)
		run_record_rank(r);
	else if (r->format < FORMAT_ACCOUNTS)
		run_record_gaps(r);
	return 0;
}
