// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscalls: every system call of the target, with its count, time and a
 * log2 latency histogram (bcc's syscount -L, with histograms).
 *
 * raw_syscalls:sys_enter and sys_exit fire for every syscall of the whole
 * machine, so the cgroup test comes first: one helper call, and anything
 * outside the target returns at once.
 *
 * Hot, fast calls are timed one in SYSCALL_SAMPLE_ONE_IN (syscalls.h says
 * why); sample_mask = 0 times every call.
 *
 * A call is counted when it returns, as syscount counts: exit_group never
 * returns and is not counted. tp_btf's sys_exit carries no syscall number
 * (only pt_regs and the return value), so sys_enter keeps it with the
 * start time; a call that began before attach (a server blocked in
 * accept() when the probes came) is counted untimed, its number read from
 * the saved registers.
 *
 * A call that fails is counted once more by syscall and errno: only
 * failures pay for that lookup.
 *
 * A close() of a TCP connection that has sent data, while another process
 * still holds the descriptor (a parent that forked a child and kept its
 * copy), is counted: the FIN waits for that other process. Only close()
 * pays for the look at its file. The server's main process is left out: a
 * fork server's parent closes its copy after fork(), and its child may
 * well have answered by then; that close delays nothing.
 *
 * Each TCP connection accept() returns is kept (its struct sock, in
 * open_conns) until the server closes it (FIN_WAIT1, LAST_ACK) or it
 * dies (CLOSE), as inet_sock_set_state reports: an accept that finds one
 * kept is counted as made beside it. Only accept()'s returns pay for the
 * look at the file; every TCP state change on the machine pays a hash
 * delete when it enters one of those three states.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "probes/bits.bpf.h"
#include "probes/syscalls.h"
#include "probes/target.bpf.h"

/* time 1 call in sample_mask + 1 of a hot, fast syscall; 0: every call */
__u32 sample_mask = SYSCALL_SAMPLE_ONE_IN - 1;

#define UNTIMED 1 /* start_ns of a call counted but not timed */

struct call {
	__u64 start_ns; /* 0: no call in flight that we saw begin */
	__u32 nr;
};

/*
 * The call in flight, per thread. Task storage dies with its thread, so
 * a server that makes and ends thousands of threads leaks nothing, and a
 * lookup is a pointer walk rather than a hash.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct call);
} calls SEC(".maps");

/* Per CPU, so CPUs share no cache line on this path. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SYSCALL_SLOTS);
	__type(key, __u32);
	__type(value, struct syscall_counts);
} counts SEC(".maps");

/* Failed calls, per CPU: key SYSCALL_ERRNO_KEY(nr, errno). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, SYSCALL_ERRNO_KEYS);
	__type(key, __u32);
	__type(value, __u64);
} errnos SEC(".maps");

static __always_inline void count_errno(__u32 nr, long ret)
{
	__u32 key = SYSCALL_ERRNO_KEY(nr, (__u32)-ret);
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&errnos, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&errnos, &key, &one, BPF_NOEXIST); /* a full map: lost */
}

/* close()'s and accept()'s numbers on this architecture, and the server's
 * main process (0: none known), set by the loader */
const volatile __u32 nr_close = ~0u;
const volatile __u32 nr_accept = ~0u, nr_accept4 = ~0u;
/* inet_sock_set_state is attached: connections accepted are followed */
const volatile bool have_conns = false;
const volatile __u32 target_tgid = 0;

/* close()s that left an answered connection to another process */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} closes_held SEC(".maps");

/* The target's connections accepted and open, and how many (atomic: all
 * CPUs change it), and the accepts counted, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SYSCALL_OPEN_CONNS);
	__type(key, __u64);
	__type(value, __u8);
} open_conns SEC(".maps");

__s64 conns_open = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct syscall_accepts);
} accepts SEC(".maps");

#define S_IFMT	 00170000
#define S_IFSOCK 0140000

/* before 6.13 a file's references were an atomic_long_t f_count */
struct file___f_count {
	atomic_long_t f_count;
} __attribute__((preserve_access_index));

/* How many hold the file: file_ref_t counts one reference as 0. */
static __always_inline long file_refs(struct file *f)
{
	if (bpf_core_field_exists(f->f_ref))
		return BPF_CORE_READ(f, f_ref.refcnt.counter) + 1;
	return BPF_CORE_READ((struct file___f_count *)f, f_count.counter);
}

