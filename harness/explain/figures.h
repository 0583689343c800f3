/* SPDX-License-Identifier: MIT */
/*
 * The key figures of one experiment (one model, one scenario), derived from
 * its metrics record: what the comparison table shows and what the
 * explanation rules reason over. A figure that was not measured (its probe
 * unavailable) is NAN, and rules that need it stay silent.
 */
#ifndef WHYSERVE_HARNESS_FIGURES_H
#define WHYSERVE_HARNESS_FIGURES_H

#include <math.h>
#include <stdbool.h>

#define FIG_MAX_SYSCALLS 64
#define FIG_MAX_ERRNOS	 16 /* the server's failed calls, most first */
#define FIG_MAX_DROPS	 8  /* packets dropped, by the kernel's reason, most first */

/* What is created for each connection the server accepts. */
enum per_connection {
	PER_CONNECTION_NOTHING,
	PER_CONNECTION_PROCESS,
	PER_CONNECTION_THREAD,
};

/* What a model is, as the rules reason about it: never its name. */
struct traits {
	bool event_loop;		    /* one loop serves many connections */
	bool serial;			    /* one connection at a time, to its end */
	enum per_connection per_connection; /* a process or a thread each, or nothing */
};

struct syscall_figure {
	char name[32];
	double calls;
	double total_us; /* time inside the call, summed */
	double max_us;
	double oncpu_us;   /* on a CPU inside it, sampled (cpu_profile) */
	double blocked_us; /* off a CPU, blocked inside it (sched) */
};

/* Calls of one syscall the server made that failed with one errno. */
struct errno_figure {
	char syscall[32];
	char err[16]; /* "EPIPE" */
	double count;
};

/* Packets the kernel dropped for one reason, in the experiment's netns. */
struct drop_figure {
	char reason[40]; /* the kernel's: "NO_SOCKET", "TCP_LISTEN_OVERFLOW" */
	double count;
};

/* Where the server's time on a CPU went, by what the CPU was doing when
 * sampled; each kind's samples times the sampling period. */
enum cpu_kind {
	CPU_USER,	  /* the server's own code and its libraries */
	CPU_SYSCALL,	  /* inside a syscall (by name in sys[].oncpu_us) */
	CPU_SOFTIRQ,	  /* softirq run on its time: the loopback network stack */
	CPU_HARDIRQ,	  /* interrupts */
	CPU_FAULT,	  /* page faults */
	CPU_SWITCH,	  /* switching tasks: __schedule and what it runs */
	CPU_CREATE,	  /* creating processes and threads (clone) */
	CPU_EXIT,	  /* a task's exit and its reaping */
	CPU_BPF,	  /* the probes' own BPF programs */
	CPU_KERNEL_OTHER, /* in the kernel, none of the above */
	CPU_KINDS,
};

struct figures {
	char model[16];
	char scenario[16];
	struct traits traits;

	/* how it was run */
	int connections;     /* concurrent client connections (users too) */
	bool keep_alive;     /* false: a new connection per request */
	int backlog;	     /* listen backlog asked for */
	int somaxconn;	     /* the namespace's cap on it */
	int workers;	     /* event loops (epoll, io_uring), else 1 */
	int server_cpus;     /* CPUs the server may run on */
	double sleep_us;     /* the handler blocks this long per request */
	double work_us;	     /* the handler burns this much CPU per request */
	double duration_s;   /* of the measured load */
	double rate_target;  /* open loop: the requests/s asked for (else NAN) */
	double users;	     /* users: how many (else NAN) */
	double think_mean_s; /* users: their mean think time between requests */

	/* the load's view */
	double requests, rps;
	/* the rate's noise, as a share of it: twice the standard error of the
	 * per-second rates (NAN: fewer than 3 whole seconds to tell) */
	double rps_noise;
	double mean_us, p50_us, p99_us, max_us;
	double errors; /* all kinds */
	double timeouts, resets, refused, connect_timeouts, broken_pipes, bad_responses;
	double closed_early; /* of resets: the server closed (FIN) before a whole response */
	double non2xx;	     /* of bad_responses: answered, with a status not 2xx */
	double other_errors; /* any other errno (other_errno: the last) */
	int other_errno;
	double unanswered;	   /* still waiting for an answer when the load stopped */
	double unanswered_wait_us; /* the longest of those waits */
	double starved;		   /* connections never answered while measuring */
	/* the requests the server itself counted in the window (nginx's
	 * stub_status: read, this count's own asking left out); NAN: it keeps
	 * no count the harness reads */
	double server_requests;
	double connects; /* connections the load established while measuring */

	/* CPU time of the server's cgroup, and of the load generator */
	double cpu_us;
	double load_cpu_us;
	int load_cpus;
	/* the user's load tool (--load-cmd) by its program's name, "" for
	 * ours; its processes and threads (NAN: not counted): a tool of one
	 * thread can keep only one of its CPUs busy */
	char load_tool[32];
	double load_procs, load_threads;
	/* the CPU time its tasks wanted: on a CPU or waiting for one (NAN:
	 * not measured); more than it used when its CPUs were shared */
	double load_wanted_us;
	/* the load came from other hosts: the busiest, whose CPU time and
	 * CPUs (its load threads) load_cpu_us and load_cpus are; "": here */
	char load_host[256];
	/* their CPUs, whoever ran there (/proc/stat), as shares of the run:
	 * busy with anything, and stolen by the hypervisor */
	double server_cpus_busy, server_cpus_steal, load_cpus_busy;

