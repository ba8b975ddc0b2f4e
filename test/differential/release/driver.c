/*
 * The gcc side of the release's differential test: main, the driver protocol from stdin
 * (test/differential/protocol.ts describes it), the agenda, one JSON end record per case on
 * stdout. The kernel is the unmodified 1.2.13 release over the machine layer
 * (src/kernel/machine/); record.c holds what needs the kernel's types.
 *
 * The agenda (README: "Time"): the clock is jiffies. Before an event at time T, in time order:
 * timer ticks (the first pending timer is due at the tick after its expiry, expires + 1, where
 * the release's timer_bh loop runs it: `timer->expires < jiffies`), then segments arriving on a
 * link (earliest, then first sent); at equal times a tick first, then an arrival, then the
 * event. After the last event nothing more happens.
 *
 * Ports: sock i of a case is port 1024+i on the one local address; a linked pair talk to each
 * other's port, any other sock's other end is the scripted peer at port 4096+i. A segment in
 * `<` comes from the sock's other end. A plain sock (`plain NAME`, from nothing) has the port
 * the real inet_bind gives it: PORT in `listen PORT`, 1024+i before `connect`; it
 * connects to a listening sock's port or to the scripted peer at 4096+i, and an accepted sock
 * is the listener's child, at the listener's port, with its link. A segment on the wire is
 * from (and to) the sock with those two ports, else the first sock at the port (a listener).
 *
 * Licence: GPL-2.0-or-later, like the kernel code it runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "world.h"

int rec_set_field(struct sock *sk, const char *k, unsigned long v);
int rec_state(struct sock *sk);
unsigned short rec_num(struct sock *sk);
void rec_listening(struct sock *sk);
void rec_arm(struct sock *sk, int which, int reason, unsigned long expires);
void rec_fire(struct sock *sk, int which);
long rec_call(const char *fn, struct sock *sk, const unsigned char *seg, unsigned long seglen, long arg, int *found);
void rec_print_sock(struct sock *sk, const char *name, struct sock **socks, const char **names, int nsocks);

#define MAX_SOCKS MACHINE_SOCKETS
#define MAX_EVENTS 256
#define MAX_SEGS 2048
#define MAX_DROPS 16
#define TCP_LISTEN 10

/* mss: the value of the MSS option the TCP header carries, 0 for none */
struct seg { char flags[8]; unsigned long seq, ack, len, win, mss; };

static struct sock *socks[MAX_SOCKS];
static char names[MAX_SOCKS][32];
static const char *namep[MAX_SOCKS];
static int peer[MAX_SOCKS], delay[MAX_SOCKS], plain[MAX_SOCKS], nsocks, nanon;
static unsigned short rport[MAX_SOCKS];

struct drop { struct seg s; int mask; };
static struct drop drops[MAX_SOCKS][MAX_DROPS];
static int ndrops[MAX_SOCKS];

/* every segment, sent or injected, in order */
struct segrec { int from, to; unsigned long time; struct seg s; int dropped; int wire; };
static struct segrec segs[MAX_SEGS];
static int nsegs, wire_seen;

static struct { unsigned long arrival; int seg, live; } inflight[MAX_SEGS];
static int ninflight;

enum kind { E_CLOSE, E_RCV, E_CALL, E_FIRE, E_SET, E_DROP, E_WAIT, E_LISTEN, E_CONNECT, E_ACCEPT, E_SHUTDOWN, E_WRITE, E_READ };
struct event {
	unsigned long time;
	int sock;
	enum kind kind;
	long timeout;
	int has_seg, which, mask;
	int other;	/* connect's peer, accept's child: a sock index, -1 for none */
	long n1, n2;	/* listen's port and backlog, shutdown's how */
	struct seg s;
	char fn[64];
	char args[512];
};
static struct event events[MAX_EVENTS];
static int nevents;
static char case_name[256];
static char error[512];
static int pending_fields[MAX_SOCKS];
static long ret;
/* what each call an event made returned, in order (the record's "returns") */
static struct { unsigned long t; int sock; char call[64]; long ret; } returns[MAX_EVENTS];
static int nreturns;
static int boot_lines;
/* timer, listener and partial lines wait until the socks are connected (after the link lines) */
static char setup[MAX_EVENTS][256];
static int nsetup;

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "release driver: case %s: %s %s\n", case_name, what, detail);
	exit(2);
}

