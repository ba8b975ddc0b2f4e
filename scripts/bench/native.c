/*
 * Benchmark driver: the differential cases (test/differential/cases.txt) run by the kernel C
 * compiled with gcc, many times, to compare with the interpreter running the same calls
 * (scripts/bench/engine.ts `calls`). Built by scripts/bench/run.mjs at -O0 and -O2:
 *   gcc [-m32] -O0|-O2 -w [-no-pie] -o OUT scripts/bench/native.c
 *   OUT ROUNDS < test/differential/cases.txt
 *   prints two lines, `rounds cases ns ns ...` (ns per round): restore + call, then restore only
 *
 * It includes the differential harness (which includes src/kernel/tcp.c) and reuses its natives
 * and its case parser. Each case is parsed once (the harness's setup_case, as in its run()),
 * and the state it sets up is kept; a timed round then restores that state and calls the entry
 * point for every case, as the interpreter's round does (which builds a fresh sock per case).
 * Nothing is printed per case; skbs come from an arena reset at every case.
 *
 * Licence: GPL-2.0-or-later, like the kernel code it includes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* an arena for the harness's calloc (alloc_skb): reset before every case */
static char arena[1 << 16];
static size_t arena_used;
static void *bench_calloc(size_t n, size_t size)
{
	size_t want = (n * size + 15) & ~(size_t)15;
	void *p;
	if (arena_used + want > sizeof(arena)) {
		fprintf(stderr, "bench: arena exhausted\n");
		exit(2);
	}
	p = arena + arena_used;
	arena_used += want;
	memset(p, 0, want);
	return p;
}
#define calloc bench_calloc
#define main harness_main
#include "../../test/differential/harness.c"
#undef main
#undef calloc

enum entry { E_FIN, E_CLOSE, E_CLOSE_STATE, E_ACK, E_RCV, E_NET_TIMER, E_RETRANSMIT_TIMER };

struct prepared {
	enum entry entry;
	struct sock sk;
	struct args a;
	unsigned long jiffies;
	int pending[MAX_TIMERS];
	struct timer_list *tl[MAX_TIMERS];
};

#define MAX_CASES 1024
static struct prepared cases[MAX_CASES];
static int ncases;

/* The setup half of the harness's run(): parse a case line into the state it starts from. */
static void prepare(char *line, struct prepared *c)
{
	struct sock *sk = &the_sock;
	char *entry = setup_case(line, sk, &c->a);
	int i;

	if (!strcmp(entry, "tcp_fin")) c->entry = E_FIN;
	else if (!strcmp(entry, "tcp_close")) c->entry = E_CLOSE;
	else if (!strcmp(entry, "tcp_close_state")) c->entry = E_CLOSE_STATE;
	else if (!strcmp(entry, "tcp_ack")) c->entry = E_ACK;
	else if (!strcmp(entry, "tcp_rcv")) c->entry = E_RCV;
	else if (!strcmp(entry, "net_timer")) c->entry = E_NET_TIMER;
	else if (!strcmp(entry, "retransmit_timer")) c->entry = E_RETRANSMIT_TIMER;
	else exit(2);
	c->sk = *sk;
	c->jiffies = jiffies;
	for (i = 0; i < MAX_TIMERS; i++) {
		c->pending[i] = timers[i].pending;
		c->tl[i] = timers[i].t;
	}
}

static long volatile sink;

/* The call half: restore the case's state and call its entry point. */
static void call(struct prepared *c, int do_call)
{
	struct sock *sk = &the_sock;
	long ret = 0;
	int i;
	*sk = c->sk;
	jiffies = c->jiffies;
	for (i = 0; i < MAX_TIMERS; i++) {
		timers[i].pending = c->pending[i];
		timers[i].t = c->tl[i];
	}
	memset(&tcp_statistics, 0, sizeof(tcp_statistics));
	sent = 0;
	arena_used = 0;
	if (!do_call)
		return;
	switch (c->entry) {
	case E_FIN: {
		struct sk_buff *skb = segment(&c->a, c->a.len);
		ret = tcp_fin(skb, sk, skb->h.th);
		break;
	}
	case E_CLOSE:
		tcp_close(sk, (int)c->a.timeout);
		break;
	case E_CLOSE_STATE:
		ret = tcp_close_state(sk, (int)c->a.dead);
		break;
	case E_ACK: {
		struct sk_buff *skb = segment(&c->a, TCPHDR_SIZE + c->a.len);
		ret = tcp_ack(sk, skb->h.th, TCPHDR_SIZE + (int)c->a.len);
		break;
	}
	case E_RCV: {
		struct sk_buff *skb = segment(&c->a, TCPHDR_SIZE + c->a.len);
		ret = tcp_rcv(skb, sk);
		break;
	}
	case E_NET_TIMER:
		*pending_slot(&sk->timer) = 0;
		sk->timer.function(sk->timer.data);
		break;
	case E_RETRANSMIT_TIMER:
		*pending_slot(&sk->retransmit_timer) = 0;
		sk->retransmit_timer.function(sk->retransmit_timer.data);
		break;
	}
	sink += ret + sk->state + sent;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	char line[4096];
	int rounds = argc > 1 ? atoi(argv[1]) : 1000;
	int r, i;
	while (fgets(line, sizeof(line), stdin) && ncases < MAX_CASES) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == 0 || *p == '\n' || *p == '\r' || *p == '#')
			continue;
		prepare(p, &cases[ncases++]);
	}
	/* printk's output (SO_DEBUG cases) is not part of the measurement */
	if (!freopen("/dev/null", "w", stderr))
		return 2;
	/* line 1: ns per round restoring every case's state and calling it; line 2: restoring only */
	for (int do_call = 1; do_call >= 0; do_call--) {
		printf("%d %d", rounds, ncases);
		for (r = 0; r < rounds; r++) {
			double t = now_ns();
			for (i = 0; i < ncases; i++)
				call(&cases[i], do_call);
			printf(" %.0f", now_ns() - t);
		}
		printf("\n");
	}
	return 0;
}
