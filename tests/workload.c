// SPDX-License-Identifier: MIT
/*
 * workload: programs whose answer is known, for the probe tests (not a
 * test itself). It waits for one byte on stdin, then runs its steps in
 * every thread (--threads) or process (--procs), then exits; with --hold
 * it stays, every task blocked, until stdin closes, so /proc can be read
 * while the probes look at the same moment.
 *
 * Between the byte and the exit it makes exactly the syscalls its steps
 * name, plus those of starting and ending its threads or processes, and
 * of --report (one write); and the page faults they name (touch, mapfile),
 * plus a few of its own (a fork's copies on write, stdio's buffer), which
 * --report counts as getrusage() does. tests/lib/workload.h starts it in a
 * cgroup.
 */
#include "common/clock.h"

#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <liburing.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_STEPS   16
#define MAX_WORKERS 64

enum step_kind {
	GETPPID,
	WRITE,
	EPIPE_WRITE,
	SLEEP,
	YIELD,
	SPIN,
	MIX,
	HOP,
	NOP,
	TOUCH,
	MAPFILE,
	PIPE,
	UFFD,
	PUNT,
	FORK,
	ACCEPT
};

struct step {
	enum step_kind kind;
	long n, arg;
};

static struct env {
	int threads, procs, cpu, nsteps;
	bool hold, report, fifo;
	struct step steps[MAX_STEPS];
} env = { .cpu = -1 };

static int devnull = -1, devzero = -1;
/* every worker and main meet here once the steps are done (--hold) */
static pthread_barrier_t *done;
/* main's own counts when it was told to go: --report gives what came after */
static struct rusage at_go;

const char *argp_program_version = "workload 1";
static const char doc[] = "Programs whose answer is known, for the probe tests.\n\n"

			  "Waits for one byte on stdin, runs the steps in each worker, exits.\n"
			  "STEPs:\n"
			  "  getppid K     K getppid() calls\n"
			  "  write K       K one-byte write()s to /dev/null\n"
			  "  epipe K       K one-byte write()s to a pipe nobody reads: EPIPE\n"
			  "  sleep N US    N nanosleep()s of US microseconds\n"
			  "  yield N       N sched_yield()s\n"
			  "  spin MS       burn the CPU for MS milliseconds\n"
			  "  mix N         N rounds of getppid, getpid, write, read, lseek,\n"
			  "                openat+close, sched_yield, nanosleep(0)\n"
			  "  hop N         move to the other of CPUs 0 and 1, N times\n"
			  "  nop N         N io_uring NOPs, each submitted and waited for\n"
			  "  punt N US     the same, each run by an io-wq worker (IOSQE_ASYNC),\n"
			  "                US microseconds apart\n"
			  "  touch N       write to N fresh pages: N minor faults\n"
			  "  mapfile N     read N pages of a file not in the page cache\n"
			  "                through a mapping: major faults\n"
			  "  pipe N US     N one-byte read()s of a pipe, a byte written every\n"
			  "                US microseconds by a thread of its own (nanosleep)\n"
			  "  uffd N US     N page faults, each waiting US microseconds for a\n"
			  "                thread of its own to fill the page (userfaultfd)\n"
			  "  fork N        N fork()s of a child that exits, each waited for\n"
			  "  accept N K    N rounds of K loopback connections made, then\n"
			  "                accepted, then closed: by this end (even rounds,\n"
			  "                accept4) or reset by the peer first (odd, accept)\n\n"
			  "EXAMPLES:\n"
			  "  workload getppid 1000 write 1000\n"
			  "  workload --threads 2 --cpu 1 --hold spin 1000\n"
			  "  workload --procs 4 sleep 100 200";

static const struct argp_option opts[] = {
	{ "threads", 't', "N", 0, "run the steps in N threads (main waits)", 0 },
	{ "procs", 'p', "N", 0, "run the steps in N forked processes (main waits)", 0 },
	{ "cpu", 'c', "CPU", 0, "pin every worker to this CPU", 0 },
	{ "hold", 'H', NULL, 0, "when done, print \"done\" and stay until stdin closes", 0 },
	{ "report", 'r', NULL, 0,
	  "when done, print the context switches and page faults getrusage() counts", 0 },
	{ "fifo", 'f', NULL, 0,
	  "run as SCHED_FIFO (root): woken, run at once, whatever else is busy", 0 },
	{},
};

static long number(const char *s, struct argp_state *state)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0)
		argp_error(state, "not a number: %s", s);
	return v;
}

