#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"
#include "pin.h"

/* perf prints a few hundred bytes; anything past this is dropped (and said to be). */
#define OUTPUT_MAX 4096
/*
 * Guest seconds a peer may run before it is killed. Under tcg-icount guest time is instructions
 * (1 ns each), which the emulator runs at a few hundred million a second, so this is also well
 * inside the harness's default benchmarkSeconds of silence on the data channel.
 */
#ifndef PEER_TIMEOUT_MS
#define PEER_TIMEOUT_MS 60000
#endif
/*
 * Fewest loops a peer is asked for. perf bench times its whole run, including (sched pipe)
 * forking and reaping its two processes, a few million instructions for a 9 MB binary with 30
 * shared libraries; at 100000 loops that adds well under 1% to its per-operation figure.
 */
#define PEER_MIN_LOOPS 100000
/* The vCPU the peer's processes are pinned to, as our ".same" and syscall figures are. */
#define PEER_CPU 0

struct peer_bench {
	const char *bench;        /* HB_KEY_PEER_BENCH */
	const char *compare_with; /* our metric */
	const char *subcommand[2];
};

/*
 * perf bench sched pipe: two processes (perf forks both) bounce an int through two pipes, -l
 * round trips, timed with gettimeofday around the forks and waits; our counterpart times each
 * round trip between two processes on one vCPU. perf bench syscall basic: -l getppid() calls in
 * a loop, timed around the loop; our counterpart times each getppid.
 */
static const struct peer_bench perf_benches[] = {
	{ "sched-pipe", "ipc.roundtrip.pipe.process.same", { "sched", "pipe" } },
	{ "syscall-basic", "syscall.null", { "syscall", "basic" } },
};

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct captured {
	char out[OUTPUT_MAX + 1];
	size_t len;
	int truncated;
	int timed_out;
	int status;       /* waitpid's, valid when waited */
	int waited;
	const char *failed_op; /* set when the tool could not be started or waited for */
	int error;
};

/*
 * Runs path with argv and a fixed environment, its stdout and stderr both into one pipe, in its
 * own process group so that on a timeout the tool and every process it forked can be killed.
 */
