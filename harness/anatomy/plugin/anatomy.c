/*
 * The cost-anatomy TCG plugin (docs/anatomy.md): where a benchmark's instructions go.
 *
 * The payloads mark each benchmark's timed loop with two 8-byte NOPs (guests/common/anatomy.h):
 * 0f 1f 84 00 01 CC 42 48 begins a region, 0f 1f 84 00 02 00 42 48 ends it. Inside a region the
 * user-mode timer reads (rdtscp 0f 01 f9, rdtsc 0f 31) open and close the windows: the payloads
 * read the timer at each sample's start and end. Which reads do is the begin mark's cycle byte CC
 * (P << 4 | A << 2 | B): the reads come in cycles of P, counted from the region's first, and each
 * cycle's read A opens a window that its read B closes. 00 means P = 2, A = 0, B = 1 (every read
 * toggles): only the measuring thread reads the timer. A one-way IPC, where the partner reads it too
 * (client, server, server, client), says P = 4 and A, B = 0, 1 or 2, 3; reads between A and B stay
 * inside the window. Kernel timer reads (Linux's sched_clock reads the TSC when it schedules) are
 * not the payload's and count for nothing. While a window is open the plugin counts
 * executed instructions (user and kernel apart, by virtual address), memory accesses, privilege
 * transitions by kind, CR3 writes and executions per translation block. At exit it writes one JSON
 * document to the file its `out` argument names.
 *
 * Counting is cheap where it runs on every instruction of the boot: inline additions to global
 * counters (no helper call), read at each window's start and end. Only the rare instructions that
 * matter (timer reads, marks, transitions, CR3 writes) get a callback, and every translation block
 * one callback that counts its executions while a window is open. Under -icount the vCPUs run one
 * at a time (round robin in one thread), so nothing here needs a lock.
 *
 * Arguments (-plugin anatomy.so,out=FILE,bits=64,kernel=0xffff800000000000[,top=N]):
 *   out     the JSON file (required)
 *   bits    64 or 32: how the guest's code decodes (REX prefixes exist only in 64-bit code)
 *   kernel  lowest kernel virtual address; an instruction at or above it is kernel
 *   top     at most this many blocks per region in the output (most instructions first); default
 *           0: every block executed inside a window, for the host to aggregate into functions
 *
 * The QEMU plugin API (version 1, QEMU 7.2) is declared below, as far as this file uses it: Debian
 * ships no qemu-plugin.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the QEMU 7.2 plugin API, our own declarations ---- */

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_info_t;

enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_mem_rw { QEMU_PLUGIN_MEM_R = 1, QEMU_PLUGIN_MEM_W = 2, QEMU_PLUGIN_MEM_RW = 3 };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

typedef void (*hb_tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*hb_vcpu_udata_cb)(unsigned int vcpu_index, void *userdata);
typedef void (*hb_udata_cb)(qemu_plugin_id_t id, void *userdata);

extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, hb_tb_trans_cb cb);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
extern struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
extern const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
extern size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
extern uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
extern void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, hb_vcpu_udata_cb cb,
						 enum qemu_plugin_cb_flags flags, void *userdata);
extern void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, hb_vcpu_udata_cb cb,
						   enum qemu_plugin_cb_flags flags, void *userdata);
extern void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
						       void *ptr, uint64_t imm);
extern void qemu_plugin_register_vcpu_mem_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_mem_rw rw,
						 enum qemu_plugin_op op, void *ptr, uint64_t imm);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, hb_udata_cb cb, void *userdata);
extern void qemu_plugin_outs(const char *string);

#define HB_EXPORT __attribute__((visibility("default")))

HB_EXPORT int qemu_plugin_version = 1;

/* ---- what is counted ---- */

enum hb_kind {
	HB_K_SYSCALL,
	HB_K_SYSRET,
	HB_K_SYSENTER,
	HB_K_SYSEXIT,
	HB_K_INT,
	HB_K_IRET,
	HB_K_LCALL,
	HB_K_NTRANS, /* transitions above, the rest below */
	HB_K_CR3 = HB_K_NTRANS,
	HB_K_TIMER,
	HB_K_BEGIN,
	HB_K_END,
	HB_K_NONE,
};

static const char *const trans_names[HB_K_NTRANS] = { "syscall", "sysret", "sysenter", "sysexit", "int", "iret", "lcall" };

