/*
 * Machine layer (tcp-close-debugger): the world around the kernel. Boot, sockets made by the
 * real inet_create and closed by the real inet_release, segments built as bytes and handed to
 * the real tcp_rcv as ip_rcv hands them, and what the rest of the kernel (socket.c, dev.c,
 * arp.c, protocol.c) provides to these files: the calls they make, as no-ops or bookkeeping.
 */
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/sched.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/notifier.h>
#include <linux/fcntl.h>
#include "snmp.h"
#include "ip.h"
#include "protocol.h"
#include "sock.h"
#include "tcp.h"
#include "world.h"

/* tcp.c's checksum, which the machine defines (net.c) and no header declares: the prototype, so a
 * call does not fall back to C's implicit `int tcp_check()` */
unsigned short tcp_check(struct tcphdr *th, int len, unsigned long saddr, unsigned long daddr);

extern struct device machine_dev;
extern void (*machine_retransmit_timer)(unsigned long);
void machine_net_reset(void);
void machine_timers_reset(void);
extern struct tcp_mib tcp_statistics;

const char *machine_fault_text;

void machine_fault(const char *text)
{
	if (!machine_fault_text) machine_fault_text = text;
}

/* ---- what socket.c, dev.c, arp.c and protocol.c give these files ---- */

static struct proto_ops *machine_inet_ops;

int sock_register(int family, struct proto_ops *ops)
{
	if (family == AF_INET) machine_inet_ops = ops;
	return 0;
}

/* no process waits on a socket here: nothing to signal */
int sock_wake_async(struct socket *sock, int how)
{
	(void)sock; (void)how;
	return 0;
}

/*
 * send_sig (kernel/exit.c): no process runs here to receive a signal; the SIGPIPE inet_send sends
 * for a write on a socket shut for sending is lost (the write still returns -EPIPE)
 */
int send_sig(unsigned long sig, struct task_struct *p, int priv)
{
	(void)sig; (void)p; (void)priv;
	return 0;
}

/* the protocol table ip_rcv would search: the machine hands TCP segments to tcp_rcv itself */
struct inet_protocol *inet_protocol_base = NULL;

void arp_init(void) { }
/* the ARP cache (arp.c): there is none, the one device has no link-level addresses */
void arp_destroy(unsigned long paddr, int force) { (void)paddr; (void)force; }
void dev_add_pack(struct packet_type *pt) { (void)pt; }
int register_netdevice_notifier(struct notifier_block *nb) { (void)nb; return 0; }

/* ---- boot ---- */

static struct socket machine_sockets[MACHINE_SOCKETS];
static struct wait_queue *machine_waits[MACHINE_SOCKETS];

void machine_boot(void)
{
	machine_fault_text = NULL;
	machine_kmalloc_reset();
	machine_printk_reset();
	machine_net_reset();
	machine_timers_reset();
	machine_wire_count = 0;
	memset(&tcp_statistics, 0, sizeof(tcp_statistics));
	memset(machine_sockets, 0, sizeof(machine_sockets));
	memset(machine_waits, 0, sizeof(machine_waits));
	inet_proto_init(NULL);
}

/* ---- sockets ---- */

/* a struct socket of ours in slot index, SOCK_STREAM over AF_INET, with the real inet_create's sock */
static struct socket *machine_new_socket(int index)
{
	struct socket *sock;
	if (index < 0 || index >= MACHINE_SOCKETS || !machine_inet_ops) {
		machine_fault("machine_socket: no such socket slot (or inet_proto_init did not register AF_INET)");
		return NULL;
	}
	sock = &machine_sockets[index];
	memset(sock, 0, sizeof(*sock));
	sock->type = SOCK_STREAM;
	sock->state = SS_UNCONNECTED;
	sock->ops = machine_inet_ops;
	sock->wait = &machine_waits[index];
	if (machine_inet_ops->create(sock, 0) != 0) {
		machine_fault("machine_socket: inet_create failed");
		return NULL;
	}
	return sock;
}

