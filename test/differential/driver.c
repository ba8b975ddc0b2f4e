/*
 * The gcc side of the differential driver protocol (test/differential/protocol.ts describes it):
 * cases as data on stdin, one JSON record per case on stdout. The agenda (timers, deliveries,
 * events) is the debugger's (src/engine/run.ts); the kernel and its natives come from a machine
 * layer (MACHINE, by default machine.c: the reduced port), and the sock fields reported from a
 * generated header (FIELDS_H: the X-macro lists SOCK_INT_FIELDS, SOCK_SET_FIELDS, SOCK_TIMERS,
 * SOCK_QUEUES, SOCK_SKBS, written by the test from the kernel source).
 *
 *   gcc -m32 -DMACHINE='"machine.c"' -DFIELDS_H='"/tmp/x/fields.h"' -o driver driver.c
 *   qemu-i386 ./driver < cases.protocol
 *
 * Licence: GPL-2.0-or-later, like the kernel code it includes.
 */
#if !defined(__i386__) || defined(__LP64__)
#error "the kernel C is i386 code: build the differential driver with gcc -m32 (Debian: apt-get install gcc-multilib) and run it under qemu-i386 (Debian: qemu-user)"
#endif

#ifndef MACHINE
#define MACHINE "machine.c"
#endif
#include MACHINE
#include FIELDS_H

#define MAX_SOCKS 32
#define MAX_EVENTS 256
#define MAX_SEGS 4096
#define MAX_PRINTK 256
#define MAX_DROPS 16

static struct sock socks[MAX_SOCKS];
static struct socket owners[MAX_SOCKS];
static char names[MAX_SOCKS][32];
static int peer[MAX_SOCKS], delay[MAX_SOCKS], nsocks;

struct drop { struct seg s; int mask; };
static struct drop drops[MAX_SOCKS][MAX_DROPS];
static int ndrops[MAX_SOCKS];

struct segrec { int from, to; unsigned long time; struct seg s; int dropped; };
static struct segrec segs[MAX_SEGS];
static int nsegs;

static struct { unsigned long arrival; int id, to, live; } inflight[MAX_SEGS];
static int ninflight;

static struct { unsigned long time; char text[512]; } printks[MAX_PRINTK];
static int nprintk;

enum kind { E_CLOSE, E_RCV, E_CALL, E_FIRE, E_SET, E_DROP, E_WAIT };
struct event {
	unsigned long time;
	int sock;
	enum kind kind;
	long timeout;
	int has_seg, which, mask;
	struct seg s;
	char fn[64];
	char args[512];	/* k=v ... */
};
static struct event events[MAX_EVENTS];
static int nevents;
static int actor = -1;
static char case_name[256];
static char error[256];

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "driver: case %s: %s %s\n", case_name, what, detail);
	exit(2);
}

static int sock_index(const char *name)
{
	int i;
	if (!strcmp(name, "-"))
		return -1;
	for (i = 0; i < nsocks; i++)
		if (!strcmp(names[i], name))
			return i;
	fail("no sock", name);
	return -1;
}

static int index_of(struct sock *sk)
{
	int i;
	for (i = 0; i < nsocks; i++)
		if (&socks[i] == sk)
			return i;
	return -1;
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;
	if (!s) fail("missing number", "");
	v = strtoul(s, &end, 10);
	if (*s == '-') v = (unsigned long)strtol(s, &end, 10);
	if (*end) fail("bad number", s);
	return v;
}

static void set_field(struct sock *sk, const char *k, unsigned long v)
{
#define X(f) if (!strcmp(k, #f)) { sk->f = v; return; }
	SOCK_SET_FIELDS
#undef X
	fail("unknown sock field", k);
}

/* ------------------------------------------------------------ the world */

void world_xmit(struct sock *sk, struct tcphdr *th, unsigned long payload)
{
	int from = sk ? index_of(sk) : actor, i, k;
	struct segrec *r;
	if (from < 0) fail("ip_queue_xmit", "from a sock that is not the case's");
	if (nsegs == MAX_SEGS) fail("too many segments", "");
	r = &segs[nsegs];
	r->from = from;
	r->to = peer[from];
	r->time = jiffies;
	r->dropped = 0;
	{
		char *p = r->s.flags;
		if (th->syn) *p++ = 'S';
		if (th->fin) *p++ = 'F';
		if (th->rst) *p++ = 'R';
		if (th->psh) *p++ = 'P';
		if (th->ack) *p++ = '.';
		if (p == r->s.flags) *p++ = '-';
		*p = 0;
	}
	r->s.seq = th->seq;
	r->s.ack = th->ack_seq;
	r->s.len = payload;
	r->s.win = th->window;
	for (i = 0; i < ndrops[from]; i++) {
		struct drop *d = &drops[from][i];
		if (strcmp(d->s.flags, r->s.flags)) continue;
		if ((d->mask & 1) && d->s.seq != r->s.seq) continue;
		if ((d->mask & 2) && d->s.ack != r->s.ack) continue;
		if ((d->mask & 4) && d->s.len != r->s.len) continue;
		if ((d->mask & 8) && d->s.win != r->s.win) continue;
		r->dropped = 1;
		for (k = i; k < ndrops[from] - 1; k++) drops[from][k] = drops[from][k + 1];
		ndrops[from]--;
		break;
	}
	if (r->to >= 0 && !r->dropped) {
		inflight[ninflight].arrival = jiffies + delay[from];
		inflight[ninflight].id = nsegs;
		inflight[ninflight].to = r->to;
		inflight[ninflight].live = 1;
		ninflight++;
	}
	nsegs++;
}

