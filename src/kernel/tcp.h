/*
 * INET		An implementation of the TCP/IP protocol suite for the LINUX
 *		operating system.  INET is implemented using the  BSD Socket
 *		interface as the means of communication with the user level.
 *
 *		Definitions for the TCP module, reduced for tcp-close-debugger:
 *		the constants, structures and helpers that the reduced
 *		net/inet/tcp.c of Linux 1.2.13 (tcp.c next to this file) uses.
 *		Collected from net/inet/tcp.h, net/inet/sock.h,
 *		include/linux/tcp.h, include/linux/skbuff.h,
 *		include/linux/timer.h and net/inet/snmp.h.
 *
 * Authors:	Ross Biro, <bir7@leland.Stanford.Edu>
 *		Fred N. van Kempen, <waltje@uWalt.NL.Mugnet.ORG>
 *		Corey Minyard <wf-rch!minyard@relay.EU.net>
 *		Florian La Roche <flla@stud.uni-sb.de>
 *
 *		This program is free software; you can redistribute it and/or
 *		modify it under the terms of the GNU General Public License
 *		as published by the Free Software Foundation; either version
 *		2 of the License, or (at your option) any later version.
 *
 *		This file is a derived, reduced version of the Linux 1.2.13
 *		headers named above, distributed under the same licence.
 */
#ifndef _TCP_H
#define _TCP_H

#define NULL		((void *) 0)

/* i386: 100 jiffies a second */
#define HZ		100

/* include/linux/mm.h */
#define GFP_ATOMIC	0x01
#define GFP_KERNEL	0x03

/* include/linux/skbuff.h */
#define FREE_READ	1
#define FREE_WRITE	0

/* include/linux/errno.h */
#define EPIPE		32
#define ECONNRESET	104
#define ETIMEDOUT	110
#define ECONNREFUSED	111

/* include/linux/netdevice.h */
#define MAX_HEADER	18

/*
 *	The interpreter's C has no sizeof: this is sizeof(struct tcphdr)
 *	of the real header, a TCP header without options.
 */
#define TCPHDR_SIZE	20

/* net/inet/tcp.h */
#define MAX_SYN_SIZE	44 + MAX_HEADER
#define MAX_FIN_SIZE	40 + MAX_HEADER
#define MAX_ACK_SIZE	40 + MAX_HEADER
#define MAX_RESET_SIZE	40 + MAX_HEADER
#define MAX_WINDOW	16384
#define MIN_WINDOW	2048
#define MAX_ACK_BACKLOG	2
#define MIN_WRITE_SPACE	2048
#define TCP_WINDOW_DIFF	2048

#define TCP_RETR1	7	/*
				 * This is how many retries it does before it
				 * tries to figure out if the gateway is
				 * down.
				 */

#define TCP_RETR2	15	/*
				 * This should take at least
				 * 90 minutes to time out.
				 */

#define TCP_TIMEOUT_LEN	(15*60*HZ) /* should be about 15 mins		*/
#define TCP_TIMEWAIT_LEN (60*HZ) /* how long to wait to successfully
				  * close the socket, about 60 seconds	*/
#define TCP_FIN_TIMEOUT	(3*60*HZ) /* BSD style FIN_WAIT2 deadlock breaker */
#define TCP_ACK_TIME	(3*HZ)	/* time to delay before sending an ACK	*/
#define TCP_DONE_TIME	250	/* maximum time to wait before actually
				 * destroying a socket			*/
#define TCP_WRITE_TIME	3000	/* initial time to wait for an ACK,
			         * after last transmit			*/
#define TCP_TIMEOUT_INIT (3*HZ)	/* RFC 1122 initial timeout value	*/
#define TCP_SYN_RETRIES	5	/* number of times to retry opening a
				 * connection 				*/
#define TCP_PROBEWAIT_LEN 100	/* time to wait between probes when
				 * I've got something to write and
				 * there is no window			*/

/* net/inet/sock.h: why a timer is running */
#define TIME_WRITE	1
#define TIME_CLOSE	2
#define TIME_KEEPOPEN	3
#define TIME_DESTROY	4
#define TIME_DONE	5	/* used to absorb those last few packets */
#define TIME_PROBE0	6
#define SOCK_DESTROY_TIME 1000	/* about 10 seconds			*/

#define SHUTDOWN_MASK	3
#define RCV_SHUTDOWN	1
#define SEND_SHUTDOWN	2

/* include/linux/tcp.h: the states (an enum in the original) */
#define TCP_ESTABLISHED	1
#define TCP_SYN_SENT	2
#define TCP_SYN_RECV	3
#define TCP_FIN_WAIT1	4
#define TCP_FIN_WAIT2	5
#define TCP_TIME_WAIT	6
#define TCP_CLOSE	7
#define TCP_CLOSE_WAIT	8
#define TCP_LAST_ACK	9
#define TCP_LISTEN	10
#define TCP_CLOSING	11	/* now a valid state */

/*
 *	include/linux/tcp.h (i386, LITTLE_ENDIAN_BITFIELD).
 *	Reduced: sequence numbers are kept in host order, there is no
 *	htonl/ntohl anywhere.
 */