struct sock *machine_plain_socket(int index)
{
	struct socket *sock = machine_new_socket(index);
	return sock ? (struct sock *)sock->data : NULL;
}

struct sock *machine_socket(int index)
{
	struct socket *sock = machine_new_socket(index);
	if (!sock) return NULL;
	sock->state = SS_CONNECTED;
	return (struct sock *)sock->data;
}

/*
 * The socket a sock of ours belongs to, or NULL when it has none: closed (inet_release), or the
 * sock inet_create made for an accept's new socket, which inet_accept destroys first even when
 * no connection is there to accept (sys_accept then frees the new socket: no descriptor). A
 * system call on a descriptor that is not open returns -EBADF.
 */
static struct socket *machine_socket_of(struct sock *sk)
{
	if (!sk || !sk->socket || sk->socket->data != (void *)sk) return NULL;
	return sk->socket;
}

/* 10.0.0.1:port, as socket.c's move_addr_to_kernel leaves a sockaddr for the protocol */
static void machine_sockaddr(struct sockaddr_in *sin, unsigned short port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = MACHINE_ADDR;
}

int machine_listen(struct sock *sk, unsigned short port, int backlog)
{
	struct socket *sock = machine_socket_of(sk);
	struct sockaddr_in sin;
	int err;
	if (!sock) return -EBADF;
	if (port) {
		machine_sockaddr(&sin, port);
		err = sock->ops->bind(sock, (struct sockaddr *)&sin, sizeof(sin));
		if (err < 0) return err;
	}
	return sock->ops->listen(sock, backlog);
}

/*
 * A socket not yet bound is bound first to lport (bind(2), the real inet_bind): inet_connect's
 * inet_autobind would pick a port with get_new_socknum, whose function-static cursor lives on
 * from one boot of the machine to the next, so a case's ports would depend on the cases before it.
 */
int machine_connect(struct sock *sk, unsigned short lport, unsigned short port)
{
	struct socket *sock = machine_socket_of(sk);
	struct sockaddr_in sin;
	int err;
	if (!sock) return -EBADF;
	if (lport && sk->num == 0) {
		machine_sockaddr(&sin, lport);
		err = sock->ops->bind(sock, (struct sockaddr *)&sin, sizeof(sin));
		if (err < 0) return err;
	}
	machine_sockaddr(&sin, port);
	return sock->ops->connect(sock, (struct sockaddr *)&sin, sizeof(sin), O_NONBLOCK);
}

struct sock *machine_accept(struct sock *listener, int index, int *err)
{
	struct socket *sock = machine_socket_of(listener);
	struct socket *newsock;
	*err = -EBADF;
	if (!sock) return NULL;
	if (index < 0 || index >= MACHINE_SOCKETS) {
		machine_fault("accept: no such socket slot");
		return NULL;
	}
	newsock = &machine_sockets[index];
	/* sys_accept's new socket: the protocol's dup (inet_create) unless the slot has one already */
	if (!newsock->data && !machine_new_socket(index)) return NULL;
	*err = sock->ops->accept(sock, newsock, O_NONBLOCK);
	return *err < 0 ? NULL : (struct sock *)newsock->data;
}

int machine_shutdown(struct sock *sk, int how)
{
	struct socket *sock = machine_socket_of(sk);
	return sock ? sock->ops->shutdown(sock, how) : -EBADF;
}

/*
 * The application's buffer for write(2) and read(2): "user space" of the one flat address space,
 * which the release's memcpy_fromfs/memcpy_tofs (machine/usercopy.c) copy from and to.
 */
static unsigned char machine_user_buf[MACHINE_USER_BYTES];

int machine_write(struct sock *sk, unsigned long n)
{
	struct socket *sock = machine_socket_of(sk);
	unsigned long i;
	if (!sock) return -EBADF;
	if (n > MACHINE_USER_BYTES) {
		machine_fault("write: more bytes than the machine's user buffer");
		return 0;
	}
	for (i = 0; i < n; i++) machine_user_buf[i] = (unsigned char)('A' + i % 26);
	return sock->ops->write(sock, (char *)machine_user_buf, (int)n, 1);
}