/*
 * A block as the guest ran it: its start address and size, with its executions (starts) while a
 * window was open and the instructions it ran inside windows. Every translation of the same
 * (address, size) shares one, so a block retranslated after a TB flush or in another address space
 * at the same address is one entry; the same address with another size (icount ends a block early
 * at an I/O instruction, a page boundary cuts one) is another. The table of them is bounded by the
 * guest's code that runs, not by how long it runs or how often QEMU retranslates.
 */
struct hb_tb {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t execs;
	uint64_t ran; /* instructions it executed inside windows: exact, see on_tb() */
};

struct hb_hist {
	uint64_t vaddr, execs, insns;
};

/* The reads that bound a window (the begin mark's cycle byte, anatomy.h). */
struct hb_cycle {
	unsigned reads, open, close;
};

struct hb_region {
	struct hb_cycle cycle;
	unsigned phase; /* the next user timer read's index in its cycle */
	uint64_t timer_reads, windows, user, kernel, mem, cr3;
	uint64_t trans[HB_K_NTRANS];
	int ended;
	struct hb_hist *top;
	size_t ntop;
	uint64_t *sizes; /* instructions of each window, in order; sorted at the region's end */
	size_t nsizes, cap_sizes;
};

/* Inline counters: every instruction and memory access of the whole run. */
static uint64_t count_user, count_kernel, count_mem;

static struct {
	char *out;
	int bits;
	uint64_t kernel;
	size_t top;
	/*
	 * User timer reads count only in [timers_lo, timers_hi): the payload's own code. A guest where
	 * other processes run beside the payload (a Debian system: systemd, sshd) reads the TSC in user
	 * mode through the vDSO too, and those reads must not move a region's cycle. All by default.
	 */
	uint64_t timers_lo, timers_hi;
} opt = { NULL, 64, 0xffff800000000000ull, 0, 0, UINT64_MAX };

static int in_region, window_open;
static uint64_t snap_user, snap_kernel, snap_mem;
static struct hb_region *regions;
static size_t nregions, cap_regions;
/* Open addressing, power-of-two capacity, at most half full; the entries never move (QEMU holds them). */
static struct hb_tb **tbs;
static size_t ntbs, cap_tbs;
static uint64_t unbalanced_marks;
/*
 * The block executing now and the instruction count when it started (or when the window opened in
 * it). Each block's instructions inside windows are the count's growth until the next block starts,
 * or the window closes, not executions times size: a block left early (an interrupt, an exception,
 * a context switch's exit from the TB) ran only part of itself. The vCPUs take turns in one thread
 * under -icount, switching between blocks, so one "now" serves them all; summed over a window's
 * blocks this telescopes to the window's size exactly.
 */
static struct hb_tb *cur_tb;
static uint64_t cur_start;

static uint64_t count_all(void)
{
	return count_user + count_kernel;
}

static struct hb_region *current(void)
{
	return &regions[nregions - 1];
}

/* ---- decoding the few instructions that matter ---- */

static enum hb_kind classify(const uint8_t *b, size_t n)
{
	size_t i = 0;
	int rex_w = 0;

	if (n == 8 && b[0] == 0x0f && b[1] == 0x1f && b[2] == 0x84 && b[3] == 0x00 && b[6] == 0x42 && b[7] == 0x48) {
		if (b[4] == 0x01)
			return HB_K_BEGIN; /* b[5]: the cycle */
		if (b[4] == 0x02 && b[5] == 0x00)
			return HB_K_END;
	}
	/* Legacy prefixes, then (64-bit code only) one REX prefix. */
	while (i < n && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 || b[i] == 0xf2 || b[i] == 0xf3 ||
			 b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e || b[i] == 0x26 || b[i] == 0x64 || b[i] == 0x65))
		i++;
	if (opt.bits == 64 && i < n && (b[i] & 0xf0) == 0x40) {
		rex_w = (b[i] & 0x08) != 0;
		i++;
	}
	(void)rex_w;
	if (i >= n)
		return HB_K_NONE;
	switch (b[i]) {
	case 0xcc: /* int3 */
	case 0xcd: /* int n */
	case 0xce: /* into */
		return HB_K_INT;
	case 0xcf: /* iret, iretq */
		return HB_K_IRET;
	case 0x9a: /* lcall ptr16:32 (32-bit code) */
		return HB_K_LCALL;
	case 0xff: /* ff /3: lcall m16:32 */
		return i + 1 < n && ((b[i + 1] >> 3) & 7) == 3 ? HB_K_LCALL : HB_K_NONE;
	case 0x0f:
		if (i + 1 >= n)
			return HB_K_NONE;
		switch (b[i + 1]) {
		case 0x05:
			return HB_K_SYSCALL;
		case 0x07:
			return HB_K_SYSRET;
		case 0x34:
			return HB_K_SYSENTER;
		case 0x35:
			return HB_K_SYSEXIT;
		case 0x31:
			return HB_K_TIMER; /* rdtsc */
		case 0x01:
			return i + 2 < n && b[i + 2] == 0xf9 ? HB_K_TIMER : HB_K_NONE; /* rdtscp */
		case 0x22: /* mov to a control register: reg field 3 is CR3 */
			return i + 2 < n && ((b[i + 2] >> 3) & 7) == 3 ? HB_K_CR3 : HB_K_NONE;
		default:
			return HB_K_NONE;
		}
	default:
		return HB_K_NONE;
	}
}