/* The current task's file of descriptor fd when it is a socket, or NULL. */
static __always_inline struct file *socket_file(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;

	if (!fdt || fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return NULL;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	return f;
}

/* The file's TCP connection, established and not closed by this end
 * (ESTABLISHED, CLOSE_WAIT), or NULL. */
static __always_inline struct sock *open_tcp(struct file *f)
{
	struct socket *sock = BPF_CORE_READ(f, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	__u8 state;

	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return NULL;
	state = BPF_CORE_READ(sk, __sk_common.skc_state);
	return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT ? sk : NULL;
}

/* accept() returned fd: counted, beside another still open or not, and
 * kept until it closes. */
static __always_inline void accepted(long fd)
{
	struct file *f = socket_file(fd);
	struct syscall_accepts *a;
	struct sock *sk;
	__u32 zero = 0;
	__u64 key;
	__u8 one = 1;

	if (!f || !(sk = open_tcp(f)))
		return;
	key = (__u64)sk;
	/* a full map: not followed, nor counted */
	if (bpf_map_update_elem(&open_conns, &key, &one, BPF_NOEXIST))
		return;
	a = bpf_map_lookup_elem(&accepts, &zero);
	if (!a)
		return;
	__sync_fetch_and_add(&a->accepted, 1);
	if (__sync_fetch_and_add(&conns_open, 1) > 0)
		__sync_fetch_and_add(&a->beside, 1);
}

static __always_inline void check_close(long fd)
{
	struct file *f;
	struct sock *sk;
	__u32 zero = 0;
	__u64 *n;

	if (bpf_get_current_pid_tgid() >> 32 == target_tgid)
		return;
	if (!(f = socket_file(fd)) || file_refs(f) < 2 || !(sk = open_tcp(f)) ||
	    !BPF_CORE_READ((struct tcp_sock *)sk, bytes_sent))
		return;
	n = bpf_map_lookup_elem(&closes_held, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
}

/* A syscall's number in its slot. */
static __always_inline __u32 slot_of(long nr)
{
	return nr < 0 || nr >= SYSCALL_SLOTS ? SYSCALL_SLOTS - 1 : nr;
}

/* Whether this call may go untimed: its syscall is hot and fast here. */
static __always_inline bool skip_timing(__u32 nr)
{
	struct syscall_counts *s;

	if (!sample_mask)
		return false;
	s = bpf_map_lookup_elem(&counts, &nr);
	return s && s->timed >= SYSCALL_HOT_TIMED && s->timed_ns < s->timed * SYSCALL_FAST_NS &&
	       (bpf_get_prandom_u32() & sample_mask);
}

static __always_inline int on_enter(long nr, long arg0)
{
	struct call *c;

	if (!current_in_target())
		return 0;
	if (nr == nr_close)
		check_close(arg0);
	c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return 0;
	c->nr = slot_of(nr);
	c->start_ns = skip_timing(c->nr) ? UNTIMED : bpf_ktime_get_ns();
	return 0;
}

/* nr: the call's number as the exit knows it, -1 when it does not */
static __always_inline int on_exit(long nr_known, long ret)
{
	struct syscall_counts *s;
	struct call *c;
	__u64 start, ns;
	__u32 nr;

	if (!current_in_target())
		return 0;
	c = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	if (c && c->start_ns) {
		start = c->start_ns;
		nr = c->nr;
		c->start_ns = 0;
	} else if (nr_known >= 0) { /* begun before attach */
		start = UNTIMED;
		nr = slot_of(nr_known);
	} else {
		return 0;
	}
	s = bpf_map_lookup_elem(&counts, &nr);
	if (!s)
		return 0;
	/*
	 * Atomic although per CPU: syscall tracepoints may fault (6.14+), and
	 * a program that can be preempted can meet another on its own CPU.
	 */
	__sync_fetch_and_add(&s->count, 1);
	if (ret < 0 && ret >= -SYSCALL_ERRNO_MAX)
		count_errno(nr, ret);
	else if (have_conns && (nr == nr_accept || nr == nr_accept4))
		accepted(ret);
	if (start == UNTIMED)
		return 0;
	ns = bpf_ktime_get_ns() - start;
	__sync_fetch_and_add(&s->timed, 1);
	__sync_fetch_and_add(&s->timed_ns, ns);
	if (ns > s->max_ns)
		s->max_ns = ns; /* a lost race loses a max, never a count */
	log2_hist_add(&s->hist, ns);
	return 0;
}

/* Where the kernel has BTF tracepoints (5.5+): no trace-record copy. */
SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_btf, struct pt_regs *regs, long nr)
{
	return on_enter(nr, nr == nr_close ? PT_REGS_PARM1_CORE_SYSCALL(regs) : 0);
}

/* The number of the syscall regs were saved for: x86's orig_ax, arm64's
 * syscallno; -1 elsewhere. */
static __always_inline long nr_in(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return regs->orig_ax;
#elif defined(__TARGET_ARCH_arm64)
	return regs->syscallno;
#else
	return -1;
#endif
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
	return on_exit(nr_in(regs), ret);
}

/* The same through the classic tracepoints, chosen by the loader. */
SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(ctx->id, ctx->args[0]);
}

SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->id, ctx->ret);
}

/* A connection closed by this end, or dead: no longer open. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(conn_closed, const struct sock *sk, int oldstate, int newstate)
{
	__u64 key = (__u64)sk;

	if (newstate != TCP_FIN_WAIT1 && newstate != TCP_LAST_ACK && newstate != TCP_CLOSE)
		return 0;
	if (!bpf_map_delete_elem(&open_conns, &key))
		__sync_fetch_and_add(&conns_open, -1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