int machine_read(struct sock *sk, unsigned long n)
{
	struct socket *sock = machine_socket_of(sk);
	if (!sock) return -EBADF;
	if (n > MACHINE_USER_BYTES) {
		machine_fault("read: more bytes than the machine's user buffer");
		return 0;
	}
	return sock->ops->read(sock, (char *)machine_user_buf, (int)n, 1);
}

unsigned short machine_peer_port(struct sock *sk)
{
	return ntohs(sk->dummy_th.dest);
}

/*
 * What tcp_conn_request (a passive open) and tcp_connect (an active open) leave in a sock of an
 * established connection, besides its sequence numbers and state: the addresses and ports, the
 * retransmit timer's handler, mtu and mss 536 (576 less 40 bytes of IP and TCP header; 1.2.13
 * itself says 576 - HEADER_SIZE = 512 for a peer off the local net), the peer's
 * largest window MAX_WINDOW, one segment of congestion window. The scenario's fields follow.
 */
void machine_connect_fields(struct sock *sk, unsigned short lport, unsigned short rport)
{
	sk->num = lport;
	sk->saddr = MACHINE_ADDR;
	sk->daddr = MACHINE_ADDR;
	sk->dummy_th.source = htons(lport);
	sk->dummy_th.dest = htons(rport);
	sk->retransmit_timer.function = machine_retransmit_timer;
	sk->retransmit_timer.data = (unsigned long)sk;
	sk->mtu = 536;
	sk->mss = sk->mtu;
	sk->max_window = MAX_WINDOW;
	sk->max_unacked = MAX_WINDOW - TCP_WINDOW_DIFF;
	sk->cong_window = 1;
}

/* after the scenario's fields: the peer's window edge, and the sock into tcp_prot's table */
void machine_connected(struct sock *sk, int window_seq_given)
{
	if (!window_seq_given) sk->window_seq = sk->rcv_ack_seq + MAX_WINDOW;
	put_sock(sk->num, sk);
}

int machine_close(struct sock *sk, int timeout)
{
	/*
	 * A sock destroy_sock freed: nothing refers to it any more (no descriptor, no entry in
	 * tcp_prot's table), so no close() can reach it; running tcp_close on the freed block would
	 * arm a timer in freed memory and free it a second time.
	 */
	if (!machine_allocated(sk))
		return -EBADF;
	if (timeout) {
		sk->prot->close(sk, timeout);
		return 0;
	}
	/*
	 * A second close() of the same descriptor: no file is open behind it any more, so the system
	 * call returns -EBADF before any socket code runs, as for the calls above.
	 */
	if (!sk->socket)
		return -EBADF;
	return sk->socket->ops->release(sk->socket, NULL);
}

/*
 * A not yet accepted connection, as tcp_conn_request leaves it: the SYN that made it (a real
 * datagram from the child's peer to the listener's port, seq one before the child's
 * acked_seq), owned by the child and charged to it, on the listener's receive_queue. The
 * child has no socket until accept().
 */
void machine_add_pending(struct sock *parent, struct sock *child)
{
	static unsigned char syn[MACHINE_SEG_BYTES];
	unsigned long n = machine_build_segment(syn, ntohs(child->dummy_th.dest), parent->num, "S",
		child->acked_seq - 1, 0, MAX_WINDOW, 0, 0);
	struct sk_buff *skb = machine_arrival(syn, n);
	skb->len -= skb->ip_hdr->ihl * 4;
	skb->h.th->seq = ntohl(skb->h.th->seq);	/* as tcp_rcv leaves it */
	skb->free = 0;
	skb->sk = child;
	child->rmem_alloc += skb->mem_len;
	child->socket = NULL;
	skb_queue_tail(&parent->receive_queue, skb);
}

/* ---- segments ---- */

/*
 * With mss non-zero the TCP header carries the MSS option after its 20 bytes (kind 2, length 4,
 * the value in network order: what tcp_options reads on a SYN), doff 6, the payload after it;
 * the checksum and the IP total length cover it.
 */