void world_printk(const char *text)
{
	if (nprintk == MAX_PRINTK) fail("too many printk", "");
	printks[nprintk].time = jiffies;
	strncpy(printks[nprintk].text, text, sizeof(printks[0].text) - 1);
	printks[nprintk].text[sizeof(printks[0].text) - 1] = 0;
	nprintk++;
}

/* A segment from the scripted peer (a `rcv` or a `call` with a segment): recorded as sent. */
static void record_peer(int to, const struct seg *s)
{
	struct segrec *r = &segs[nsegs++];
	r->from = -1;
	r->to = to;
	r->time = jiffies;
	r->s = *s;
	r->dropped = 0;
}

/* The pending timer due first: earliest expiry, then armed first. */
static struct timer_list *next_timer(void)
{
	int i, best = -1;
	for (i = 0; i < MAX_TIMERS; i++) {
		if (!timers[i].t || !timers[i].pending) continue;
		if (best < 0 || timers[i].t->expires < timers[best].t->expires ||
		    (timers[i].t->expires == timers[best].t->expires && timers[i].seq < timers[best].seq))
			best = i;
	}
	return best < 0 ? NULL : timers[best].t;
}

/* The segment on the wire that arrives first: earliest arrival, then sent first. */
static int next_delivery(void)
{
	int i, best = -1;
	for (i = 0; i < ninflight; i++) {
		if (!inflight[i].live) continue;
		if (best < 0 || inflight[i].arrival < inflight[best].arrival ||
		    (inflight[i].arrival == inflight[best].arrival && inflight[i].id < inflight[best].id))
			best = i;
	}
	return best;
}

static struct event *current_event;
static long event_arg(const char *k)
{
	char buf[512], *tok, *save = NULL;
	strcpy(buf, current_event->args);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');
		if (eq && (size_t)(eq - tok) == strlen(k) && !strncmp(tok, k, eq - tok))
			return (long)num(eq + 1);
	}
	fail("call without argument", k);
	return 0;
}

static long run_agenda(void)
{
	long ret = 0;
	int i = 0;
	while (i < nevents) {
		struct event *e = &events[i];
		struct timer_list *t = next_timer();
		int d = next_delivery();
		if (t && t->expires <= e->time && (d < 0 || t->expires <= inflight[d].arrival)) {
			if (t->expires > jiffies) jiffies = t->expires;
			actor = index_of((struct sock *)t->data);
			mach_fire(t);
			continue;
		}
		if (d >= 0 && inflight[d].arrival <= e->time) {
			struct segrec *r = &segs[inflight[d].id];
			if (inflight[d].arrival > jiffies) jiffies = inflight[d].arrival;
			inflight[d].live = 0;
			actor = inflight[d].to;
			mach_deliver(&socks[actor], mach_make_skb(&socks[actor], &r->s));
			continue;
		}
		i++;
		if (e->time > jiffies) jiffies = e->time;
		actor = e->sock;
		switch (e->kind) {
		case E_CLOSE:
			mach_close(&socks[e->sock], (int)e->timeout);
			break;
		case E_RCV:
			record_peer(e->sock, &e->s);
			mach_deliver(&socks[e->sock], mach_make_skb(&socks[e->sock], &e->s));
			break;
		case E_CALL: {
			int ok;
			if (e->has_seg) record_peer(e->sock, &e->s);
			current_event = e;
			ret = mach_call(e->fn, &socks[e->sock], e->has_seg ? &e->s : NULL, event_arg, &ok);
			if (!ok) fail("no such function for call", e->fn);
			break;
		}
		case E_FIRE:
			mach_fire(e->which ? &socks[e->sock].retransmit_timer : &socks[e->sock].timer);
			break;
		case E_SET: {
			char buf[512], *tok, *save = NULL;
			strcpy(buf, e->args);
			for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
				char *eq = strchr(tok, '=');
				*eq = 0;
				set_field(&socks[e->sock], tok, num(eq + 1));
			}
			break;
		}
		case E_DROP:
			if (ndrops[e->sock] == MAX_DROPS) fail("too many drops", "");
			drops[e->sock][ndrops[e->sock]].s = e->s;
			drops[e->sock][ndrops[e->sock]].mask = e->mask;
			ndrops[e->sock]++;
			break;
		case E_WAIT:
			break;
		}
	}
	return ret;
}