/* ---- regions and windows ---- */

/* A user timer read inside a region: the cycle's read A opens a window, its read B closes it. */
static void timer_read(void)
{
	struct hb_region *r = current();
	unsigned j = r->phase;

	r->timer_reads++;
	r->phase = (j + 1) % r->cycle.reads;
	if (j == r->cycle.open) {
		snap_user = count_user;
		snap_kernel = count_kernel;
		snap_mem = count_mem;
		cur_start = count_all();
		window_open = 1;
		return;
	}
	if (j != r->cycle.close || !window_open)
		return;
	if (cur_tb)
		cur_tb->ran += count_all() - cur_start;
	r->user += count_user - snap_user;
	r->kernel += count_kernel - snap_kernel;
	r->mem += count_mem - snap_mem;
	r->windows++;
	window_open = 0;
	if (r->nsizes == r->cap_sizes) {
		size_t cap = r->cap_sizes ? 2 * r->cap_sizes : 1024;
		uint64_t *more = realloc(r->sizes, cap * sizeof *more);

		if (!more)
			return;
		r->sizes = more;
		r->cap_sizes = cap;
	}
	r->sizes[r->nsizes++] = count_user - snap_user + count_kernel - snap_kernel;
}

static int by_value(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static int by_insns(const void *a, const void *b)
{
	const struct hb_hist *x = a, *y = b;

	if (x->insns != y->insns)
		return x->insns < y->insns ? 1 : -1;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static int by_vaddr(const void *a, const void *b)
{
	const struct hb_hist *x = a, *y = b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/*
 * The region's histogram: executions and instructions per block address (sizes merged), every
 * block executed inside a window (opt.top of them when it is set), most instructions first.
 */
static void collect_histogram(struct hb_region *r)
{
	size_t n = 0, k = 0;
	struct hb_hist *h;

	for (size_t i = 0; i < cap_tbs; i++)
		n += tbs[i] && (tbs[i]->execs || tbs[i]->ran);
	h = calloc(n ? n : 1, sizeof *h);
	if (!h)
		return;
	for (size_t i = 0; i < cap_tbs; i++) {
		struct hb_tb *t = tbs[i];

		if (!t || !(t->execs || t->ran))
			continue;
		h[k++] = (struct hb_hist){ t->vaddr, t->execs, t->ran };
		t->execs = t->ran = 0;
	}
	qsort(h, n, sizeof *h, by_vaddr);
	k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && h[k - 1].vaddr == h[i].vaddr) {
			h[k - 1].execs += h[i].execs;
			h[k - 1].insns += h[i].insns;
		} else {
			h[k++] = h[i];
		}
	}
	qsort(h, k, sizeof *h, by_insns);
	r->ntop = opt.top && opt.top < k ? opt.top : k;
	r->top = h;
}

/* The begin mark's cycle byte (anatomy.h); 0, or one that makes no sense, is the pairwise default. */
static struct hb_cycle decode_cycle(unsigned byte)
{
	struct hb_cycle c = { byte >> 4, (byte >> 2) & 3, byte & 3 };

	if (c.open >= c.close || c.close >= c.reads)
		return (struct hb_cycle){ 2, 0, 1 };
	return c;
}

static uint64_t tb_hash(uint64_t vaddr, uint64_t insns)
{
	uint64_t h = (vaddr ^ insns << 52) * 0x9e3779b97f4a7c15ull;

	return h ^ h >> 29;
}

/* Doubles the table (rehashing the pointers; the entries stay where they are). */
static int tbs_grow(void)
{
	size_t cap = cap_tbs ? 2 * cap_tbs : 4096;
	struct hb_tb **more = calloc(cap, sizeof *more);

	if (!more)
		return -1;
	for (size_t i = 0; i < cap_tbs; i++) {
		size_t j;

		if (!tbs[i])
			continue;
		for (j = tb_hash(tbs[i]->vaddr, tbs[i]->insns) & (cap - 1); more[j]; j = (j + 1) & (cap - 1))
			;
		more[j] = tbs[i];
	}
	free(tbs);
	tbs = more;
	cap_tbs = cap;
	return 0;
}

/* The entry of the block at vaddr of insns instructions, made on its first translation; NULL without memory. */
static struct hb_tb *tb_entry(uint64_t vaddr, uint64_t insns)
{
	size_t j;

	if (2 * (ntbs + 1) > cap_tbs && tbs_grow())
		return NULL;
	for (j = tb_hash(vaddr, insns) & (cap_tbs - 1); tbs[j]; j = (j + 1) & (cap_tbs - 1))
		if (tbs[j]->vaddr == vaddr && tbs[j]->insns == insns)
			return tbs[j];
	tbs[j] = calloc(1, sizeof *tbs[j]);
	if (!tbs[j])
		return NULL;
	tbs[j]->vaddr = vaddr;
	tbs[j]->insns = insns;
	ntbs++;
	return tbs[j];
}

static void region_begin(unsigned cycle)
{
	if (in_region) {
		unbalanced_marks++;
		return;
	}
	if (nregions == cap_regions) {
		size_t cap = cap_regions ? 2 * cap_regions : 64;
		struct hb_region *more = realloc(regions, cap * sizeof *regions);

		if (!more)
			return;
		regions = more;
		cap_regions = cap;
	}
	memset(&regions[nregions++], 0, sizeof *regions);
	current()->cycle = decode_cycle(cycle);
	for (size_t i = 0; i < cap_tbs; i++)
		if (tbs[i])
			tbs[i]->execs = tbs[i]->ran = 0;
	in_region = 1;
	window_open = 0;
}

static void region_end(void)
{
	if (!in_region) {
		unbalanced_marks++;
		return;
	}
	current()->ended = 1;
	collect_histogram(current());
	qsort(current()->sizes, current()->nsizes, sizeof *current()->sizes, by_value);
	in_region = 0;
	window_open = 0;
}

/* ---- callbacks ---- */

static void on_special(unsigned int vcpu, void *udata)
{
	uintptr_t v = (uintptr_t)udata;
	enum hb_kind kind = (enum hb_kind)(v >> 1 & 0x7f);
	int user = v & 1;

	(void)vcpu;
	if (kind == HB_K_BEGIN) {
		region_begin((unsigned)(v >> 8 & 0xff));
		return;
	}
	if (kind == HB_K_END) {
		region_end();
		return;
	}
	if (!in_region)
		return;
	if (kind == HB_K_TIMER) {
		if (user)
			timer_read();
		return;
	}
	if (!window_open)
		return;
	if (kind == HB_K_CR3)
		current()->cr3++;
	else if (kind < HB_K_NTRANS)
		current()->trans[kind]++;
}

/* A block starts: the one before it ran until now (see cur_tb). */
static void on_tb(unsigned int vcpu, void *udata)
{
	struct hb_tb *t = udata;
	uint64_t now = count_all();

	(void)vcpu;
	if (window_open) {
		if (cur_tb)
			cur_tb->ran += now - cur_start;
		t->execs++;
	}
	cur_tb = t;
	cur_start = now;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct hb_tb *t = tb_entry(qemu_plugin_tb_vaddr(tb), n);

	(void)id;
	if (t)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb, QEMU_PLUGIN_CB_NO_REGS, t);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);
		int user = va < opt.kernel;
		const uint8_t *bytes = qemu_plugin_insn_data(insn);
		enum hb_kind kind = classify(bytes, qemu_plugin_insn_size(insn));

		if (kind == HB_K_TIMER && user && (va < opt.timers_lo || va >= opt.timers_hi))
			kind = HB_K_NONE;
		/* udata: user bit, kind above it, the begin mark's cycle byte above that. */
		uintptr_t udata = (uintptr_t)(kind == HB_K_BEGIN ? bytes[5] : 0) << 8 | (uintptr_t)kind << 1 | (uintptr_t)user;

		qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
							   user ? &count_user : &count_kernel, 1);
		qemu_plugin_register_vcpu_mem_inline(insn, QEMU_PLUGIN_MEM_RW, QEMU_PLUGIN_INLINE_ADD_U64, &count_mem, 1);
		if (kind != HB_K_NONE)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_special, QEMU_PLUGIN_CB_NO_REGS, (void *)udata);
	}
}