static void run_captured(const char *path, char *const argv[], struct captured *c)
{
	static char *const envp[] = { "PATH=/usr/bin:/bin", "HOME=/", "LC_ALL=C", "TERM=dumb", NULL };
	int fds[2];
	pid_t pid;
	uint64_t deadline;

	memset(c, 0, sizeof *c);
	if (pipe2(fds, O_CLOEXEC)) {
		c->failed_op = "pipe2";
		c->error = errno;
		return;
	}
	pid = fork();
	if (pid < 0) {
		c->failed_op = "fork";
		c->error = errno;
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		/* The payload ignores SIGPIPE, and an ignored signal stays ignored across execve. */
		signal(SIGPIPE, SIG_DFL);
		/* dup2 clears O_CLOEXEC on the copies. */
		if (dup2(fds[1], 1) < 0 || dup2(fds[1], 2) < 0)
			_exit(126);
		execve(path, argv, envp);
		dprintf(2, "hb-payload: execve %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid); /* also from here, so it holds before the child runs */
	close(fds[1]);
	deadline = monotonic_ms() + PEER_TIMEOUT_MS;
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		uint64_t now = monotonic_ms();
		char buf[512];
		ssize_t n;
		int rc;

		if (now >= deadline) {
			c->timed_out = 1;
			kill(-pid, SIGKILL);
			break;
		}
		rc = poll(&p, 1, (int)(deadline - now));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			continue; /* timeout: caught at the top */
		n = read(fds[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EOF: every writer (the tool and its children) has gone */
		for (ssize_t i = 0; i < n; i++) {
			if (c->len < OUTPUT_MAX)
				c->out[c->len++] = buf[i];
			else
				c->truncated = 1;
		}
	}
	c->out[c->len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &c->status, 0) < 0) {
		if (errno != EINTR) {
			c->failed_op = "waitpid";
			c->error = errno;
			return;
		}
	}
	c->waited = 1;
	/* Children perf forked and left behind (only after a kill) belong to the group: reap them. */
	if (c->timed_out)
		while (waitpid(-pid, NULL, WNOHANG) > 0)
			;
}

/* Lines of printable ASCII joined with " | ", blank lines dropped; other bytes become '?'. */
static void join_lines(const char *in, size_t len, char *out, size_t size)
{
	size_t o = 0;
	int line_has_text = 0, pending_sep = 0;

	for (size_t i = 0; i < len && o + 1 < size; i++) {
		char ch = in[i];

		if (ch == '\n' || ch == '\r') {
			if (line_has_text)
				pending_sep = 1;
			line_has_text = 0;
			continue;
		}
		if (ch == '\t')
			ch = ' ';
		if (!line_has_text && ch == ' ')
			continue; /* leading blanks: perf right-aligns its figures */
		if (pending_sep) {
			if (o + 4 >= size)
				break;
			memcpy(out + o, " | ", 3);
			o += 3;
			pending_sep = 0;
		}
		out[o++] = (ch >= 0x20 && ch <= 0x7e) ? ch : '?';
		line_has_text = 1;
	}
	out[o] = '\0';
}

static void exit_text(const struct captured *c, char *buf, size_t size)
{
	if (!c->waited)
		snprintf(buf, size, "none");
	else if (WIFEXITED(c->status))
		snprintf(buf, size, "%d", WEXITSTATUS(c->status));
	else if (WIFSIGNALED(c->status))
		snprintf(buf, size, "signal %d", WTERMSIG(c->status));
	else
		snprintf(buf, size, "status %d", c->status);
}

static void run_perf_bench(struct hb_wire *w, const struct peer_bench *b, uint32_t loops)
{
	static struct captured c; /* 4 KiB: kept off the stack */
	char loops_text[16], command[128], affinity[64] = "", exit_buf[32], reason[192] = "";
	char output[OUTPUT_MAX + 64];
	char *argv[] = { "perf", "bench", (char *)b->subcommand[0], (char *)b->subcommand[1], "-l", loops_text, NULL };
	int err;

	snprintf(loops_text, sizeof loops_text, "%u", loops);
	snprintf(command, sizeof command, "perf bench %s %s -l %u", b->subcommand[0], b->subcommand[1], loops);
	memset(&c, 0, sizeof c);
	output[0] = '\0';

	/* perf and the processes it forks inherit this thread's CPU set. */
	if (hb_cpu_usable(PEER_CPU) && (err = hb_pin_self(PEER_CPU)))
		snprintf(reason, sizeof reason, "sched_setaffinity: %s", strerror(err));
	hb_affinity_self(affinity, sizeof affinity);

	if (!reason[0] && access(HB_PERF_PATH, X_OK))
		snprintf(reason, sizeof reason, "%s not in the guest (%s): the initramfs was built without peers: [perf]",
			 HB_PERF_PATH, strerror(errno));
	if (!reason[0]) {
		fprintf(stderr, "hb: peer: %s: ", command);
		run_captured(HB_PERF_PATH, argv, &c);
		join_lines(c.out, c.len, output, sizeof output - 32);
		if (c.truncated)
			strcat(output, " | (output truncated)");
		exit_text(&c, exit_buf, sizeof exit_buf);
		if (c.failed_op)
			snprintf(reason, sizeof reason, "%s: %s", c.failed_op, strerror(c.error));
		else if (c.timed_out)
			snprintf(reason, sizeof reason, "killed after %g s (guest time) without finishing", PEER_TIMEOUT_MS / 1000.0);
		else if (!WIFEXITED(c.status) || WEXITSTATUS(c.status) != 0)
			snprintf(reason, sizeof reason, "perf exited with %s", exit_buf);
		fprintf(stderr, "%s\n", reason[0] ? reason : "done");
	} else {
		snprintf(exit_buf, sizeof exit_buf, "none");
		fprintf(stderr, "hb: peer: %s: %s\n", command, reason);
	}
	hb_pin_restore();

	hb_wire_kv_begin(w, HB_REC_PEER);
	hb_wire_kv_str(w, HB_KEY_PEER, "perf");
	hb_wire_kv_str(w, HB_KEY_PEER_BENCH, b->bench);
	hb_wire_kv_str(w, HB_KEY_COMPARE_WITH, b->compare_with);
	hb_wire_kv_str(w, HB_KEY_COMMAND, command);
	hb_wire_kv_u64(w, HB_KEY_LOOPS, loops);
	hb_wire_kv_str(w, HB_KEY_VCPUS, hb_cpu_usable(PEER_CPU) ? "0" : "");
	hb_wire_kv_str(w, HB_KEY_AFFINITY, affinity);
	hb_wire_kv_str(w, HB_KEY_EXIT, exit_buf);
	hb_wire_kv_str(w, HB_KEY_OUTPUT, output);
	if (reason[0])
		hb_wire_kv_str(w, HB_KEY_REASON, reason);
	hb_wire_kv_end(w);
}

void hb_run_peers(struct hb_wire *w, const struct hb_options *o)
{
	if (!(o->peers & HB_PEER_PERF))
		return;
	for (size_t i = 0; i < sizeof perf_benches / sizeof perf_benches[0]; i++)
		run_perf_bench(w, &perf_benches[i],
			       o->settings.iterations > PEER_MIN_LOOPS ? o->settings.iterations : PEER_MIN_LOOPS);
}