struct tcphdr {
	unsigned short	source;
	unsigned short	dest;
	unsigned long	seq;
	unsigned long	ack_seq;
	unsigned short	res1:4,
		doff:4,
		fin:1,
		syn:1,
		rst:1,
		psh:1,
		ack:1,
		urg:1,
		res2:2;
	unsigned short	window;
	unsigned short	check;
	unsigned short	urg_ptr;
};

/*
 *	include/linux/timer.h. In 1.2 expires is relative when the timer
 *	is handed to add_timer, which adds jiffies; del_timer turns it back
 *	into the time remaining.
 */
struct timer_list {
	struct timer_list *next;
	struct timer_list *prev;
	unsigned long expires;
	unsigned long data;
	void (*function)(unsigned long);
};

/*
 *	include/linux/skbuff.h, reduced.
 */
struct sk_buff_head {
	struct sk_buff		*next;
	struct sk_buff		*prev;
};

struct sk_buff {
	struct sk_buff		*next;
	struct sk_buff		*prev;
	struct sock		*sk;
	unsigned long		len;
	union {
		struct tcphdr	*th;
	} h;
	char			acked;
};

/*
 *	include/linux/net.h: reduced to a handle that is passed to
 *	sock_wake_async.
 */
struct socket {
	long			flags;
};

/*
 *	net/inet/snmp.h
 */
struct tcp_mib
{
	unsigned long	TcpRtoAlgorithm;
	unsigned long	TcpRtoMin;
	unsigned long	TcpRtoMax;
	unsigned long	TcpMaxConn;
	unsigned long	TcpActiveOpens;
	unsigned long	TcpPassiveOpens;
	unsigned long	TcpAttemptFails;
	unsigned long	TcpEstabResets;
	unsigned long	TcpCurrEstab;
	unsigned long	TcpInSegs;
	unsigned long	TcpOutSegs;
	unsigned long	TcpRetransSegs;
};

/*
 * This structure really needs to be cleaned up.
 * Most of it is for TCP, and not used by any of
 * the other protocols.
 *
 * (net/inet/sock.h, reduced to the fields the reduced tcp.c uses, in
 * the original order.)
 */
struct sock {
	unsigned long		write_seq;
	unsigned long		sent_seq;
	unsigned long		acked_seq;
	unsigned long		copied_seq;
	unsigned long		rcv_ack_seq;
	unsigned long		fin_seq;

	char			inuse,
				dead,
				blog,
				keepopen,
				zapped;	/* In ax25 & ipx means not linked */
	struct sk_buff		*send_head;	/* not used: the retransmit queue
						   is the sequence space from
						   rcv_ack_seq to sent_seq */
	struct sk_buff_head	back_log;
	struct sk_buff		*partial;
	long			retransmits;
	struct sk_buff_head	receive_queue;
	unsigned short		window;
	unsigned short		shutdown;
	unsigned long		rtt;
	unsigned long		rto;
	unsigned short		backoff;
	short			err;
	unsigned char		state;
	unsigned char		ack_backlog;
	unsigned char		debug;
	struct timer_list	retransmit_timer;	/* TCP retransmit timer */
	int			ip_xmit_timeout;	/* Why the timeout is running */

	/* This part is used for the timeout functions (timer.c). */
	int			timeout;	/* What are we waiting for? */
	struct timer_list	timer;		/* This is the TIME_WAIT/receive timer when we are doing IP */

	/* identd */
	struct socket		*socket;

	/* Callbacks */
	void			(*state_change)(struct sock *sk);
};

extern struct tcp_mib tcp_statistics;

/*
 *	Natives: implemented by the debugger (and by the differential test
 *	harness), not in C here.
 */
extern unsigned long jiffies;

extern void add_timer(struct timer_list *timer);
extern int del_timer(struct timer_list *timer);
extern struct sk_buff *alloc_skb(unsigned int size, int priority);
extern void kfree_skb(struct sk_buff *skb, int rw);
extern struct sk_buff *skb_dequeue(struct sk_buff_head *list);
extern void skb_queue_tail(struct sk_buff_head *list, struct sk_buff *newsk);
extern void skb_queue_head(struct sk_buff_head *list, struct sk_buff *newsk);
extern struct sk_buff *skb_peek(struct sk_buff_head *list);
extern void skb_append(struct sk_buff *old, struct sk_buff *newsk);
extern void skb_unlink(struct sk_buff *skb);
extern void ip_queue_xmit(struct sock *sk, struct sk_buff *skb);
extern int printk(const char *fmt, ...);
extern void sock_wake_async(struct socket *sock, int how);
extern void def_callback1(struct sock *sk);

/*
 *	Defined in tcp.c (in the kernel: tcp.c, sock.c, timer.c and
 *	af_inet.c).
 */
extern int tcp_rcv(struct sk_buff *skb, struct sock *sk);
extern void release_sock(struct sock *sk);
extern void destroy_sock(struct sock *sk);
extern int inet_release(struct sock *sk);
extern void delete_timer(struct sock *t);
extern void reset_timer(struct sock *t, int timeout, unsigned long len);
extern void net_timer(unsigned long data);
extern void retransmit_timer(unsigned long data);

#endif	/* _TCP_H */