/* ---- the report ---- */

static void write_report(qemu_plugin_id_t id, void *udata)
{
	FILE *f;

	(void)id, (void)udata;
	if (in_region)
		region_end();
	f = fopen(opt.out, "w");
	if (!f) {
		qemu_plugin_outs("anatomy: cannot write the output file\n");
		return;
	}
	fprintf(f, "{\n  \"plugin\": \"anatomy\",\n  \"format\": 1,\n  \"bits\": %d,\n  \"kernelBase\": \"0x%llx\",\n",
		opt.bits, (unsigned long long)opt.kernel);
	fprintf(f, "  \"unbalancedMarks\": %llu,\n  \"regions\": [", (unsigned long long)unbalanced_marks);
	for (size_t i = 0; i < nregions; i++) {
		const struct hb_region *r = &regions[i];

		fprintf(f, "%s\n    {\"index\": %zu, \"ended\": %s, \"timerReads\": %llu, \"windows\": %llu, ", i ? "," : "", i,
			r->ended ? "true" : "false", (unsigned long long)r->timer_reads, (unsigned long long)r->windows);
		fprintf(f, "\"cycle\": {\"reads\": %u, \"open\": %u, \"close\": %u}, ", r->cycle.reads, r->cycle.open,
			r->cycle.close);
		fprintf(f, "\"instructions\": %llu, \"user\": %llu, \"kernel\": %llu, \"memAccesses\": %llu, \"cr3Writes\": %llu,\n",
			(unsigned long long)(r->user + r->kernel), (unsigned long long)r->user, (unsigned long long)r->kernel,
			(unsigned long long)r->mem, (unsigned long long)r->cr3);
		fprintf(f, "     \"transitions\": {");
		for (int k = 0; k < HB_K_NTRANS; k++)
			fprintf(f, "%s\"%s\": %llu", k ? ", " : "", trans_names[k], (unsigned long long)r->trans[k]);
		fprintf(f, "},\n     \"windowSizes\": [");
		/* Each distinct window size with how many windows had it, smallest first. */
		for (size_t j = 0, first = 1; j < r->nsizes; first = 0) {
			size_t k = j;

			while (k < r->nsizes && r->sizes[k] == r->sizes[j])
				k++;
			fprintf(f, "%s[%llu, %zu]", first ? "" : ", ", (unsigned long long)r->sizes[j], k - j);
			j = k;
		}
		fprintf(f, "],\n     \"blocks\": [");
		for (size_t j = 0; j < r->ntop; j++)
			fprintf(f, "%s{\"address\": \"0x%llx\", \"executions\": %llu, \"instructions\": %llu}", j ? ", " : "",
				(unsigned long long)r->top[j].vaddr, (unsigned long long)r->top[j].execs,
				(unsigned long long)r->top[j].insns);
		fprintf(f, "]}");
	}
	fprintf(f, "\n  ]\n}\n");
	fclose(f);
}