static error_t parse(int key, char *arg, struct argp_state *state)
{
	static const struct {
		const char *name;
		enum step_kind kind;
		int args;
	} kinds[] = {
		{ "getppid", GETPPID, 1 },   { "write", WRITE, 1 },	{ "sleep", SLEEP, 2 },
		{ "epipe", EPIPE_WRITE, 1 }, { "yield", YIELD, 1 },	{ "spin", SPIN, 1 },
		{ "mix", MIX, 1 },	     { "hop", HOP, 1 },		{ "nop", NOP, 1 },
		{ "touch", TOUCH, 1 },	     { "mapfile", MAPFILE, 1 }, { "pipe", PIPE, 2 },
		{ "uffd", UFFD, 2 },	     { "punt", PUNT, 2 },	{ "fork", FORK, 1 },
		{ "accept", ACCEPT, 2 },
	};

	switch (key) {
	case 't':
		env.threads = number(arg, state);
		break;
	case 'p':
		env.procs = number(arg, state);
		break;
	case 'c':
		env.cpu = number(arg, state);
		break;
	case 'H':
		env.hold = true;
		break;
	case 'r':
		env.report = true;
		break;
	case 'f':
		env.fifo = true;
		break;
	case ARGP_KEY_ARG:
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			struct step *s = &env.steps[env.nsteps];

			if (strcmp(arg, kinds[i].name))
				continue;
			if (env.nsteps == MAX_STEPS)
				argp_error(state, "too many steps");
			if (state->next + kinds[i].args > state->argc)
				argp_error(state, "%s: missing argument", arg);
			s->kind = kinds[i].kind;
			s->n = number(state->argv[state->next++], state);
			if (kinds[i].args > 1)
				s->arg = number(state->argv[state->next++], state);
			env.nsteps++;
			return 0;
		}
		argp_error(state, "unknown step: %s", arg);
		break;
	case ARGP_KEY_END:
		if (!env.nsteps)
			argp_usage(state);
		if (env.threads > MAX_WORKERS || env.procs > MAX_WORKERS)
			argp_error(state, "at most %d workers", MAX_WORKERS);
		if (env.threads && env.procs)
			argp_error(state, "--threads or --procs, not both");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void nap(long us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };

	nanosleep(&ts, NULL);
}

/* n pages of anonymous memory, never touched: no huge page, whatever
 * transparent_hugepage says, so that each page is one fault. */
static char *fresh_pages(long n, long page)
{
	char *m = mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED || madvise(m, n * page, MADV_NOHUGEPAGE))
		exit(1);
	return m;
}

/*
 * n pages of a file (in /var/tmp, unlinked at once), written, synced and
 * dropped from the page cache, then mapped and read a byte a page: with
 * read-ahead off (MADV_RANDOM) each page is read by its own major fault.
 */
static long map_file(long n, long page)
{
	char path[] = "/var/tmp/workload-XXXXXX", buf[4096];
	int fd = mkstemp(path);
	volatile char sum = 0;
	char *m;

	if (fd < 0 || unlink(path) || page > (long)sizeof(buf))
		exit(1);
	memset(buf, 'x', sizeof(buf));
	for (long k = 0; k < n; k++)
		if (write(fd, buf, page) != page)
			exit(1);
	if (fsync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		exit(1);
	m = mmap(NULL, n * page, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED || madvise(m, n * page, MADV_RANDOM))
		exit(1);
	for (long k = 0; k < n; k++)
		sum += m[k * page];
	munmap(m, n * page);
	close(fd);
	return sum;
}

struct feed {
	int fd;
	long n, us;
};

/* The writing end of a pipe step: a byte every us microseconds. */
static void *feed(void *arg)
{
	const struct feed *f = arg;

	for (long k = 0; k < f->n; k++) {
		nap(f->us);
		if (write(f->fd, "x", 1) != 1)
			exit(1);
	}
	return NULL;
}

/* Blocks in read() n times, for about us each. */
static void pipe_read(long n, long us)
{
	struct feed f = { .n = n, .us = us };
	int fds[2];
	pthread_t t;
	char c;

	if (pipe2(fds, O_CLOEXEC))
		exit(1);
	f.fd = fds[1];
	if (pthread_create(&t, NULL, feed, &f))
		exit(1);
	for (long k = 0; k < n; k++)
		if (read(fds[0], &c, 1) != 1)
			exit(1);
	pthread_join(t, NULL);
	close(fds[0]);
	close(fds[1]);
}

struct filler {
	int uffd;
	long n, us, page;
};

/* The other side of a uffd step: each fault's page filled us later. */
static void *fill(void *arg)
{
	const struct filler *f = arg;

	for (long k = 0; k < f->n; k++) {
		struct uffd_msg msg;
		struct uffdio_zeropage z = { .range.len = f->page };

		if (read(f->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
		    msg.event != UFFD_EVENT_PAGEFAULT)
			exit(1);
		nap(f->us);
		z.range.start = msg.arg.pagefault.address & ~(f->page - 1);
		if (ioctl(f->uffd, UFFDIO_ZEROPAGE, &z))
			exit(1);
	}
	return NULL;
}

/* n faults that each block about us, in no syscall. */
static long fault_wait(long n, long us)
{
	long page = sysconf(_SC_PAGESIZE);
	struct filler f = { .n = n, .us = us, .page = page };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	volatile char sum = 0;
	pthread_t t;
	char *m;

	f.uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	m = fresh_pages(n, page);
	reg.range.start = (unsigned long)m;
	reg.range.len = n * page;
	if (f.uffd < 0 || ioctl(f.uffd, UFFDIO_API, &api) || ioctl(f.uffd, UFFDIO_REGISTER, &reg) ||
	    pthread_create(&t, NULL, fill, &f))
		exit(1);
	for (long k = 0; k < n; k++)
		sum += m[k * page];
	pthread_join(t, NULL);
	munmap(m, n * page);
	close(f.uffd);
	return sum;
}

/* n io_uring NOPs with sqe flags, each submitted and waited for, us apart. */
static void uring_nops(long n, unsigned flags, long us)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;

	if (io_uring_queue_init(8, &ring, 0))
		exit(1);
	for (long k = 0; k < n; k++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_nop(sqe);
		sqe->flags |= flags;
		if (io_uring_submit_and_wait(&ring, 1) != 1 || io_uring_wait_cqe(&ring, &cqe))
			exit(1);
		io_uring_cqe_seen(&ring, cqe);
		if (us)
			nap(us);
	}
	io_uring_queue_exit(&ring);
}

/* A loopback listener on a port of the kernel's choice; its address in a. */
static int listener(struct sockaddr_in *a, int backlog)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	*a = (struct sockaddr_in){ .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof(*a)) || listen(fd, backlog) ||
	    getsockname(fd, (struct sockaddr *)a, &len))
		exit(1);
	return fd;
}

