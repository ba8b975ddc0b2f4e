/*
 * Single-call harness for src/kernel/tcp.c (tcp-close-debugger), used by the
 * benchmark (scripts/bench/native.c), which times the calls of cases.txt.
 * The differential test itself runs cases.txt, and more, through driver.c
 * (the driver protocol, test/differential/protocol.ts).
 *
 * Compiles the reduced kernel C with gcc over the natives of machine.c and
 * runs one case per input line, printing one result line per case.
 *
 * Input line:   ENTRY k=v k=v ... ; k=v ...
 *   ENTRY      tcp_fin | tcp_close | tcp_close_state | tcp_ack | tcp_rcv
 *              (also net_timer | retransmit_timer: fire that timer now)
 *   before ';' sock fields and jiffies: state shutdown fin_seq write_seq
 *              sent_seq acked_seq rcv_ack_seq copied_seq dead inuse keepopen
 *              rto timeout ip_xmit_timeout debug, and also window rtt
 *              retransmits zapped ack_backlog blog err backoff; jiffies;
 *              timer=R,E and retransmit_timer=R,E (pending, reason R,
 *              expiring E jiffies from now).
 *   after ';'  arguments: syn fin rst psh ack seq ack_seq len (len = payload
 *              bytes) for tcp_fin/tcp_ack/tcp_rcv, timeout for tcp_close,
 *              dead for tcp_close_state.
 *   Values are decimal, 0x hex, or a constant name from tcp.h (TCP_*,
 *   TIME_*, *_SHUTDOWN, SHUTDOWN_MASK, HZ). Lines that are empty or start
 *   with '#' are skipped (no output).
 *
 * Every case starts from a zeroed sock with state_change = def_callback1,
 * timer.data = retransmit_timer.data = (unsigned long)sk, timer.function =
 * net_timer, retransmit_timer.function = retransmit_timer, all timers idle,
 * zeroed statistics and no segment sent.
 *
 * Output line (k=v, in this order):
 *   ret state shutdown fin_seq write_seq sent_seq acked_seq rcv_ack_seq
 *   copied_seq dead inuse keepopen rto retransmits timeout ip_xmit_timeout
 *   timer_pending timer_expires retransmit_pending retransmit_expires
 *   sent last_flags last_seq last_ack
 * expires are absolute jiffies (0 when not pending); last_flags are the
 * tcpdump letters S F R P then '.' for ACK, '-' when nothing was sent.
 *
 * Licence: GPL-2.0-or-later, like the kernel code it includes.
 */

#include "machine.c"

/* the last segment sent (sent, in machine.c, counts them) */
static struct tcphdr last;

void world_xmit(struct sock *sk, struct tcphdr *th, unsigned long payload)
{
	(void)sk; (void)payload;
	last = *th;
}

void world_printk(const char *text)
{
	fputs(text, stderr);
}

/* ------------------------------------------------------------------ cases */

static const struct { const char *name; unsigned long value; } names[] = {
	{"TCP_ESTABLISHED", TCP_ESTABLISHED}, {"TCP_SYN_SENT", TCP_SYN_SENT},
	{"TCP_SYN_RECV", TCP_SYN_RECV}, {"TCP_FIN_WAIT1", TCP_FIN_WAIT1},
	{"TCP_FIN_WAIT2", TCP_FIN_WAIT2}, {"TCP_TIME_WAIT", TCP_TIME_WAIT},
	{"TCP_CLOSE", TCP_CLOSE}, {"TCP_CLOSE_WAIT", TCP_CLOSE_WAIT},
	{"TCP_LAST_ACK", TCP_LAST_ACK}, {"TCP_LISTEN", TCP_LISTEN},
	{"TCP_CLOSING", TCP_CLOSING},
	{"TIME_WRITE", TIME_WRITE}, {"TIME_CLOSE", TIME_CLOSE},
	{"TIME_KEEPOPEN", TIME_KEEPOPEN}, {"TIME_DESTROY", TIME_DESTROY},
	{"TIME_DONE", TIME_DONE}, {"TIME_PROBE0", TIME_PROBE0},
	{"RCV_SHUTDOWN", RCV_SHUTDOWN}, {"SEND_SHUTDOWN", SEND_SHUTDOWN},
	{"SHUTDOWN_MASK", SHUTDOWN_MASK}, {"HZ", HZ},
	{NULL, 0}
};

static unsigned long value(const char *key, const char *v)
{
	char *end;
	unsigned long n;
	int i;
	for (i = 0; names[i].name; i++)
		if (strcmp(names[i].name, v) == 0)
			return names[i].value;
	n = strtoul(v, &end, 0);
	if (*v == 0 || *end != 0) {
		fprintf(stderr, "harness: bad value %s=%s\n", key, v);
		exit(2);
	}
	return n;
}

