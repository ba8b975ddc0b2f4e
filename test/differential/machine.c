/*
 * Machine layer of the differential test for the reduced port (src/kernel/tcp.c): compiles the
 * kernel C (KERNEL_C, by default ../../src/kernel/tcp.c) and supplies what tcp.h declares as
 * natives, the way the debugger's world does (src/engine/world.ts): 1.2 timers (expires relative
 * on add_timer, absolute while pending), circular skb queues with the head as sentinel,
 * ip_queue_xmit as the wire, printk.
 *
 * What a driver sees (driver.c for the protocol, harness.c for the benchmark's single calls):
 *   world_xmit(sk, th, payload)  a driver function: a segment leaves (called by ip_queue_xmit)
 *   world_printk(text)           a driver function: printk's formatted text
 *   timers[], pending_slot(), timer_seq   which timers are pending, in arming order
 *   mach_new_sock, mach_make_skb, mach_close, mach_deliver, mach_fire, mach_call
 *                                the kernel's entry points, by what the protocol asks
 * A machine layer for the unmodified 1.2.13 files provides the same names over the real
 * add_timer/del_timer, skbuff.c and ip_queue_xmit.
 *
 * Licence: GPL-2.0-or-later, like the kernel code it includes.
 */
/*
 * The kernel C is i386 code (int and long 32 bits). The differential driver (driver.c) insists
 * on an i386 build. Only the benchmark's single-call harness (harness.c) may be built 64-bit,
 * where the kernel C is compiled with long as int and linked -no-pie (timer.data holds a sock
 * pointer in an unsigned long).
 */
#if defined(__LP64__)
#define long int
#define MACHINE_LONG_IS_INT 1
#endif

#ifndef KERNEL_C
#define KERNEL_C "../../src/kernel/tcp.c"
#endif
#include KERNEL_C

unsigned long jiffies;

#ifdef MACHINE_LONG_IS_INT
#undef long
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>

void world_xmit(struct sock *sk, struct tcphdr *th, unsigned long payload);
void world_printk(const char *text);

/* ---------------------------------------------------------------- timers */

#define MAX_TIMERS 80
static struct { struct timer_list *t; int pending; unsigned long seq; } timers[MAX_TIMERS];
static unsigned long timer_seq;

static int *pending_slot(struct timer_list *t)
{
	int i;
	for (i = 0; i < MAX_TIMERS; i++)
		if (timers[i].t == t)
			return &timers[i].pending;
	for (i = 0; i < MAX_TIMERS; i++)
		if (timers[i].t == 0) {
			timers[i].t = t;
			timers[i].pending = 0;
			return &timers[i].pending;
		}
	fprintf(stderr, "machine: timer table full\n");
	exit(2);
}

static int timer_pending(struct timer_list *t)
{
	return *pending_slot(t);
}

/* 1.2 semantics: expires is relative on entry, absolute while pending. */
void add_timer(struct timer_list *timer)
{
	int *p = pending_slot(timer);
	int i;
	if (*p)
		fprintf(stderr, "machine: add_timer on a pending timer\n");
	timer->expires += jiffies;
	*p = 1;
	for (i = 0; i < MAX_TIMERS; i++)
		if (timers[i].t == timer)
			timers[i].seq = ++timer_seq;
}

int del_timer(struct timer_list *timer)
{
	int *p = pending_slot(timer);
	if (!*p)
		return 0;
	*p = 0;
	timer->expires -= jiffies;
	return 1;
}

/* ---------------------------------------------------------------- skbs */

struct sk_buff *alloc_skb(unsigned int size, int priority)
{
	struct sk_buff *skb = calloc(1, sizeof(struct sk_buff));
	skb->h.th = calloc(1, sizeof(struct tcphdr));
	(void)size; (void)priority;
	return skb;
}

/* Buffers are leaked on purpose: a case is short and nothing is reused. */
void kfree_skb(struct sk_buff *skb, int rw)
{
	(void)skb; (void)rw;
}

/* Circular list with the head as sentinel; a zeroed head is empty. */
static void queue_init_if_zero(struct sk_buff_head *list)
{
	if (list->next == NULL) {
		list->next = (struct sk_buff *)list;
		list->prev = (struct sk_buff *)list;
	}
}

struct sk_buff *skb_dequeue(struct sk_buff_head *list)
{
	struct sk_buff *skb;
	queue_init_if_zero(list);
	skb = list->next;
	if (skb == (struct sk_buff *)list)
		return NULL;
	list->next = skb->next;
	skb->next->prev = (struct sk_buff *)list;
	skb->next = NULL;
	skb->prev = NULL;
	return skb;
}

void skb_queue_tail(struct sk_buff_head *list, struct sk_buff *newsk)
{
	queue_init_if_zero(list);
	newsk->next = (struct sk_buff *)list;
	newsk->prev = list->prev;
	newsk->next->prev = newsk;
	newsk->prev->next = newsk;
}

