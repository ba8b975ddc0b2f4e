/*
 * Machine layer (tcp-close-debugger): net/inet/tcp.c, compiled here whole and unmodified, inside
 * this file, so that the machine can reach what tcp_conn_request and tcp_connect set (the
 * static retransmit_timer handler) and so that a scenario may call the static functions of the
 * close path by name (`call tcp_close_state dead=1`).
 */
#include "usercopy.h"

#include "../linux-1.2.13/net/inet/tcp.c"

#include "world.h"

void (*machine_retransmit_timer)(unsigned long) = retransmit_timer;

/*
 * A close-path function by name (tcp.c's, and sock.c's release_sock), on sk, with a segment
 * (skb, NULL if none) and one integer argument (dead for tcp_close_state, timeout for
 * tcp_close). skb->len is the TCP length (header and payload), except for tcp_fin, which gets
 * the payload length as tcp_data leaves it.
 * *found is 0 for a name this table does not have.
 */
long machine_tcp_call(const char *fn, struct sock *sk, struct sk_buff *skb, long arg, int *found)
{
	*found = 1;
	if (!machine_allocated(sk)) {
		/* a scenario's call on a sock destroy_sock freed: nothing in the kernel can reach it */
		machine_fault("the call is on a sock destroy_sock freed: no descriptor and no entry in tcp_prot's table refers to it any more, so Linux 1.2 never calls into it");
		return 0;
	}
	if (!strcmp(fn, "tcp_close_state")) return tcp_close_state(sk, (int)arg);
	if (!strcmp(fn, "tcp_send_fin")) { tcp_send_fin(sk); return 0; }
	if (!strcmp(fn, "tcp_send_partial")) { tcp_send_partial(sk); return 0; }
	if (!strcmp(fn, "tcp_close_pending")) { tcp_close_pending(sk); return 0; }
	if (!strcmp(fn, "tcp_time_wait")) { tcp_time_wait(sk); return 0; }
	if (!strcmp(fn, "tcp_close")) { tcp_close(sk, (int)arg); return 0; }
	if (!strcmp(fn, "release_sock")) { release_sock(sk); return 0; }
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
 * A segment of ours built as tcp_write builds one: a buffer of mtu + 128 + max_header bytes from
 * the protocol's wmalloc, the IP header from build_header, the TCP header from
 * tcp_build_header (seq = write_seq at the time, so it is set to seq for the call), n bytes of
 * data, and the FIN flag as tcp_send_fin sets it. skb->h.seq is the sequence number after it.
 */
static struct sk_buff *machine_segment_skb(struct sock *sk, unsigned long seq, unsigned long n, int fin)
{
	struct proto *prot = sk->prot;
	struct device *dev = NULL;
	struct sk_buff *skb;
	struct tcphdr *th;
	unsigned long i, keep = sk->write_seq;
	int tmp;
	skb = prot->wmalloc(sk, sk->mtu + 128 + prot->max_header, 0, GFP_KERNEL);
	if (skb == NULL) {
		machine_fault("a segment of ours: wmalloc failed");
		return NULL;
	}
	skb->len = 0;
	skb->sk = sk;
	skb->free = 0;
	skb->localroute = sk->localroute;
	tmp = prot->build_header(skb, sk->saddr, sk->daddr, &dev, IPPROTO_TCP, sk->opt, skb->mem_len, sk->ip_tos, sk->ip_ttl);
	skb->len += tmp;
	skb->dev = dev;
	th = (struct tcphdr *)(skb->data + tmp);
	skb->h.th = th;
	sk->write_seq = seq;
	tmp = tcp_build_header(th, sk, 0);
	sk->write_seq = keep;
	skb->len += tmp;
	for (i = 0; i < n; i++) ((unsigned char *)th)[tmp + i] = (unsigned char)('A' + (seq + i) % 26);
	skb->len += n;
	if (fin) {
		th->fin = 1;
		th->psh = 0;
	}
	return skb;
}

/*
 * sk->partial: n bytes ending at write_seq, filled by tcp_write but not sent, held by the real
 * tcp_enqueue_partial (which also arms the partial timer).
 */
void machine_partial(struct sock *sk, unsigned long n)
{
	struct sk_buff *skb = machine_segment_skb(sk, sk->write_seq - n, n, 0);
	if (skb) tcp_enqueue_partial(skb, sk);
}

/*
 * What is in flight (rcv_ack_seq up to sent_seq) as the kernel holds it: the skbs sent and not
 * yet acknowledged, on the send_head chain as ip_queue_xmit leaves them (free 0, when = now, the
 * IP length and checksum set, packets_out counted): data in segments of at most mss bytes, and,
 * in FIN_WAIT1, CLOSING and LAST_ACK with everything written sent, the FIN as its own skb last.
 */
void machine_in_flight(struct sock *sk)
{
	unsigned long seq = sk->rcv_ack_seq, end = sk->sent_seq;
	int fin = (sk->state == TCP_FIN_WAIT1 || sk->state == TCP_CLOSING || sk->state == TCP_LAST_ACK) &&
		sk->sent_seq == sk->write_seq;
	if (!after(end, seq)) return;
	while (after(end, seq)) {
		unsigned long n = end - seq - (fin ? 1 : 0);
		int last_fin = 0;
		struct sk_buff *skb;
		struct iphdr *iph;
		if (n > sk->mss) n = sk->mss;
		if (n == 0) last_fin = 1;
		skb = machine_segment_skb(sk, seq, n, last_fin);
		if (!skb) return;
		skb->h.seq = seq + n + last_fin;
		skb->when = jiffies;
		iph = (struct iphdr *)skb->data;
		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
		sk->packets_out++;
		if (sk->send_head == NULL) sk->send_head = skb;
		else sk->send_tail->link3 = skb;
		sk->send_tail = skb;
		seq = skb->h.seq;
	}
}