unsigned long machine_build_segment(unsigned char *out, unsigned short sport, unsigned short dport,
	const char *flags, unsigned long seq, unsigned long ack, unsigned long win, unsigned long len,
	unsigned long mss)
{
	struct iphdr *iph = (struct iphdr *)out;
	struct tcphdr *th = (struct tcphdr *)(out + sizeof(struct iphdr));
	unsigned long opts = mss ? 4 : 0;
	unsigned long hdr = sizeof(struct tcphdr) + opts;
	unsigned char *opt = (unsigned char *)(th + 1), *data = opt + opts;
	unsigned long i, total = sizeof(struct iphdr) + hdr + len;
	if (total > MACHINE_SEG_BYTES) {
		machine_fault("a segment longer than the machine's buffer");
		return 0;
	}
	memset(out, 0, sizeof(struct iphdr) + hdr);
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons((unsigned short)total);
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = MACHINE_ADDR;
	iph->daddr = MACHINE_ADDR;
	ip_send_check(iph);
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = hdr / 4;
	th->window = htons((unsigned short)win);
	for (; *flags; flags++) {
		if (*flags == 'S') th->syn = 1;
		else if (*flags == 'F') th->fin = 1;
		else if (*flags == 'R') th->rst = 1;
		else if (*flags == 'P') th->psh = 1;
		else if (*flags == '.') th->ack = 1;
	}
	if (mss) {
		opt[0] = 2;	/* TCPOPT_MSS */
		opt[1] = 4;
		opt[2] = (unsigned char)((mss >> 8) & 0xff);
		opt[3] = (unsigned char)(mss & 0xff);
	}
	/* the payload: bytes of a known pattern */
	for (i = 0; i < len; i++) data[i] = (unsigned char)('a' + (seq + i) % 26);
	th->check = tcp_check(th, (int)(hdr + len), iph->saddr, iph->daddr);
	return total;
}

/* an skb holding an arriving datagram, left as ip_rcv leaves it for the protocol */
struct sk_buff *machine_arrival(const unsigned char *data, unsigned long len)
{
	struct sk_buff *skb = alloc_skb(len, GFP_ATOMIC);
	struct iphdr *iph;
	memcpy(skb->data, data, len);
	iph = (struct iphdr *)skb->data;
	skb->len = ntohs(iph->tot_len);
	skb->dev = &machine_dev;
	skb->ip_hdr = iph;
	skb->h.raw = skb->data + iph->ihl * 4;
	skb->saddr = iph->saddr;
	skb->daddr = iph->daddr;
	return skb;
}

int machine_deliver(const unsigned char *data, unsigned long len)
{
	struct sk_buff *skb = machine_arrival(data, len);
	struct iphdr *iph = skb->ip_hdr;
	return tcp_rcv(skb, &machine_dev, NULL, iph->daddr, ntohs(iph->tot_len) - iph->ihl * 4, iph->saddr, 0, NULL);
}

void machine_seg_fields(const unsigned char *data, char *flags, unsigned long *seq, unsigned long *ack,
	unsigned long *len, unsigned long *win, unsigned short *sport, unsigned short *dport)
{
	const struct iphdr *iph = (const struct iphdr *)data;
	const struct tcphdr *th = (const struct tcphdr *)(data + iph->ihl * 4);
	char *p = flags;
	if (th->syn) *p++ = 'S';
	if (th->fin) *p++ = 'F';
	if (th->rst) *p++ = 'R';
	if (th->psh) *p++ = 'P';
	if (th->ack) *p++ = '.';
	if (p == flags) *p++ = '-';
	*p = 0;
	*seq = ntohl(th->seq);
	*ack = ntohl(th->ack_seq);
	*len = ntohs(iph->tot_len) - iph->ihl * 4 - th->doff * 4;
	*win = ntohs(th->window);
	*sport = ntohs(th->source);
	*dport = ntohs(th->dest);
}