struct sk_buff *skb_peek(struct sk_buff_head *list)
{
	if (list->next == NULL || list->next == (struct sk_buff *)list)
		return NULL;
	return list->next;
}

void skb_queue_head(struct sk_buff_head *list, struct sk_buff *newsk)
{
	queue_init_if_zero(list);
	newsk->prev = (struct sk_buff *)list;
	newsk->next = list->next;
	newsk->next->prev = newsk;
	newsk->prev->next = newsk;
}

/* insert newsk after old */
void skb_append(struct sk_buff *old, struct sk_buff *newsk)
{
	newsk->prev = old;
	newsk->next = old->next;
	newsk->next->prev = newsk;
	old->next = newsk;
}

void skb_unlink(struct sk_buff *skb)
{
	if (skb->next && skb->prev) {
		skb->next->prev = skb->prev;
		skb->prev->next = skb->next;
	}
	skb->next = NULL;
	skb->prev = NULL;
}

/* ------------------------------------------------------- wire and printk */

static int sent;

/* skb->len is the TCP length: 20 header bytes + payload. */
void ip_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	sent++;
	world_xmit(sk, skb->h.th, skb->len > TCPHDR_SIZE ? skb->len - TCPHDR_SIZE : 0);
}

/*
 * printk's format as the debugger's printf has it (src/engine/world.ts): %d %i %u %x %X %s %c
 * %p with an optional width and l, and %%. %p prints <ptr> (an address is not comparable).
 */
int printk(const char *fmt, ...)
{
	char out[1024], num[64];
	int n = 0;
	va_list ap;
	va_start(ap, fmt);
	for (; *fmt && n < (int)sizeof(out) - 80; fmt++) {
		const char *s = num;
		int width = 0, left = 0, len;
		if (*fmt != '%') {
			out[n++] = *fmt;
			continue;
		}
		fmt++;
		if (*fmt == '-') { left = 1; fmt++; }
		while (*fmt >= '0' && *fmt <= '9') width = width * 10 + *fmt++ - '0';
		if (*fmt == 'l') fmt++;
		switch (*fmt) {
		/* the kernel's long is 32 bits: an int as passed, also where the format says %l */
		case 'd': case 'i': sprintf(num, "%d", va_arg(ap, int)); break;
		case 'u': sprintf(num, "%u", va_arg(ap, unsigned int)); break;
		case 'x': sprintf(num, "%x", va_arg(ap, unsigned int)); break;
		case 'X': sprintf(num, "%X", va_arg(ap, unsigned int)); break;
		case 'c': sprintf(num, "%c", (char)va_arg(ap, int)); break;
		case 'p': (void)va_arg(ap, void *); s = "<ptr>"; break;
		case 's': s = va_arg(ap, const char *); if (!s) s = "(null)"; break;
		case '%': s = "%"; break;
		default: num[0] = '%'; num[1] = *fmt; num[2] = 0; if (!*fmt) fmt--; break;
		}
		len = (int)strlen(s);
		if (len > (int)sizeof(out) - 80 - n) len = (int)sizeof(out) - 80 - n;
		if (!left) while (width-- > len) out[n++] = ' ';
		memcpy(out + n, s, len);
		n += len;
		if (left) while (width-- > len) out[n++] = ' ';
	}
	va_end(ap);
	out[n] = 0;
	world_printk(out);
	return n;
}

void sock_wake_async(struct socket *sock, int how)
{
	(void)sock; (void)how;
}

void def_callback1(struct sock *sk)
{
	(void)sk;
}

/* ------------------------------------------------- the kernel's entries */

/* A fresh sock as the debugger's world makes one: zeroed, callbacks and timer handlers set. */
static void mach_new_sock(struct sock *sk, struct socket *owner)
{
	memset(sk, 0, sizeof(*sk));
	memset(owner, 0, sizeof(*owner));
	sk->state_change = def_callback1;
	sk->socket = owner;
	sk->timer.data = (unsigned long)sk;
	sk->timer.function = net_timer;
	sk->retransmit_timer.data = (unsigned long)sk;
	sk->retransmit_timer.function = retransmit_timer;
}

struct seg {
	char flags[8];
	unsigned long seq, ack, len, win;
};

