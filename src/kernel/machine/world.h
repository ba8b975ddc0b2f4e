/*
 * Machine layer (tcp-close-debugger): what a driver of the machine sees. The gcc build's driver
 * (test/differential/release/) and the interpreter run the same machine-layer C; a driver calls
 * these, and reads the wire log, the printk buffer and the socks.
 *
 * It names the kernel's structs only through pointers, so a driver may include it without the
 * kernel's headers.
 */
#ifndef MACHINE_WORLD_H
#define MACHINE_WORLD_H

struct sock;
struct sk_buff;
struct timer_list;

#define MACHINE_PRINTK_BYTES 16384
#define MACHINE_PRINTK_LINES 256
#define MACHINE_WIRE_SEGS 1024
#define MACHINE_SEG_BYTES 1600
#define MACHINE_SOCKETS 32
#define MACHINE_USER_BYTES 65536	/* the application's buffer for write(2) and read(2) */

/* the one local address and its route: every sock and the scripted peer live at 10.0.0.1 */
#define MACHINE_ADDR 0x0100000aUL	/* 10.0.0.1 in network order */

extern unsigned long volatile jiffies;

/* printk's buffer: the text, and where each line starts and when it was printed */
struct machine_printk_line { unsigned long time, start; };
extern char machine_printk_buf[];
extern unsigned long machine_printk_len;
extern struct machine_printk_line machine_printk_lines[];
extern int machine_printk_count;

/* the wire: every IP datagram dev_queue_xmit was handed, in order, with its bytes */
struct machine_seg {
	unsigned long time;		/* jiffies when sent */
	unsigned long len;		/* bytes in data: IP header + TCP header + payload */
	unsigned char data[MACHINE_SEG_BYTES];
};
extern struct machine_seg machine_wire[];
extern int machine_wire_count;

/* set when the machine met something it cannot do (a full arena, a bad free); 0 if none */
extern const char *machine_fault_text;
void machine_fault(const char *text);

/* boot: every kernel table empty, jiffies 0, then the real inet_proto_init */
void machine_boot(void);
void machine_kmalloc_reset(void);
void machine_printk_reset(void);
int machine_allocated(const void *obj);

/* a sock from the real inet_create, for a stream socket of ours (index < MACHINE_SOCKETS) */
struct sock *machine_socket(int index);
/* the same, left as socket(2) leaves it (SS_UNCONNECTED, TCP_CLOSE, no port): a scenario's socket from nothing */
struct sock *machine_plain_socket(int index);
/* the system calls below return -EBADF for a sock with no socket (closed, or destroyed by a failed accept) */
/* listen(2): the real inet_bind to 10.0.0.1:port (none for port 0: inet_listen binds a free one), then inet_listen */
int machine_listen(struct sock *sk, unsigned short port, int backlog);
/* connect(2) to 10.0.0.1:port, non-blocking, bound first to lport if not bound (inet_bind): the real
   inet_connect, whose tcp_connect sends the SYN (returns -EINPROGRESS) */
int machine_connect(struct sock *sk, unsigned short lport, unsigned short port);
/* accept(2), non-blocking, into socket slot index (made by inet_create if empty): the real inet_accept; NULL and *err if none */
struct sock *machine_accept(struct sock *listener, int index, int *err);
/* shutdown(2), how 0 (rd), 1 (wr) or 2 (rdwr): the real inet_shutdown (tcp_shutdown sends the FIN) */
int machine_shutdown(struct sock *sk, int how);
/* write(2) of n bytes (a pattern, A to Z), non-blocking: the real inet_write, tcp_write; what it returns */
int machine_write(struct sock *sk, unsigned long n);
/* read(2) of at most n bytes, non-blocking: the real inet_read, tcp_read; what it returns */
int machine_read(struct sock *sk, unsigned long n);
/* the port of the sock's other end (dummy_th.dest in host order), 0 for none */
unsigned short machine_peer_port(struct sock *sk);
/* make it a connection lport -> rport on the one local address, as tcp_conn_request/tcp_connect leave it */
void machine_connect_fields(struct sock *sk, unsigned short lport, unsigned short rport);
/* after the scenario's fields: window_seq from rcv_ack_seq, and the sock into tcp_prot's table */
void machine_connected(struct sock *sk, int window_seq_given);
/* close(2): the real inet_release; with a timeout, the protocol close sk->prot->close(sk, timeout) */
int machine_close(struct sock *sk, int timeout);
/* sk->partial: n bytes ending at write_seq, filled but not sent (machine/tcp_entries.c) */
void machine_partial(struct sock *sk, unsigned long n);
/* rcv_ack_seq..sent_seq as the skbs the kernel holds on send_head (machine/tcp_entries.c) */
void machine_in_flight(struct sock *sk);
/* a not yet accepted connection of a listener: an skb with skb->sk = child on its receive_queue */
void machine_add_pending(struct sock *parent, struct sock *child);

/* the bytes of an IP+TCP segment from the one local address, with correct checksums; mss non-zero:
   the TCP header carries the MSS option (kind 2, length 4) with that value, doff 6 */
unsigned long machine_build_segment(unsigned char *out, unsigned short sport, unsigned short dport,
	const char *flags, unsigned long seq, unsigned long ack, unsigned long win, unsigned long len,
	unsigned long mss);
/* an IP datagram arrives: into a real skb, then the real tcp_rcv (as ip_rcv hands it) */
int machine_deliver(const unsigned char *data, unsigned long len);
/* the skb machine_deliver makes, for a driver that calls a kernel function with it */
struct sk_buff *machine_arrival(const unsigned char *data, unsigned long len);
/* a tcp.c function by name (machine/tcp_entries.c); *found = 0 if the table lacks it */
long machine_tcp_call(const char *fn, struct sock *sk, struct sk_buff *skb, long arg, int *found);
/* describe a TCP segment: flags as tcpdump letters (S F R P, '.' for ACK, '-' for none) */
void machine_seg_fields(const unsigned char *data, char *flags, unsigned long *seq, unsigned long *ack,
	unsigned long *len, unsigned long *win, unsigned short *sport, unsigned short *dport);

/* time: the tick after which the first pending timer is due (expires + 1), 0 if none */
int machine_next_tick(unsigned long *tick);
/* the clock reaches t: jiffies = t, then timer_bh's real loop (expires < jiffies) */
void machine_tick(unsigned long t);
/* whether a timer is on the kernel's timer list */
int machine_timer_pending(struct timer_list *t);

#endif