static void set_timer(struct timer_list *t, const char *key, char *v, int *why)
{
	char *comma = strchr(v, ',');
	if (!comma) {
		fprintf(stderr, "harness: %s wants R,E\n", key);
		exit(2);
	}
	*comma = 0;
	*why = (int)value(key, v);
	t->expires = value(key, comma + 1);
	add_timer(t);
}

static void set_field(struct sock *sk, const char *k, char *v)
{
	if (!strcmp(k, "jiffies")) jiffies = value(k, v);
	else if (!strcmp(k, "state")) sk->state = value(k, v);
	else if (!strcmp(k, "shutdown")) sk->shutdown = value(k, v);
	else if (!strcmp(k, "fin_seq")) sk->fin_seq = value(k, v);
	else if (!strcmp(k, "write_seq")) sk->write_seq = value(k, v);
	else if (!strcmp(k, "sent_seq")) sk->sent_seq = value(k, v);
	else if (!strcmp(k, "acked_seq")) sk->acked_seq = value(k, v);
	else if (!strcmp(k, "rcv_ack_seq")) sk->rcv_ack_seq = value(k, v);
	else if (!strcmp(k, "copied_seq")) sk->copied_seq = value(k, v);
	else if (!strcmp(k, "dead")) sk->dead = value(k, v);
	else if (!strcmp(k, "inuse")) sk->inuse = value(k, v);
	else if (!strcmp(k, "keepopen")) sk->keepopen = value(k, v);
	else if (!strcmp(k, "rto")) sk->rto = value(k, v);
	else if (!strcmp(k, "timeout")) sk->timeout = value(k, v);
	else if (!strcmp(k, "ip_xmit_timeout")) sk->ip_xmit_timeout = value(k, v);
	else if (!strcmp(k, "debug")) sk->debug = value(k, v);
	else if (!strcmp(k, "window")) sk->window = value(k, v);
	else if (!strcmp(k, "rtt")) sk->rtt = value(k, v);
	else if (!strcmp(k, "retransmits")) sk->retransmits = value(k, v);
	else if (!strcmp(k, "zapped")) sk->zapped = value(k, v);
	else if (!strcmp(k, "ack_backlog")) sk->ack_backlog = value(k, v);
	else if (!strcmp(k, "blog")) sk->blog = value(k, v);
	else if (!strcmp(k, "err")) sk->err = value(k, v);
	else if (!strcmp(k, "backoff")) sk->backoff = value(k, v);
	else if (!strcmp(k, "timer")) set_timer(&sk->timer, k, v, &sk->timeout);
	else if (!strcmp(k, "retransmit_timer"))
		set_timer(&sk->retransmit_timer, k, v, &sk->ip_xmit_timeout);
	else {
		fprintf(stderr, "harness: unknown sock field %s\n", k);
		exit(2);
	}
}

struct args {
	unsigned long syn, fin, rst, psh, ack, seq, ack_seq, len, timeout, dead;
};

static void set_arg(struct args *a, const char *k, char *v)
{
	if (!strcmp(k, "syn")) a->syn = value(k, v);
	else if (!strcmp(k, "fin")) a->fin = value(k, v);
	else if (!strcmp(k, "rst")) a->rst = value(k, v);
	else if (!strcmp(k, "psh")) a->psh = value(k, v);
	else if (!strcmp(k, "ack")) a->ack = value(k, v);
	else if (!strcmp(k, "seq")) a->seq = value(k, v);
	else if (!strcmp(k, "ack_seq")) a->ack_seq = value(k, v);
	else if (!strcmp(k, "len")) a->len = value(k, v);
	else if (!strcmp(k, "timeout")) a->timeout = value(k, v);
	else if (!strcmp(k, "dead")) a->dead = value(k, v);
	else {
		fprintf(stderr, "harness: unknown argument %s\n", k);
		exit(2);
	}
}

static struct sk_buff *segment(struct args *a, unsigned long len)
{
	struct sk_buff *skb = alloc_skb(MAX_ACK_SIZE, GFP_ATOMIC);
	struct tcphdr *th = skb->h.th;
	th->syn = a->syn;
	th->fin = a->fin;
	th->rst = a->rst;
	th->psh = a->psh;
	th->ack = a->ack;
	th->seq = a->seq;
	th->ack_seq = a->ack_seq;
	th->doff = TCPHDR_SIZE / 4;
	skb->len = len;
	return skb;
}

static void flags(char *out, struct tcphdr *th)
{
	char *p = out;
	if (th->syn) *p++ = 'S';
	if (th->fin) *p++ = 'F';
	if (th->rst) *p++ = 'R';
	if (th->psh) *p++ = 'P';
	if (th->ack) *p++ = '.';
	if (p == out) *p++ = '-';	/* a segment with no flag at all */
	*p = 0;
}

static struct sock the_sock;

#define U(x) ((unsigned long)(x))