/* An skb holding a segment, as tcp_rcv receives it: skb->len = header + payload. */
static struct sk_buff *mach_make_skb(struct sock *sk, const struct seg *s)
{
	struct sk_buff *skb = alloc_skb(MAX_ACK_SIZE, GFP_ATOMIC);
	struct tcphdr *th = skb->h.th;
	th->syn = strchr(s->flags, 'S') != NULL;
	th->fin = strchr(s->flags, 'F') != NULL;
	th->rst = strchr(s->flags, 'R') != NULL;
	th->psh = strchr(s->flags, 'P') != NULL;
	th->ack = strchr(s->flags, '.') != NULL;
	th->seq = s->seq;
	th->ack_seq = s->ack;
	th->doff = TCPHDR_SIZE / 4;
	th->window = (unsigned short)s->win;
	skb->len = TCPHDR_SIZE + s->len;
	skb->sk = sk;
	return skb;
}

/* What is in an skb on a queue: header fields, skb->len, skb->sk. */
static void mach_skb_desc(struct sk_buff *skb, unsigned long *seq, unsigned long *ack, char *flags, unsigned long *len, struct sock **owner)
{
	struct tcphdr *th = skb->h.th;
	char *p = flags;
	*seq = th ? th->seq : 0;
	*ack = th ? th->ack_seq : 0;
	if (th) {
		if (th->syn) *p++ = 'S';
		if (th->fin) *p++ = 'F';
		if (th->rst) *p++ = 'R';
		if (th->psh) *p++ = 'P';
		if (th->ack) *p++ = '.';
	}
	if (p == flags) *p++ = '-';
	*p = 0;
	*len = skb->len;
	*owner = skb->sk;
}

/* sk->partial: an skb of n bytes ending at write_seq, not yet sent. */
static void mach_set_partial(struct sock *sk, unsigned long n)
{
	struct seg s = { ".", 0, 0, 0, 0 };
	s.seq = sk->write_seq - n;
	s.ack = sk->acked_seq;
	s.len = n;
	sk->partial = mach_make_skb(sk, &s);
}

/* A not yet accepted connection of a listener: an skb on its receive_queue with skb->sk = child. */
static void mach_add_pending(struct sock *parent, struct sock *child)
{
	struct sk_buff *skb = alloc_skb(0, GFP_ATOMIC);
	skb->sk = child;
	skb_queue_tail(&parent->receive_queue, skb);
}

/* Arms sk->timer or sk->retransmit_timer for `expires` jiffies from now, with its reason. */
static void mach_arm(struct sock *sk, int which, int reason, unsigned long expires)
{
	struct timer_list *t = which ? &sk->retransmit_timer : &sk->timer;
	if (which) sk->ip_xmit_timeout = reason; else sk->timeout = reason;
	t->expires = expires;
	add_timer(t);
}

/* close(2): inet_release; a protocol close: tcp_close(sk, timeout). */
static void mach_close(struct sock *sk, int timeout)
{
	if (timeout == 0)
		inet_release(sk);
	else
		tcp_close(sk, timeout);
}

static void mach_deliver(struct sock *sk, struct sk_buff *skb)
{
	tcp_rcv(skb, sk);
}

/* A timer fires: it is off the list before its handler runs. */
static void mach_fire(struct timer_list *t)
{
	*pending_slot(t) = 0;
	t->function(t->data);
}

/*
 * `call FN`: the kernel functions a case may call directly, with their arguments by name.
 * skb->len is the payload for tcp_fin (as tcp_data leaves it), the TCP length for the others.
 * Returns 0 and sets *ok = 0 for a function this layer does not know.
 */
static long mach_call(const char *fn, struct sock *sk, const struct seg *s, long (*arg)(const char *), int *ok)
{
	struct sk_buff *skb = s ? mach_make_skb(sk, s) : NULL;
	*ok = 1;
	if (!strcmp(fn, "tcp_fin") && skb) {
		skb->len = s->len;
		return tcp_fin(skb, sk, skb->h.th);
	}
	if (!strcmp(fn, "tcp_ack") && skb) return tcp_ack(sk, skb->h.th, (int)skb->len);
	if (!strcmp(fn, "tcp_rcv") && skb) return tcp_rcv(skb, sk);
	if (!strcmp(fn, "tcp_data") && skb) return tcp_data(skb, sk, (unsigned short)skb->len);
	if (!strcmp(fn, "tcp_close")) { tcp_close(sk, (int)arg("timeout")); return 0; }
	if (!strcmp(fn, "tcp_close_state")) return tcp_close_state(sk, (int)arg("dead"));
	if (!strcmp(fn, "tcp_send_partial")) { tcp_send_partial(sk); return 0; }
	if (!strcmp(fn, "tcp_close_pending")) { tcp_close_pending(sk); return 0; }
	if (!strcmp(fn, "tcp_send_fin")) { tcp_send_fin(sk); return 0; }
	if (!strcmp(fn, "tcp_time_wait")) { tcp_time_wait(sk); return 0; }
	if (!strcmp(fn, "release_sock")) { release_sock(sk); return 0; }
	if (!strcmp(fn, "inet_release")) return inet_release(sk);
	*ok = 0;
	return 0;
}