static int sock_index(const char *name)
{
	int i;
	if (!strcmp(name, "-")) return -1;
	for (i = 0; i < nsocks; i++)
		if (!strcmp(names[i], name)) return i;
	fail("no sock", name);
	return -1;
}

/*
 * The sock at port whose other end is at port other; else the first sock at port (a listener,
 * whose not yet accepted children share its port and speak for it), -1 if none.
 */
static int sock_of_ports(unsigned short port, unsigned short other)
{
	int i, first = -1;
	for (i = 0; i < nsocks; i++) {
		/* a sock not bound (num 0, a plain sock before listen or connect) has no port */
		if (!socks[i] || !port || rec_num(socks[i]) != port) continue;
		if (machine_peer_port(socks[i]) == other) return i;
		if (first < 0) first = i;
	}
	return first;
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

/* RFC 1071's sum of big-endian 16-bit words, folded: 0xffff over a block with a correct checksum */
static unsigned long be_sum(const unsigned char *p, unsigned long n, unsigned long sum)
{
	for (; n > 1; p += 2, n -= 2) sum += (p[0] << 8) | p[1];
	if (n) sum += p[0] << 8;
	while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * Checks a datagram's IP and TCP checksums the textbook way, independently of the machine's
 * tcp_check and ip_send_check (which made them): a wrong sum there is an error in the record.
 */
static void check_sums(const unsigned char *d, unsigned long len, int index)
{
	unsigned long ihl = (d[0] & 15) * 4, tcplen = len - ihl, sum;
	unsigned char pseudo[12];
	if (be_sum(d, ihl, 0) != 0xffff && !error[0])
		snprintf(error, sizeof(error), "wire segment %d: bad IP header checksum", index);
	memcpy(pseudo, d + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = d[9];
	pseudo[10] = (unsigned char)(tcplen >> 8);
	pseudo[11] = (unsigned char)tcplen;
	sum = be_sum(d + ihl, tcplen, be_sum(pseudo, 12, 0));
	if (sum != 0xffff && !error[0])
		snprintf(error, sizeof(error), "wire segment %d: bad TCP checksum", index);
}

/*
 * The MSS option's value among a datagram's TCP options, 0 if none: kind 0 ends the list, kind 1
 * is one byte of padding, any other is kind, length, value (tcp_options' walk).
 */
static unsigned long wire_mss(const unsigned char *d)
{
	const unsigned char *th = d + (d[0] & 15) * 4;
	unsigned long i = 20, end = (unsigned long)(th[12] >> 4) * 4;
	while (i < end) {
		if (th[i] == 0) return 0;
		if (th[i] == 1) { i++; continue; }
		if (i + 1 >= end || th[i + 1] < 2 || i + th[i + 1] > end) return 0;
		if (th[i] == 2 && th[i + 1] == 4) return ((unsigned long)th[i + 2] << 8) | th[i + 3];
		i += th[i + 1];
	}
	return 0;
}

/* the segments dev_queue_xmit put on the wire since the last look: recorded, dropped or sent on */
static void collect(void)
{
	while (wire_seen < machine_wire_count) {
		struct machine_seg *w = &machine_wire[wire_seen];
		struct segrec *r;
		unsigned short sport, dport;
		int i, k;
		if (nsegs == MAX_SEGS) fail("too many segments", "");
		r = &segs[nsegs];
		memset(r, 0, sizeof(*r));
		machine_seg_fields(w->data, r->s.flags, &r->s.seq, &r->s.ack, &r->s.len, &r->s.win, &sport, &dport);
		r->s.mss = wire_mss(w->data);
		check_sums(w->data, w->len, wire_seen);
		r->from = sock_of_ports(sport, dport);
		r->to = sock_of_ports(dport, sport);
		r->time = w->time;
		r->wire = wire_seen;
		if (r->from >= 0) {
			for (i = 0; i < ndrops[r->from]; i++) {
				struct drop *d = &drops[r->from][i];
				if (strcmp(d->s.flags, r->s.flags)) continue;
				if ((d->mask & 1) && d->s.seq != r->s.seq) continue;
				if ((d->mask & 2) && d->s.ack != r->s.ack) continue;
				if ((d->mask & 4) && d->s.len != r->s.len) continue;
				if ((d->mask & 8) && d->s.win != r->s.win) continue;
				if ((d->mask & 16) && d->s.mss != r->s.mss) continue;
				r->dropped = 1;
				for (k = i; k < ndrops[r->from] - 1; k++) drops[r->from][k] = drops[r->from][k + 1];
				ndrops[r->from]--;
				break;
			}
		}
		if (r->to >= 0 && !r->dropped) {
			inflight[ninflight].arrival = w->time + (r->from >= 0 ? delay[r->from] : 0);
			inflight[ninflight].seg = nsegs;
			inflight[ninflight].live = 1;
			ninflight++;
		}
		nsegs++;
		wire_seen++;
	}
}

static int next_delivery(void)
{
	int i, best = -1;
	for (i = 0; i < ninflight; i++) {
		if (!inflight[i].live) continue;
		if (best < 0 || inflight[i].arrival < inflight[best].arrival ||
		    (inflight[i].arrival == inflight[best].arrival && inflight[i].seg < inflight[best].seg))
			best = i;
	}
	return best;
}

/* a segment from sock i's other end: recorded as sent by the peer, then its bytes */
static unsigned long peer_segment(int i, const struct seg *s, unsigned char *out)
{
	struct segrec *r;
	if (nsegs == MAX_SEGS) fail("too many segments", "");
	r = &segs[nsegs++];
	memset(r, 0, sizeof(*r));
	r->from = -1;
	r->to = i;
	r->time = jiffies;
	r->s = *s;
	r->wire = -1;
	return machine_build_segment(out, rport[i], rec_num(socks[i]), s->flags, s->seq, s->ack, s->win, s->len, s->mss);
}

static struct event *current_event;
static long event_arg(const char *k, long dflt)
{
	char buf[512], *tok, *save = NULL;
	strcpy(buf, current_event->args);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');
		if (eq && (size_t)(eq - tok) == strlen(k) && !strncmp(tok, k, eq - tok))
			return (long)num(eq + 1);
	}
	return dflt;
}

static void note_return(struct event *e, const char *call, long value)
{
	if (nreturns == MAX_EVENTS) fail("too many returns", call);
	returns[nreturns].t = jiffies;
	returns[nreturns].sock = e->sock;
	strncpy(returns[nreturns].call, call, sizeof(returns[nreturns].call) - 1);
	returns[nreturns].call[sizeof(returns[nreturns].call) - 1] = 0;
	returns[nreturns].ret = value;
	nreturns++;
}

static void run_event(struct event *e)
{
	static unsigned char buf[MACHINE_SEG_BYTES];
	struct sock *sk = e->sock >= 0 ? socks[e->sock] : NULL;
	switch (e->kind) {
	case E_CLOSE:
		note_return(e, "close", machine_close(sk, (int)e->timeout));
		break;
	case E_RCV: {
		unsigned long n = peer_segment(e->sock, &e->s, buf);
		machine_deliver(buf, n);
		break;
	}
	case E_CALL: {
		int found;
		unsigned long n = e->has_seg ? peer_segment(e->sock, &e->s, buf) : 0;
		current_event = e;
		ret = rec_call(e->fn, sk, e->has_seg ? buf : NULL, n, event_arg("dead", event_arg("timeout", 0)), &found);
		if (!found) fail("no such function for call", e->fn);
		note_return(e, e->fn, ret);
		break;
	}
	case E_FIRE:
		rec_fire(sk, e->which);
		break;
	case E_SET: {
		char buf2[512], *tok, *save = NULL;
		strcpy(buf2, e->args);
		for (tok = strtok_r(buf2, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(tok, '=');
			*eq = 0;
			if (!rec_set_field(sk, tok, num(eq + 1))) fail("unknown sock field", tok);
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
	case E_LISTEN:
		ret = machine_listen(sk, (unsigned short)e->n1, (int)e->n2);
		note_return(e, "listen", ret);
		break;
	case E_CONNECT:
		/* to the peer's port (a listening sock of the case), or to the scripted peer at 4096+i */
		rport[e->sock] = e->other >= 0 ? rec_num(socks[e->other]) : (unsigned short)(4096 + e->sock);
		ret = machine_connect(sk, (unsigned short)(1024 + e->sock), rport[e->sock]);
		note_return(e, "connect", ret);
		break;
	case E_ACCEPT: {
		int err, slot = e->other >= 0 ? e->other : MACHINE_SOCKETS - 1 - nanon++;
		struct sock *child;
		if (slot < nsocks && e->other < 0) fail("too many socks for an accept", "");
		child = machine_accept(sk, slot, &err);
		ret = err;
		if (child && e->other >= 0) {
			/* the accepted sock: the listener's link, its other end's port */
			socks[e->other] = child;
			rport[e->other] = machine_peer_port(child);
			delay[e->other] = delay[e->sock];
		}
		note_return(e, "accept", ret);
		break;
	}
	case E_SHUTDOWN:
		ret = machine_shutdown(sk, (int)e->n1);
		note_return(e, "shutdown", ret);
		break;
	case E_WRITE:
		ret = machine_write(sk, (unsigned long)e->n1);
		note_return(e, "write", ret);
		break;
	case E_READ:
		ret = machine_read(sk, (unsigned long)e->n1);
		note_return(e, "read", ret);
		break;
	}
}

static void run_agenda(void)
{
	static unsigned char buf[MACHINE_SEG_BYTES];
	int i = 0;
	collect();
	while (i < nevents) {
		struct event *e = &events[i];
		unsigned long tick;
		int has_tick = machine_next_tick(&tick);
		int d = next_delivery();
		if (has_tick && tick <= e->time && (d < 0 || tick <= inflight[d].arrival)) {
			machine_tick(tick > jiffies ? tick : jiffies);
			collect();
			continue;
		}
		if (d >= 0 && inflight[d].arrival <= e->time) {
			struct machine_seg *w = &machine_wire[segs[inflight[d].seg].wire];
			if (inflight[d].arrival > jiffies) jiffies = inflight[d].arrival;
			inflight[d].live = 0;
			memcpy(buf, w->data, w->len);
			machine_deliver(buf, w->len);
			collect();
			continue;
		}
		i++;
		if (e->time > jiffies) jiffies = e->time;
		run_event(e);
		collect();
	}
}

/* ---- the record ---- */

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') printf("\\%c", c);
		else if (c == '\n') printf("\\n");
		else if (c == '\r') printf("\\r");
		else if (c == '\t') printf("\\t");
		else if (c < 0x20 || c >= 0x7f) printf("\\u%04x", c);
		else putchar(c);
	}
	putchar('"');
}

static const char *name_of(int i)
{
	return i < 0 ? "peer" : names[i];
}

static void seg_json(struct segrec *r, int with_ends)
{
	printf("{");
	if (with_ends) {
		printf("\"from\":");
		json_string(name_of(r->from));
		printf(",\"to\":");
		json_string(name_of(r->to));
		printf(",\"time\":%lu,", r->time);
	} else
		printf("\"t\":%lu,", r->time);
	printf("\"flags\":\"%s\",\"seq\":%lu,\"ack\":%lu,\"len\":%lu,\"win\":%lu,\"dropped\":%d}",
	       r->s.flags, r->s.seq, r->s.ack, r->s.len, r->s.win, r->dropped);
}

static void print_record(void)
{
	int i, k, first;
	printf("{\"case\":");
	json_string(case_name);
	printf(",\"jiffies\":%lu,\"ret\":%ld,\"returns\":[", (unsigned long)jiffies, ret);
	for (k = 0; k < nreturns; k++) {
		if (k) putchar(',');
		printf("{\"t\":%lu,\"sock\":", returns[k].t);
		json_string(name_of(returns[k].sock));
		printf(",\"call\":");
		json_string(returns[k].call);
		printf(",\"ret\":%ld}", returns[k].ret);
	}
	putchar(']');
	if (machine_fault_text && !error[0]) snprintf(error, sizeof(error), "machine fault: %s", machine_fault_text);
	if (error[0]) {
		printf(",\"error\":");
		json_string(error);
	}
	printf(",\"sockets\":[");
	for (i = 0; i < nsocks; i++) {
		if (i) putchar(',');
		rec_print_sock(socks[i], names[i], socks, namep, nsocks);
		/* the sock's sent segments close its object */
		printf(",\"sent\":[");
		first = 1;
		for (k = 0; k < nsegs; k++) {
			if (segs[k].from != i) continue;
			if (!first) putchar(',');
			first = 0;
			seg_json(&segs[k], 0);
		}
		printf("]}");
	}
	printf("],\"segments\":[");
	for (k = 0; k < nsegs; k++) {
		if (k) putchar(',');
		seg_json(&segs[k], 1);
	}
	printf("],\"printk\":[");
	/* the lines printed at boot (inet_proto_init's banner) are every case's: left out */
	for (k = boot_lines; k < machine_printk_count; k++) {
		unsigned long start = machine_printk_lines[k].start;
		unsigned long end = k + 1 < machine_printk_count ? machine_printk_lines[k + 1].start : machine_printk_len;
		char text[1024];
		unsigned long n = end - start < sizeof(text) - 1 ? end - start : sizeof(text) - 1;
		memcpy(text, machine_printk_buf + start, n);
		text[n] = 0;
		if (k > boot_lines) putchar(',');
		printf("{\"time\":%lu,\"text\":", machine_printk_lines[k].time);
		json_string(text);
		putchar('}');
	}
	printf("]}\n");
	fflush(stdout);
}

/* ---- the input ---- */


static void reset(const char *name)
{
	machine_boot();
	boot_lines = machine_printk_count;
	memset(socks, 0, sizeof(socks));
	memset(names, 0, sizeof(names));
	memset(ndrops, 0, sizeof(ndrops));
	memset(pending_fields, 0, sizeof(pending_fields));
	memset(plain, 0, sizeof(plain));
	nanon = 0;
	nsocks = nsegs = ninflight = nevents = wire_seen = 0;
	ret = 0;
	nreturns = 0;
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
	s->mss = w[5] ? num(w[5]) : 0;	/* a line of five words: no MSS option */
}

static void join(char *out, char **w, int from, int to)
{
	int i;
	out[0] = 0;
	for (i = from; i < to && w[i]; i++) {
		if (i > from) strcat(out, " ");
		strcat(out, w[i]);
	}
}

/* the socks' connections are made when the first line after the sock lines comes */
static int connected;
static char sock_lines[MAX_SOCKS][1024];

static void connect_all(void)
{
	int i;
	if (connected) return;
	connected = 1;
	for (i = 0; i < nsocks; i++) {
		char buf[1024], *tok, *save = NULL;
		int window_seq = 0;
		if (plain[i]) continue;
		rport[i] = peer[i] >= 0 ? (unsigned short)(1024 + peer[i]) : (unsigned short)(4096 + i);
		machine_connect_fields(socks[i], (unsigned short)(1024 + i), rport[i]);
		strcpy(buf, sock_lines[i]);
		for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(tok, '=');
			if (!eq) fail("bad field", tok);
			*eq = 0;
			if (!strcmp(tok, "window_seq")) window_seq = 1;
			if (!rec_set_field(socks[i], tok, num(eq + 1))) fail("unknown sock field", tok);
		}
		if (rec_state(socks[i]) == TCP_LISTEN) rec_listening(socks[i]);
		machine_connected(socks[i], window_seq);
		machine_in_flight(socks[i]);
	}
	for (i = 0; i < nsetup; i++) {
		char *v[8], *save = NULL, *tok;
		int k = 0;
		for (tok = strtok_r(setup[i], " ", &save); tok && k < 7; tok = strtok_r(NULL, " ", &save)) v[k++] = tok;
		v[k] = NULL;
		if (!strcmp(v[0], "timer"))
			rec_arm(socks[sock_index(v[1])], strcmp(v[2], "timer") != 0, (int)num(v[3]), num(v[4]));
		else if (!strcmp(v[0], "listener"))
			machine_add_pending(socks[sock_index(v[2])], socks[sock_index(v[1])]);
		else if (!strcmp(v[0], "partial"))
			machine_partial(socks[sock_index(v[1])], num(v[2]));
	}
}

int main(void)
{
	static char line[8192];
	char *w[128];
	while (fgets(line, sizeof(line), stdin)) {
		int n = 0;
		char *save = NULL, *tok;
		for (tok = strtok_r(line, " \t\r\n", &save); tok && n < 127; tok = strtok_r(NULL, " \t\r\n", &save))
			w[n++] = tok;
		w[n] = NULL;
		if (!n) continue;
		if (!strcmp(w[0], "ev") || !strcmp(w[0], "end")) connect_all();
		if (!strcmp(w[0], "case")) { reset(w[1]); connected = 0; nsetup = 0; }
		else if (!strcmp(w[0], "jiffies")) jiffies = num(w[1]);
		else if (!strcmp(w[0], "sock") || !strcmp(w[0], "plain")) {
			if (nsocks == MAX_SOCKS) fail("too many socks", "");
			strncpy(names[nsocks], w[1], sizeof(names[0]) - 1);
			namep[nsocks] = names[nsocks];
			peer[nsocks] = -1;
			delay[nsocks] = 0;
			rport[nsocks] = (unsigned short)(4096 + nsocks);	/* the scripted peer (run.ts does the same) */
			plain[nsocks] = w[0][0] == 'p';
			socks[nsocks] = plain[nsocks] ? machine_plain_socket(nsocks) : machine_socket(nsocks);
			if (!socks[nsocks]) fail("inet_create", machine_fault_text ? machine_fault_text : "");
			join(sock_lines[nsocks], w, 2, n);
			nsocks++;
		} else if (!strcmp(w[0], "timer") || !strcmp(w[0], "listener") || !strcmp(w[0], "partial")) {
			if (nsetup == MAX_EVENTS) fail("too many setup lines", "");
			join(setup[nsetup++], w, 0, n);
		} else if (!strcmp(w[0], "link")) {
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
				e->s.mss = w[10] ? num(w[10]) : 0;
			} else if (!strcmp(w[3], "wait")) e->kind = E_WAIT;
			else if (!strcmp(w[3], "listen")) { e->kind = E_LISTEN; e->n1 = (long)num(w[4]); e->n2 = (long)num(w[5]); }
			else if (!strcmp(w[3], "connect")) { e->kind = E_CONNECT; e->other = sock_index(w[4] ? w[4] : "?"); }
			else if (!strcmp(w[3], "accept")) { e->kind = E_ACCEPT; e->other = sock_index(w[4] ? w[4] : "?"); }
			else if (!strcmp(w[3], "shutdown")) { e->kind = E_SHUTDOWN; e->n1 = (long)num(w[4]); }
			else if (!strcmp(w[3], "write")) { e->kind = E_WRITE; e->n1 = (long)num(w[4]); }
			else if (!strcmp(w[3], "read")) { e->kind = E_READ; e->n1 = (long)num(w[4]); }
			else fail("unknown event", w[3]);
		} else if (!strcmp(w[0], "end")) {
			run_agenda();
			print_record();
		} else fail("unknown line", w[0]);
	}
	return 0;
}