/*
 * Sets up a case line on a fresh, zeroed sock: jiffies, fields, pending timers (before ';') and
 * the arguments (after it). Returns the entry point's name. Used by run() below and by the
 * benchmark driver (scripts/bench/native.c).
 */
static char *setup_case(char *line, struct sock *sk, struct args *a)
{
	char *tok, *entry, *save = NULL;
	int in_args = 0;

	memset(sk, 0, sizeof(*sk));
	if ((unsigned long)sk != (unsigned long)(unsigned int)(unsigned long)sk) {
		fprintf(stderr, "harness: sock address does not fit in 32 bits"
			" (link with -no-pie)\n");
		exit(2);
	}
	memset(a, 0, sizeof(*a));
	memset(timers, 0, sizeof(timers));
	memset(&tcp_statistics, 0, sizeof(tcp_statistics));
	memset(&last, 0, sizeof(last));
	sent = 0;
	jiffies = 0;

	sk->state_change = def_callback1;
	sk->timer.data = (unsigned long)sk;
	sk->timer.function = net_timer;
	sk->retransmit_timer.data = (unsigned long)sk;
	sk->retransmit_timer.function = retransmit_timer;

	entry = strtok_r(line, " \t\r\n", &save);
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		char *eq;
		if (!strcmp(tok, ";")) {
			in_args = 1;
			continue;
		}
		eq = strchr(tok, '=');
		if (!eq) {
			fprintf(stderr, "harness: bad token %s\n", tok);
			exit(2);
		}
		*eq = 0;
		if (in_args)
			set_arg(a, tok, eq + 1);
		else
			set_field(sk, tok, eq + 1);
	}
	return entry;
}

static void run(char *line)
{
	struct sock *sk = &the_sock;
	struct args a;
	char *entry;
	long ret = 0;
	char fl[8];

	entry = setup_case(line, sk, &a);

	if (!strcmp(entry, "tcp_fin")) {
		struct sk_buff *skb = segment(&a, a.len);
		ret = tcp_fin(skb, sk, skb->h.th);
	} else if (!strcmp(entry, "tcp_close")) {
		tcp_close(sk, (int)a.timeout);
	} else if (!strcmp(entry, "tcp_close_state")) {
		ret = tcp_close_state(sk, (int)a.dead);
	} else if (!strcmp(entry, "tcp_ack")) {
		struct sk_buff *skb = segment(&a, TCPHDR_SIZE + a.len);
		ret = tcp_ack(sk, skb->h.th, TCPHDR_SIZE + (int)a.len);
	} else if (!strcmp(entry, "tcp_rcv")) {
		struct sk_buff *skb = segment(&a, TCPHDR_SIZE + a.len);
		ret = tcp_rcv(skb, sk);
	} else if (!strcmp(entry, "net_timer")) {
		/* the timer fires: it is off the list before its handler runs */
		*pending_slot(&sk->timer) = 0;
		sk->timer.function(sk->timer.data);
	} else if (!strcmp(entry, "retransmit_timer")) {
		*pending_slot(&sk->retransmit_timer) = 0;
		sk->retransmit_timer.function(sk->retransmit_timer.data);
	} else {
		fprintf(stderr, "harness: unknown entry point %s\n", entry);
		exit(2);
	}

	if (sent)
		flags(fl, &last);
	else
		strcpy(fl, "-");

	printf("ret=%ld state=%lu shutdown=%lu fin_seq=%lu write_seq=%lu sent_seq=%lu"
	       " acked_seq=%lu rcv_ack_seq=%lu copied_seq=%lu dead=%d inuse=%d"
	       " keepopen=%d rto=%lu retransmits=%ld timeout=%d ip_xmit_timeout=%d"
	       " timer_pending=%d timer_expires=%lu retransmit_pending=%d"
	       " retransmit_expires=%lu sent=%d last_flags=%s last_seq=%lu last_ack=%lu\n",
	       ret, U(sk->state), U(sk->shutdown), U(sk->fin_seq), U(sk->write_seq),
	       U(sk->sent_seq), U(sk->acked_seq), U(sk->rcv_ack_seq), U(sk->copied_seq),
	       (int)sk->dead, (int)sk->inuse, (int)sk->keepopen, U(sk->rto),
	       (long)sk->retransmits, (int)sk->timeout, (int)sk->ip_xmit_timeout,
	       timer_pending(&sk->timer),
	       timer_pending(&sk->timer) ? U(sk->timer.expires) : 0UL,
	       timer_pending(&sk->retransmit_timer),
	       timer_pending(&sk->retransmit_timer) ? U(sk->retransmit_timer.expires) : 0UL,
	       sent, fl,
	       sent ? U(last.seq) : 0UL, sent ? U(last.ack_seq) : 0UL);
	fflush(stdout);
}

int main(void)
{
	char line[4096];
	while (fgets(line, sizeof(line), stdin)) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == 0 || *p == '\n' || *p == '\r' || *p == '#')
			continue;
		run(p);
	}
	return 0;
}
