// SPDX-License-Identifier: MIT
#include "harness/report/figures_json.h"
#include "common/json_map.h"

#include <errno.h>
#include <string.h>

static const char *const per_connection_names[] = {
	[PER_CONNECTION_NOTHING] = "nothing",
	[PER_CONNECTION_PROCESS] = "process",
	[PER_CONNECTION_THREAD] = "thread",
	NULL,
};

static const struct jm_field traits_fields[] = {
	JM_BOOL(struct traits, "event_loop", event_loop),
	JM_BOOL(struct traits, "serial", serial),
	JM_ENUM(struct traits, "per_connection", per_connection, per_connection_names),
};
JM_TABLE(traits_table, traits_fields);

/* a figure is a count, a time or a share: none negative, none past this */
#define FIGURE_MAX 1e15

static const struct jm_field syscall_fields[] = {
	JM_STR(struct syscall_figure, "name", name),
	JM_DOUBLE_IN(struct syscall_figure, "calls", calls, 0, FIGURE_MAX),
	JM_DOUBLE_IN(struct syscall_figure, "total_us", total_us, 0, FIGURE_MAX),
	JM_DOUBLE_IN(struct syscall_figure, "max_us", max_us, 0, FIGURE_MAX),
	JM_DOUBLE_IN(struct syscall_figure, "oncpu_us", oncpu_us, 0, FIGURE_MAX),
	JM_DOUBLE_IN(struct syscall_figure, "blocked_us", blocked_us, 0, FIGURE_MAX),
};
JM_TABLE(syscall_table, syscall_fields);

static const struct jm_field errno_fields[] = {
	JM_STR(struct errno_figure, "syscall", syscall),
	JM_STR(struct errno_figure, "errno", err),
	JM_DOUBLE_IN(struct errno_figure, "count", count, 0, FIGURE_MAX),
};
JM_TABLE(errno_table, errno_fields);

static const struct jm_field drop_fields[] = {
	JM_STR(struct drop_figure, "reason", reason),
	JM_DOUBLE_IN(struct drop_figure, "count", count, 0, FIGURE_MAX),
};
JM_TABLE(drop_table, drop_fields);

/* Every figure, by its name in results.json; NAN (not measured) is null. */
#define D(m) JM_DOUBLE_IN(struct figures, #m, m, 0, FIGURE_MAX)
/* the sampled CPU time by kind, an object keyed by the kind's name */
#define K(k, name) JM_DOUBLE_IN(struct figures, name, prof_us[k], 0, FIGURE_MAX)
static const struct jm_field prof_fields[] = {
	K(CPU_USER, "user"),
	K(CPU_SYSCALL, "syscalls"),
	K(CPU_SOFTIRQ, "softirq"),
	K(CPU_HARDIRQ, "hardirq"),
	K(CPU_FAULT, "page_faults"),
	K(CPU_SWITCH, "context_switches"),
	K(CPU_CREATE, "task_creation"),
	K(CPU_EXIT, "task_exit"),
	K(CPU_BPF, "probes_bpf"),
	K(CPU_KERNEL_OTHER, "kernel_other"),
};
#undef K
JM_TABLE(prof_table, prof_fields);

static bool from_load_host(const void *base)
{
	return ((const struct figures *)base)->load_host[0] != '\0';
}

#define I(m) JM_INT(struct figures, #m, m)
static const struct jm_field figures_fields[] = {
	JM_STR(struct figures, "model", model),
	JM_STR(struct figures, "scenario", scenario),
	JM_OBJ(struct figures, "traits", traits, traits_table),
	JM_BOOL(struct figures, "keep_alive", keep_alive),
	I(connections),
	I(backlog),
	I(somaxconn),
	I(workers),
	I(server_cpus),
	I(load_cpus),
	JM_STR(struct figures, "load_tool", load_tool),
	D(load_procs),
	D(load_threads),
	D(load_wanted_us),
	{ JM_FIELD("load_host", JM_M(struct figures, load_host), JM_STR),
	  .size = sizeof(((struct figures *)0)->load_host), .present = from_load_host },
	D(sleep_us),
	D(work_us),
	D(duration_s),
	D(rate_target),
	D(users),
	D(think_mean_s),
	D(requests),
	D(rps),
	D(rps_noise),
	D(mean_us),
	D(p50_us),
	D(p99_us),
	D(max_us),
	D(errors),
	D(timeouts),
	D(resets),
	D(refused),
	D(connect_timeouts),
	D(broken_pipes),
	D(bad_responses),
	D(closed_early),
	D(non2xx),
	D(other_errors),
	I(other_errno),
	D(unanswered),
	D(unanswered_wait_us),
	D(starved),
	D(server_requests),
	D(connects),
	D(cpu_us),
	D(load_cpu_us),
	D(server_cpus_busy),
	D(server_cpus_steal),
	D(load_cpus_busy),
	D(aq_enqueues),
	D(aq_max),
	D(aq_limit),
	D(aq_at_limit_share),
	D(listen_overflows),
	D(listen_drops),
	D(rst_abort_on_close),
	D(rst_abort_on_data),
	D(rst_abort_linger),
	D(rst_server_other),
	D(rst_no_socket),
	D(rst_client_sent),
	D(rst_client_received),
	D(rst_client_received_syn),
	D(rst_client_received_est),
	D(rst_client_received_close_wait),
	D(rst_server_received),
	D(server_closed_first),
	D(client_closed_first),
	D(fins),
	D(fin_at_exit),
	D(drops),
	JM_ARRAY(struct figures, "drops_by_reason", drop, ndrops, drop_table),
	D(failed_calls),
	D(closes_held_elsewhere),
	D(accepted_conns),
	D(accepted_beside),
	JM_ARRAY(struct figures, "failed_by_errno", errnos, nerrnos, errno_table),
	D(vol_switches),
	D(invol_switches),
	D(runq_p99_us),
	D(procs_created),
	D(threads_created),
	D(tasks_exited),
	D(max_threads),
	D(migrations),
	D(syscalls),
	D(uring_sqes),
	D(uring_cqes),
	D(uring_punted),
	D(uring_waits),
	D(faults),
	D(faults_children),
	D(faults_major),
	D(faults_proc),
	D(oncpu_us),
	D(charged_us),
	D(prof_samples),
	D(prof_period_us),
	JM_GROUP("prof_us", prof_table),
	D(life_us),
	D(running_us),
	D(runnable_us),
	D(blocked_us),
	D(blocked_other_us),
	D(idle_tasks),
	D(idle_us),
	JM_ARRAY(struct figures, "syscalls_by_time", sys, nsyscalls, syscall_table),
};
#undef D
#undef I
JM_TABLE(figures_table, figures_fields);

json_t *figures_to_json(const struct figures *f)
{
	return jm_to_json(f, &figures_table);
}

int figures_from_json(const json_t *j, struct figures *f, char *why, size_t len)
{
	figures_init(f);
	return jm_read_why(j, f, &figures_table, why, len);
}
