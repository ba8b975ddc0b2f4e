/*
 * Machine layer (tcp-close-debugger): net/inet/tcp.c, compiled here whole and unmodified, inside
 * this file, so that the machine can reach what tcp_conn_request and tcp_connect set (the
 * static retransmit_timer handler) and so that a scenario may call the static functions of the
 * close path by name (`call tcp_close_state dead=1`).
 *
 * MACHINE_TCP_C names the file to include: the release's tcp.c. (The gcc build passes a copy
 * whose 54 strings that run over raw newlines, all inside tcp_check's __asm__, are joined: gcc 2.x
 * accepted them, modern gcc does not. The copy has the same lines.)
 */
#ifndef MACHINE_TCP_C
#define MACHINE_TCP_C "../linux-1.2.13/net/inet/tcp.c"
#endif
#include MACHINE_TCP_C

#include "world.h"

void (*machine_retransmit_timer)(unsigned long) = retransmit_timer;

/*
 * A tcp.c function by name, on sk, with a segment (skb, NULL if none) and one integer argument
 * (dead for tcp_close_state, timeout for tcp_close). skb->len is the TCP length (header and
 * payload), except for tcp_fin, which gets the payload length as tcp_data leaves it.
 * *found is 0 for a name this table does not have.
 */
long machine_tcp_call(const char *fn, struct sock *sk, struct sk_buff *skb, long arg, int *found)
{
	*found = 1;
	if (!strcmp(fn, "tcp_close_state")) return tcp_close_state(sk, (int)arg);
	if (!strcmp(fn, "tcp_send_fin")) { tcp_send_fin(sk); return 0; }
	if (!strcmp(fn, "tcp_send_partial")) { tcp_send_partial(sk); return 0; }
	if (!strcmp(fn, "tcp_close_pending")) { tcp_close_pending(sk); return 0; }
	if (!strcmp(fn, "tcp_time_wait")) { tcp_time_wait(sk); return 0; }
	if (!strcmp(fn, "tcp_close")) { tcp_close(sk, (int)arg); return 0; }
	if (skb && !strcmp(fn, "tcp_ack")) return tcp_ack(sk, skb->h.th, skb->saddr, (int)skb->len);
	if (skb && !strcmp(fn, "tcp_fin")) {
		skb->len -= skb->h.th->doff * 4;
		return tcp_fin(skb, sk, skb->h.th);
	}
	if (skb && !strcmp(fn, "tcp_data")) return tcp_data(skb, sk, skb->saddr, (unsigned short)skb->len);
	*found = 0;
	return 0;
}

/*
 * sk->partial: a segment of n bytes ending at write_seq that tcp_write has filled but not sent,
 * built as tcp_write builds one (a buffer of mtu + 128 + max_header bytes from the protocol's
 * wmalloc, the IP header from build_header, the TCP header from tcp_build_header, the data)
 * and held by the real tcp_enqueue_partial, which also arms the partial timer.
 */
void machine_partial(struct sock *sk, unsigned long n)
{
	struct proto *prot = sk->prot;
	struct device *dev = NULL;
	struct sk_buff *skb;
	unsigned char *buff;
	unsigned long i;
	int tmp;
	skb = prot->wmalloc(sk, sk->mtu + 128 + prot->max_header, 0, GFP_KERNEL);
	if (skb == NULL) {
		machine_fault("partial: wmalloc failed");
		return;
	}
	skb->len = 0;
	skb->sk = sk;
	skb->free = 0;
	skb->localroute = sk->localroute;
	buff = skb->data;
	tmp = prot->build_header(skb, sk->saddr, sk->daddr, &dev, IPPROTO_TCP, sk->opt, skb->mem_len, sk->ip_tos, sk->ip_ttl);
	skb->len += tmp;
	skb->dev = dev;
	buff += tmp;
	skb->h.th = (struct tcphdr *)buff;
	/* the header's seq is write_seq at the time: the first byte of this data */
	sk->write_seq -= n;
	tmp = tcp_build_header((struct tcphdr *)buff, sk, 0);
	skb->len += tmp;
	for (i = 0; i < n; i++) buff[tmp + i] = (unsigned char)('A' + i % 26);
	skb->len += n;
	sk->write_seq += n;
	tcp_enqueue_partial(skb, sk);
}