	/* accept queue */
	double aq_enqueues, aq_max, aq_limit, aq_at_limit_share;
	double listen_overflows, listen_drops;

	/* the kernel's view of the connections (errors probe); NAN when it
	 * did not run. Resets sent by the server, by the kernel's reason: */
	double rst_abort_on_close; /* close() with unread input */
	double rst_abort_on_data;  /* input arrived after close() */
	double rst_abort_linger;   /* ... SO_LINGER 0, or a state a FIN cannot leave */
	double rst_server_other;   /* any other reason */
	double rst_no_socket;	   /* a segment for no socket: nobody listened on its port */
	double rst_client_sent;	   /* resets the clients sent (they closed with unread data) */
	/* resets the clients received, and of them in SYN_SENT (refused), in
	 * ESTABLISHED (ECONNRESET), in CLOSE_WAIT (after the server's FIN:
	 * the kernel reports EPIPE) */
	double rst_client_received, rst_client_received_syn;
	double rst_client_received_est, rst_client_received_close_wait;
	double rst_server_received;
	double server_closed_first,
		client_closed_first; /* the first FIN, on the server's sockets */
	double fins, fin_at_exit;    /* the server's FINs; sent by a task on its way out */
	double drops;		     /* packets dropped in the netns, all reasons (NAN: unseen) */
	int ndrops;
	struct drop_figure drop[FIG_MAX_DROPS];
	/* the server's failed syscalls (syscalls probe; NAN failed: not measured) */
	double failed_calls;
	/* its close()s of an answered connection another process still held */
	double closes_held_elsewhere;
	/* connections it accepted, and of those, accepted while another it had
	 * accepted was still open (NAN: not followed) */
	double accepted_conns, accepted_beside;
	int nerrnos;
	struct errno_figure errnos[FIG_MAX_ERRNOS];

	/* scheduler */
	double vol_switches, invol_switches;
	double runq_p99_us;
	double procs_created, threads_created;
	double tasks_exited; /* processes and threads */
	double max_threads;  /* most tasks alive at once, when known */
	double migrations;

	/* syscalls, by total time, descending */
	double syscalls;
	int nsyscalls;
	struct syscall_figure sys[FIG_MAX_SYSCALLS];

	/* io_uring */
	double uring_sqes, uring_cqes, uring_punted, uring_waits;

	/* page faults */
	double faults;		/* every one the server took */
	double faults_children; /* ... in processes other than its own (fork's) */
	double faults_major;	/* ... that read a page (a file, swap) */
	double faults_proc;	/* the kernel's own count: the server's process
				 * and the children it reaped (/proc/PID/stat) */

	/* the server's CPU time as the scheduler saw it (sched): time on a
	 * CPU, and what the kernel charged for it (cpu.stat's measure: more,
	 * since a woken task is charged from its wakeup) */
	double oncpu_us, charged_us;

	/* where that time went, sampled (cpu_profile); NAN when not sampled */
	double prof_samples;   /* samples of the server's tasks */
	double prof_period_us; /* time a sample stands for */
	double prof_us[CPU_KINDS];

	/* the server's tasks' time in the window (sched), summed over tasks:
	 * alive, and of that on a CPU, runnable on a run queue, blocked (by
	 * syscall in sys[].blocked_us, outside any syscall in blocked_other_us) */
	double life_us, running_us, runnable_us, blocked_us, blocked_other_us;
	/* tasks blocked the whole window (a thread waiting for a signal):
	 * none of the above, they serve nothing */
	double idle_tasks, idle_us;
};

/* A CPU busy this share of the run is saturated (by whatever kept it busy). */
#define CPU_SATURATED 0.85

/* Every figure NAN or zero, ready to fill. */
void figures_init(struct figures *f);
/* A syscall's figures, or NULL when it was not seen (or not measured). */
const struct syscall_figure *figures_syscall(const struct figures *f, const char *name);
/* A syscall's figures, found or added with all NAN (NULL: no room left). */
struct syscall_figure *figures_syscall_add(struct figures *f, const char *name);
/* Calls of any of the names (NULL-terminated), NAN if syscalls unmeasured. */
double figures_syscall_calls(const struct figures *f, const char *const names[]);
double figures_syscall_time_us(const struct figures *f, const char *const names[]);

/* The server's calls that failed with errno err ("EPIPE"), any syscall;
 * NAN when not measured. */
double figures_errno_calls(const struct figures *f, const char *err);

/* per request, NAN when either side is unknown or no request was served */
double per_request(const struct figures *f, double v);
double cpu_us_per_request(const struct figures *f);
/* share of the server's CPUs kept busy during the load (0..1) */
double cpu_busy_share(const struct figures *f);
/* the same for the load generator's CPUs (those its threads could use) */
double load_busy_share(const struct figures *f);
/* the server runs a single task (serial, or one event loop) */
/* the share of those CPUs its tasks wanted (load_wanted_us), NAN unknown */
double load_demand_share(const struct figures *f);
bool single_task_model(const struct figures *f);

#endif