/* ------------------------------------------------------------ the record */

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') printf("\\%c", c);
		else if (c == '\n') printf("\\n");
		else if (c == '\r') printf("\\r");
		else if (c == '\t') printf("\\t");
		else if (c < 0x20) printf("\\u%04x", c);
		else putchar(c);
	}
	putchar('"');
}

static const char *name_of(int i)
{
	return i < 0 ? "peer" : names[i];
}

static void skb_json(struct sk_buff *skb)
{
	unsigned long seq, ack, len;
	char flags[8];
	struct sock *owner;
	mach_skb_desc(skb, &seq, &ack, flags, &len, &owner);
	printf("{\"seq\":%lu,\"ack\":%lu,\"flags\":\"%s\",\"len\":%lu,\"sk\":", seq, ack, flags, len);
	json_string(owner == NULL ? "" : index_of(owner) < 0 ? "?" : names[index_of(owner)]);
	putchar('}');
}

static void print_record(long ret)
{
	int i, first;
	printf("{\"case\":");
	json_string(case_name);
	printf(",\"jiffies\":%lu,\"ret\":%ld", jiffies, ret);
	if (error[0]) {
		printf(",\"error\":");
		json_string(error);
	}
	printf(",\"sockets\":[");
	for (i = 0; i < nsocks; i++) {
		struct sock *sk = &socks[i];
		if (i) putchar(',');
		printf("{\"name\":");
		json_string(names[i]);
		printf(",\"fields\":{");
		first = 1;
		/* signed or not as C has it: a field set to 0 and decremented is negative only if signed */
#define X(f) { \
		int neg; unsigned long keep = (unsigned long)sk->f; \
		sk->f = 0; sk->f -= 1; neg = sk->f < 0; sk->f = keep; \
		if (!first) putchar(','); first = 0; \
		if (neg) printf("\"%s\":%ld", #f, (long)sk->f); \
		else printf("\"%s\":%lu", #f, (unsigned long)sk->f); }
		SOCK_INT_FIELDS
#undef X
		printf("},\"timers\":{");
		first = 1;
#define X(f) { if (!first) putchar(','); first = 0; \
		printf("\"%s\":{\"pending\":%d,\"expires\":%lu}", #f, timer_pending(&sk->f), (unsigned long)sk->f.expires); }
		SOCK_TIMERS
#undef X
		printf("},\"queues\":{");
		first = 1;
#define X(f) { struct sk_buff *x; int n = 0; if (!first) putchar(','); first = 0; \
		printf("\"%s\":[", #f); \
		for (x = sk->f.next; x && x != (struct sk_buff *)&sk->f && n < 1000; x = x->next, n++) { \
			if (n) putchar(','); skb_json(x); } \
		putchar(']'); }
		SOCK_QUEUES
#undef X
		printf("},\"skbs\":{");
		first = 1;
#define X(f) { if (!first) putchar(','); first = 0; printf("\"%s\":", #f); \
		if (sk->f) skb_json(sk->f); else printf("null"); }
		SOCK_SKBS
#undef X
		printf("}}");
	}
	printf("],\"segments\":[");
	for (i = 0; i < nsegs; i++) {
		struct segrec *r = &segs[i];
		if (i) putchar(',');
		printf("{\"from\":");
		json_string(name_of(r->from));
		printf(",\"to\":");
		json_string(name_of(r->to));
		printf(",\"time\":%lu,\"flags\":\"%s\",\"seq\":%lu,\"ack\":%lu,\"len\":%lu,\"win\":%lu,\"dropped\":%d}",
		       r->time, r->s.flags, r->s.seq, r->s.ack, r->s.len, r->s.win, r->dropped);
	}
	printf("],\"printk\":[");
	for (i = 0; i < nprintk; i++) {
		if (i) putchar(',');
		printf("{\"time\":%lu,\"text\":", printks[i].time);
		json_string(printks[i].text);
		putchar('}');
	}
	printf("]}\n");
	fflush(stdout);
}

/* ------------------------------------------------------------ the input */

static void reset(const char *name)
{
	memset(socks, 0, sizeof(socks));
	memset(names, 0, sizeof(names));
	memset(timers, 0, sizeof(timers));
	memset(ndrops, 0, sizeof(ndrops));
	memset(&tcp_statistics, 0, sizeof(tcp_statistics));
	nsocks = nsegs = ninflight = nprintk = nevents = 0;
	timer_seq = 0;
	jiffies = 0;
	actor = -1;
	error[0] = 0;
	strncpy(case_name, name, sizeof(case_name) - 1);
}

static void read_seg(struct seg *s, char **w)
{
	strncpy(s->flags, w[0] ? w[0] : "-", sizeof(s->flags) - 1);
	s->flags[sizeof(s->flags) - 1] = 0;
	s->seq = num(w[1]);
	s->ack = num(w[2]);
	s->len = num(w[3]);
	s->win = num(w[4]);
}

/* k=v ... from word k on, joined with spaces */
static void join(char *out, char **w, int from, int to)
{
	int i;
	out[0] = 0;
	for (i = from; i < to && w[i]; i++) {
		if (i > from) strcat(out, " ");
		strcat(out, w[i]);
	}
}

int main(void)
{
	static char line[8192];
	char *w[128];
	while (fgets(line, sizeof(line), stdin)) {
		int n = 0, i;
		char *save = NULL, *tok;
		for (tok = strtok_r(line, " \t\r\n", &save); tok && n < 127; tok = strtok_r(NULL, " \t\r\n", &save))
			w[n++] = tok;
		w[n] = NULL;
		if (!n) continue;
		if (!strcmp(w[0], "case")) reset(w[1]);
		else if (!strcmp(w[0], "jiffies")) jiffies = num(w[1]);
		else if (!strcmp(w[0], "sock")) {
			struct sock *sk;
			if (nsocks == MAX_SOCKS) fail("too many socks", "");
			sk = &socks[nsocks];
			strncpy(names[nsocks], w[1], sizeof(names[0]) - 1);
			peer[nsocks] = -1;
			delay[nsocks] = 0;
			mach_new_sock(sk, &owners[nsocks]);
			nsocks++;
			for (i = 2; i < n; i++) {
				char *eq = strchr(w[i], '=');
				if (!eq) fail("bad field", w[i]);
				*eq = 0;
				set_field(sk, w[i], num(eq + 1));
			}
		} else if (!strcmp(w[0], "timer"))
			mach_arm(&socks[sock_index(w[1])], strcmp(w[2], "timer") != 0, (int)num(w[3]), num(w[4]));
		else if (!strcmp(w[0], "listener"))
			mach_add_pending(&socks[sock_index(w[2])], &socks[sock_index(w[1])]);
		else if (!strcmp(w[0], "partial"))
			mach_set_partial(&socks[sock_index(w[1])], num(w[2]));
		else if (!strcmp(w[0], "link")) {
			int a = sock_index(w[1]), b = sock_index(w[2]);
			peer[a] = b;
			peer[b] = a;
			delay[a] = delay[b] = (int)num(w[3]);
		} else if (!strcmp(w[0], "ev")) {
			struct event *e;
			if (nevents == MAX_EVENTS) fail("too many events", "");
			e = &events[nevents++];
			memset(e, 0, sizeof(*e));
			e->time = num(w[1]);
			e->sock = sock_index(w[2]);
			if (!strcmp(w[3], "close")) { e->kind = E_CLOSE; e->timeout = (long)num(w[4]); }
			else if (!strcmp(w[3], "rcv")) { e->kind = E_RCV; read_seg(&e->s, w + 4); }
			else if (!strcmp(w[3], "call")) {
				int k = (int)num(w[5]);
				e->kind = E_CALL;
				strncpy(e->fn, w[4], sizeof(e->fn) - 1);
				join(e->args, w, 6, 6 + k);
				if (w[6 + k] && !strcmp(w[6 + k], "seg")) { e->has_seg = 1; read_seg(&e->s, w + 7 + k); }
			} else if (!strcmp(w[3], "fire")) { e->kind = E_FIRE; e->which = strcmp(w[4], "timer") != 0; }
			else if (!strcmp(w[3], "set")) { e->kind = E_SET; join(e->args, w, 4, n); }
			else if (!strcmp(w[3], "drop")) {
				e->kind = E_DROP;
				strncpy(e->s.flags, w[4], sizeof(e->s.flags) - 1);
				e->mask = (int)num(w[5]);
				e->s.seq = num(w[6]); e->s.ack = num(w[7]); e->s.len = num(w[8]); e->s.win = num(w[9]);
			} else if (!strcmp(w[3], "wait")) e->kind = E_WAIT;
			else fail("unknown event", w[3]);
		} else if (!strcmp(w[0], "end")) print_record(run_agenda());
		else fail("unknown line", w[0]);
	}
	return 0;
}