/*
 * rounds x k connections accepted while k - 1 others of the round are
 * open: each round's first finds none open, as the last round's were all
 * closed, by this end or reset by the peer (this end's close then finds
 * the connection dead already).
 */
static void accept_rounds(long rounds, long k)
{
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	int clients[MAX_WORKERS], served[MAX_WORKERS];
	struct sockaddr_in a;
	int lfd;

	if (k < 1 || k > MAX_WORKERS)
		exit(1);
	lfd = listener(&a, k);
	for (long r = 0; r < rounds; r++) {
		bool by_peer = r % 2;

		for (long i = 0; i < k; i++) {
			clients[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (clients[i] < 0 || connect(clients[i], (struct sockaddr *)&a, sizeof(a)))
				exit(1);
		}
		for (long i = 0; i < k; i++) {
			served[i] = by_peer ? (int)syscall(SYS_accept, lfd, NULL, NULL)
					    : accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (served[i] < 0)
				exit(1);
		}
		for (long i = 0; i < k; i++) {
			char c;

			if (by_peer) {
				if (setsockopt(clients[i], SOL_SOCKET, SO_LINGER, &reset,
					       sizeof(reset)))
					exit(1);
				close(clients[i]);
				/* the reset arrived: this end's socket is dead */
				if (read(served[i], &c, 1) != -1 || errno != ECONNRESET)
					exit(1);
				close(served[i]);
			} else {
				close(served[i]);
				close(clients[i]);
			}
		}
	}
	close(lfd);
}

static void run_steps(void)
{
	char c = 'x', buf[1];

	for (int i = 0; i < env.nsteps; i++) {
		const struct step *s = &env.steps[i];

		switch (s->kind) {
		case GETPPID:
			/* syscall(): glibc may cache some ids; this one always enters */
			for (long k = 0; k < s->n; k++)
				syscall(SYS_getppid);
			break;
		case WRITE:
			for (long k = 0; k < s->n; k++)
				if (write(devnull, &c, 1) != 1)
					exit(1);
			break;
		case EPIPE_WRITE: {
			int fds[2];

			/* SIGPIPE ignored: each write fails with EPIPE instead */
			signal(SIGPIPE, SIG_IGN);
			if (pipe(fds))
				exit(1);
			close(fds[0]);
			for (long k = 0; k < s->n; k++)
				if (write(fds[1], &c, 1) != -1 || errno != EPIPE)
					exit(1);
			close(fds[1]);
			break;
		}
		case SLEEP:
			for (long k = 0; k < s->n; k++)
				nap(s->arg);
			break;
		case YIELD:
			for (long k = 0; k < s->n; k++)
				sched_yield();
			break;
		case SPIN: {
			long long end = (long long)mono_ns() + s->n * 1000000LL;

			while ((long long)mono_ns() < end)
				;
			break;
		}
		case HOP:
			/* pinned to one CPU, then to the other: N migrations */
			for (long k = 0; k < s->n; k++) {
				cpu_set_t set;

				CPU_ZERO(&set);
				CPU_SET(sched_getcpu() == 0 ? 1 : 0, &set);
				if (sched_setaffinity(0, sizeof(set), &set))
					exit(1);
			}
			break;
		case NOP:
			uring_nops(s->n, 0, 0);
			break;
		case PUNT:
			uring_nops(s->n, IOSQE_ASYNC, s->arg);
			break;
		case TOUCH: {
			long page = sysconf(_SC_PAGESIZE);
			char *m = fresh_pages(s->n, page);

			for (long k = 0; k < s->n; k++)
				m[k * page] = 1;
			munmap(m, s->n * page);
			break;
		}
		case MAPFILE:
			map_file(s->n, sysconf(_SC_PAGESIZE));
			break;
		case PIPE:
			pipe_read(s->n, s->arg);
			break;
		case UFFD:
			fault_wait(s->n, s->arg);
			break;
		case ACCEPT:
			accept_rounds(s->n, s->arg);
			break;
		case FORK:
			for (long k = 0; k < s->n; k++) {
				pid_t pid = fork();
				int status;

				if (pid == 0)
					_exit(0);
				if (pid < 0 || waitpid(pid, &status, 0) != pid || status)
					exit(1);
			}
			break;
		case MIX:
			for (long k = 0; k < s->n; k++) {
				int fd;

				syscall(SYS_getppid);
				syscall(SYS_getpid);
				if (write(devnull, &c, 1) != 1 || read(devzero, buf, 1) != 1)
					exit(1);
				lseek(devzero, 0, SEEK_SET);
				fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
				if (fd >= 0)
					close(fd);
				sched_yield();
				nap(0);
			}
			break;
		}
	}
}

/* A worker: the steps, then (--hold) wait with the others and stay. */
static void worker(void)
{
	run_steps();
	if (env.hold) {
		pthread_barrier_wait(done);
		for (;;)
			pause();
	}
}

static void *thread_main(void *arg)
{
	(void)arg;
	worker();
	return NULL;
}

/* Context switches, main's own and its waited-for children's, since it
 * started; page faults since it was told to go. */
static void report(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	printf("done nvcsw=%ld nivcsw=%ld children_nvcsw=%ld children_nivcsw=%ld "
	       "minflt=%ld majflt=%ld children_minflt=%ld children_majflt=%ld\n",
	       self.ru_nvcsw, self.ru_nivcsw, kids.ru_nvcsw, kids.ru_nivcsw,
	       self.ru_minflt - at_go.ru_minflt, self.ru_majflt - at_go.ru_majflt, kids.ru_minflt,
	       kids.ru_majflt);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse, "STEP...", doc, NULL, NULL, NULL };
	int workers, status, err = 0;
	pthread_barrierattr_t ba;
	pthread_t tids[MAX_WORKERS];
	pid_t pids[MAX_WORKERS];
	char go;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return 2;
	workers = env.threads + env.procs;
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	devzero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	/* process-shared, so forked workers can wait in it too */
	done = mmap(NULL, sizeof(*done), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (devnull < 0 || devzero < 0 || done == MAP_FAILED) {
		perror("workload: set-up");
		return 1;
	}
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(done, &ba, (workers ? workers : 1) + (workers ? 1 : 0));
	if (env.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(env.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			perror("workload: sched_setaffinity");
			return 1;
		}
	}
	if (env.fifo) {
		struct sched_param sp = { .sched_priority = 1 };

		if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
			perror("workload: sched_setscheduler");
			return 1;
		}
	}
	if (read(STDIN_FILENO, &go, 1) != 1)
		return 1; /* nobody said go */
	getrusage(RUSAGE_SELF, &at_go);

	if (!workers) {
		run_steps();
	} else if (env.threads) {
		for (int i = 0; i < env.threads; i++)
			if (pthread_create(&tids[i], NULL, thread_main, NULL))
				return 1;
		if (!env.hold)
			for (int i = 0; i < env.threads; i++)
				pthread_join(tids[i], NULL);
	} else {
		for (int i = 0; i < env.procs; i++) {
			pids[i] = fork();
			if (pids[i] < 0)
				return 1;
			if (pids[i] == 0) {
				worker();
				_exit(0);
			}
		}
		if (!env.hold)
			for (int i = 0; i < env.procs; i++)
				if (waitpid(pids[i], &status, 0) < 0 || status)
					err = 1;
	}
	if (env.hold && workers)
		pthread_barrier_wait(done);
	if (env.report || env.hold)
		report();
	if (env.hold) /* until stdin closes: then everything ends with us */
		while (read(STDIN_FILENO, &go, 1) > 0)
			;
	if (env.hold && env.procs)
		for (int i = 0; i < env.procs; i++)
			kill(pids[i], SIGKILL);
	_exit(err);
}