/* ---- arguments and installation ---- */

static int parse_arg(const char *a)
{
	const char *eq = strchr(a, '=');
	size_t klen = eq ? (size_t)(eq - a) : strlen(a);
	const char *v = eq ? eq + 1 : "";
	char *end;

	if (klen == 3 && !strncmp(a, "out", 3)) {
		opt.out = strdup(v);
		return opt.out ? 0 : -1;
	}
	if (klen == 4 && !strncmp(a, "bits", 4)) {
		opt.bits = (int)strtol(v, &end, 10);
		return *end || (opt.bits != 32 && opt.bits != 64) ? -1 : 0;
	}
	if (klen == 6 && !strncmp(a, "kernel", 6)) {
		opt.kernel = strtoull(v, &end, 0);
		return *end || !*v ? -1 : 0;
	}
	if (klen == 6 && !strncmp(a, "timers", 6)) {
		/* LO-HI, hex or decimal: the payload's text */
		opt.timers_lo = strtoull(v, &end, 0);
		if (end == v || *end != '-')
			return -1;
		v = end + 1;
		opt.timers_hi = strtoull(v, &end, 0);
		return *end || end == v || opt.timers_hi <= opt.timers_lo ? -1 : 0;
	}
	if (klen == 3 && !strncmp(a, "top", 3)) {
		opt.top = (size_t)strtoull(v, &end, 10);
		return *end || !*v ? -1 : 0;
	}
	return -1;
}

HB_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		if (parse_arg(argv[i])) {
			fprintf(stderr, "anatomy: bad argument '%s' (out=FILE, bits=32|64, kernel=ADDRESS, timers=LO-HI, top=N)\n", argv[i]);
			return -1;
		}
	}
	if (!opt.out) {
		fprintf(stderr, "anatomy: no out=FILE argument\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, write_report, NULL);
	return 0;
}
