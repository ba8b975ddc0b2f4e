/*
 * INET		An implementation of the TCP/IP protocol suite for the LINUX
 *		operating system.  INET is implemented using the  BSD Socket
 *		interface as the means of communication with the user level.
 *
 *		Implementation of the Transmission Control Protocol(TCP).
 *
 * Version:	@(#)tcp.c	1.0.16	05/25/93
 *
 * Authors:	Ross Biro, <bir7@leland.Stanford.Edu>
 *		Fred N. van Kempen, <waltje@uWalt.NL.Mugnet.ORG>
 *		Mark Evans, <evansmp@uhura.aston.ac.uk>
 *		Corey Minyard <wf-rch!minyard@relay.EU.net>
 *		Florian La Roche, <flla@stud.uni-sb.de>
 *		Charles Hedrick, <hedrick@klinzhai.rutgers.edu>
 *		Linus Torvalds, <torvalds@cs.helsinki.fi>
 *		Alan Cox, <gw4pts@gw4pts.ampr.org>
 *		Matthew Dillon, <dillon@apollo.west.oic.com>
 *		Arnt Gulbrandsen, <agulbra@no.unit.nvg>
 *
 *		This program is free software; you can redistribute it and/or
 *		modify it under the terms of the GNU General Public License
 *		as published by the Free Software Foundation; either version
 *		2 of the License, or(at your option) any later version.
 *
 * Description of States:
 *
 *	TCP_SYN_SENT		sent a connection request, waiting for ack
 *
 *	TCP_SYN_RECV		received a connection request, sent ack,
 *				waiting for final ack in three-way handshake.
 *
 *	TCP_ESTABLISHED		connection established
 *
 *	TCP_FIN_WAIT1		our side has shutdown, waiting to complete
 *				transmission of remaining buffered data
 *
 *	TCP_FIN_WAIT2		all buffered data sent, waiting for remote
 *				to shutdown
 *
 *	TCP_CLOSING		both sides have shutdown but we still have
 *				data we have to finish sending
 *
 *	TCP_TIME_WAIT		timeout to catch resent junk before entering
 *				closed, can only be entered from FIN_WAIT2
 *				or CLOSING.  Required because the other end
 *				may not have gotten our last ACK causing it
 *				to retransmit the data packet (which we ignore)
 *
 *	TCP_CLOSE_WAIT		remote side has shutdown and is waiting for
 *				us to finish writing our data and to shutdown
 *				(we have to close() to move on to LAST_ACK)
 *
 *	TCP_LAST_ACK		out side has shutdown after remote has
 *				shutdown.  There may still be data in our
 *				buffer that we have to finish sending
 *		
 *	TCP_CLOSE		socket is finished
 */

/*
 *	tcp-close-debugger: this is a reduced port of net/inet/tcp.c of
 *	Linux 1.2.13 (with release_sock from net/inet/sock.c, delete_timer,
 *	reset_timer and net_timer from net/inet/timer.c and destroy_sock from
 *	net/inet/af_inet.c), made so that the close path can be stepped
 *	through line by line. tcp_fin, tcp_close, tcp_close_state and the
 *	TCP_LAST_ACK block of tcp_ack are the kernel's code unchanged; every
 *	other function starts with a "reduced:" comment that says what was
 *	left out. It is a derived work of the kernel and, like it, is under
 *	the GNU General Public License, version 2 or (at your option) any
 *	later version.
 *
 *	Entry points (called by the debugger):
 *
 *	int tcp_rcv(struct sk_buff *skb, struct sock *sk)
 *		was tcp_rcv(skb, dev, opt, daddr, len, saddr, redo, protocol).
 *		The socket is passed in instead of looked up (get_sock);
 *		dev, opt, daddr, saddr and protocol are dropped; len is
 *		skb->len (the TCP length: 20 byte header + payload); redo
 *		(segment replayed from the back_log) is sk->blog, which
 *		release_sock sets while it replays.
 *	static int tcp_fin(struct sk_buff *skb, struct sock *sk, struct tcphdr *th)
 *		unchanged.
 *	static void tcp_close(struct sock *sk, int timeout)
 *		unchanged.
 *	static int tcp_close_state(struct sock *sk, int dead)
 *		unchanged.
 *	static int tcp_ack(struct sock *sk, struct tcphdr *th, int len)
 *		was tcp_ack(sk, th, saddr, len): saddr dropped.
 *	static int tcp_data(struct sk_buff *skb, struct sock *sk, unsigned short len)
 *		was tcp_data(skb, sk, saddr, len): saddr dropped.
 *	void net_timer(unsigned long data)
 *		unchanged (the MSL timer, sk->timer).
 *	void retransmit_timer(unsigned long data)
 *		unchanged (sk->retransmit_timer).
 *
 *	Also dropped everywhere: IP headers, devices, options, checksums,
 *	byte order (sequence numbers are in host order), the write queue
 *	and the send_head retransmit queue (what is unacknowledged is the
 *	sequence space from rcv_ack_seq to sent_seq), windows, round trip
 *	time estimation and urgent data.
 *
 *	Segments go out through ip_queue_xmit(sk, skb): skb->h.th is the
 *	header, skb->len the TCP length (th->doff*4 bytes of header plus the
 *	payload, the same convention as tcp_rcv's skb), and ip_queue_xmit
 *	takes the skb over. sk is NULL for a reset, as in the original.
 */

#include "tcp.h"

/*
 *	The MSL timer is the 'normal' timer.
 */
 
#define reset_msl_timer(x,y,z)	reset_timer(x,y,z)

struct tcp_mib tcp_statistics;

static void tcp_close(struct sock *sk, int timeout);
static int tcp_fin(struct sk_buff *skb, struct sock *sk, struct tcphdr *th);
static void tcp_read_wakeup(struct sock *sk);
static void tcp_write_wakeup(struct sock *sk);
void tcp_send_probe0(struct sock *sk);

/*
 * The next routines deal with comparing 32 bit unsigned ints
 * and worry about wraparound (automatic with unsigned arithmetic).
 * (net/inet/tcp.h)
 */

static inline int before(unsigned long seq1, unsigned long seq2)
{
	return (long)(seq1-seq2) < 0;
}

static inline int after(unsigned long seq1, unsigned long seq2)
{
	return (long)(seq1-seq2) > 0;
}

static __inline__ int min(unsigned int a, unsigned int b)
{
	if (a < b) 
		return(a);
	return(b);
}

/*
 * reduced: tcp_set_state. Left out: the STATE_TRACE printk and the
 * wake_up_interruptible(&master_select_wakeup) hack for a socket that
 * goes from SYN_RECV to ESTABLISHED.
 */

static __inline__ void tcp_set_state(struct sock *sk, int state)
{
	if(sk->state==TCP_ESTABLISHED)
		tcp_statistics.TcpCurrEstab--;
	sk->state=state;
	if(state==TCP_ESTABLISHED)
		tcp_statistics.TcpCurrEstab++;
}

/*
 *	This routine closes sockets which have been at least partially
 *	opened, but not yet accepted. Currently it is only called by
 *	tcp_close, and timeout mirrors the value there. 
 *
 * reduced: nothing left out (the listener's receive_queue holds one skb
 * per not yet accepted connection, whose skb->sk is the new socket).
 */

static void tcp_close_pending (struct sock *sk) 
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&sk->receive_queue)) != NULL) 
	{
		skb->sk->dead=1;
		tcp_close(skb->sk, 0);
		kfree_skb(skb, FREE_READ);
	}
	return;
}

/*
 *	Enter the time wait state. 
 *
 * reduced: nothing left out.
 */

static void tcp_time_wait(struct sock *sk)
{
	tcp_set_state(sk,TCP_TIME_WAIT);
	sk->shutdown = SHUTDOWN_MASK;
	if (!sk->dead)
		sk->state_change(sk);
	reset_msl_timer(sk, TIME_CLOSE, TCP_TIMEWAIT_LEN);
}

/*
 *	A socket has timed out on its send queue and wants to do a
 *	little retransmitting. Currently this means TCP.
 *
 * reduced: there is no send_head queue of built segments to walk, so the
 * segment is built again from the sequence numbers: everything from
 * rcv_ack_seq up to sent_seq goes out as one segment, with the FIN bit if
 * our FIN (the last sequence number sent, in FIN_WAIT1, CLOSING or
 * LAST_ACK) is part of it. Left out: IP ids, checksums, devices, the
 * window, the congestion window limit and the proto retransmit count.
 */

void tcp_do_retransmit(struct sock *sk, int all)
{
	struct sk_buff * skb;
	struct tcphdr *th;
	unsigned long size;

	skb = alloc_skb(MAX_ACK_SIZE, GFP_ATOMIC);
	skb->sk = sk;
	th = skb->h.th;

	size = sk->sent_seq - sk->rcv_ack_seq;
	th->seq = sk->rcv_ack_seq;
	if ((sk->state == TCP_FIN_WAIT1 || sk->state == TCP_CLOSING ||
	     sk->state == TCP_LAST_ACK) && sk->sent_seq == sk->write_seq)
	{
		th->fin = 1;
		size--;
	}
	th->ack = 1;
	th->doff = TCPHDR_SIZE/4;
	skb->len = TCPHDR_SIZE + size;

	/*
	 *	This is not the right way to handle this. We have to
	 *	issue an up to date window and ack report with this 
	 *	retransmit to keep the odd buggy tcp that relies on 
	 *	the fact BSD does this happy. 
	 *	We don't however need to recalculate the entire 
	 *	checksum, so someone wanting a small problem to play
	 *	with might like to implement RFC1141/RFC1624 and speed
	 *	this up by avoiding a full checksum.
	 */
	 
	th->ack_seq = sk->acked_seq;
	ip_queue_xmit(sk, skb);
	tcp_statistics.TcpRetransSegs++;
}

/*
 *	Reset the retransmission timer
 *
 * reduced: nothing left out.
 */
 
static void reset_xmit_timer(struct sock *sk, int why, unsigned long when)
{
	del_timer(&sk->retransmit_timer);
	sk->ip_xmit_timeout = why;
	if((int)when < 0)
	{
		when=3;
		printk("Error: Negative timer in xmit_timer\n");
	}
	sk->retransmit_timer.expires=when;
	add_timer(&sk->retransmit_timer);
}

/*
 * 	This is the normal code called for timeouts.  It does the retransmission
 * 	and then does backoff.  tcp_do_retransmit is separated out because
 * 	tcp_ack needs to send stuff from the retransmit queue without
 * 	initiating a backoff.
 *
 * reduced: nothing left out.
 */


void tcp_retransmit_time(struct sock *sk, int all)
{
	tcp_do_retransmit(sk, all);

	/*
	 * Increase the timeout each time we retransmit.  Note that
	 * we do not increase the rtt estimate.  rto is initialized
	 * from rtt, but increases here.  Jacobson (SIGCOMM 88) suggests
	 * that doubling rto each time is the least we can get away with.
	 * In KA9Q, Karn uses this for the first few times, and then
	 * goes to quadratic.  netBSD doubles, but only goes up to *64,
	 * and clamps at 1 to 64 sec afterwards.  Note that 120 sec is
	 * defined in the protocol as the maximum possible RTT.  I guess
	 * we'll have to use something other than TCP to talk to the
	 * University of Mars.
	 *
	 * PAWS allows us longer timeouts and large windows, so once
	 * implemented ftp to mars will work nicely. We will have to fix
	 * the 120 second clamps though!
	 */

	sk->retransmits++;
	sk->backoff++;
	sk->rto = min(sk->rto << 1, 120*HZ);
	reset_xmit_timer(sk, TIME_WRITE, sk->rto);
}


/*
 *	A timer event has trigger a tcp retransmit timeout. The
 *	socket xmit queue is ready and set up to send. Because
 *	the ack receive code keeps the queue straight we do
 *	nothing clever here.
 *
 * reduced: the congestion window (ssthresh, cong_count, cong_window)
 * is left out.
 */

static void tcp_retransmit(struct sock *sk, int all)
{
	if (all) 
	{
		tcp_retransmit_time(sk, all);
		return;
	}

	/* Do the actual retransmit. */
	tcp_retransmit_time(sk, all);
}

/*
 *	A write timeout has occurred. Process the after effects.
 *
 * reduced: the 'soft' timeout (arp_destroy, ip_route_check) and the
 * error_report callback are left out.
 */

static int tcp_write_timeout(struct sock *sk)
{
	/*
	 *	Has it gone just too far ?
	 */
	if (sk->retransmits > TCP_RETR2) 
	{
		sk->err = ETIMEDOUT;
		del_timer(&sk->retransmit_timer);
		/*
		 *	Time wait the socket 
		 */
		if (sk->state == TCP_FIN_WAIT1 || sk->state == TCP_FIN_WAIT2 || sk->state == TCP_CLOSING) 
		{
			tcp_set_state(sk,TCP_TIME_WAIT);
			reset_msl_timer (sk, TIME_CLOSE, TCP_TIMEWAIT_LEN);
		}
		else
		{
			/*
			 *	Clean up time.
			 */
			tcp_set_state(sk, TCP_CLOSE);
			return 0;
		}
	}
	return 1;
}

/*
 *	The TCP retransmit timer. This lacks a few small details.
 *
 *	1. 	An initial rtt timeout on the probe0 should cause what we can
 *		of the first write queue buffer to be split and sent.
 *	2.	On a 'major timeout' as defined by RFC1122 we shouldn't report
 *		ETIMEDOUT if we know an additional 'soft' error caused this.
 *		tcp_err should save a 'soft error' for us.
 *
 * reduced: cli/sti and in_bh, the data_ready callback, and the check
 * that the first queued segment really is rto old (there is no send
 * time kept) are left out.
 */

void retransmit_timer(unsigned long data)
{
	struct sock *sk = (struct sock *) data;
	int why = sk->ip_xmit_timeout;

	/* 
	 * only process if socket is not in use
	 */

	if (sk->inuse) 
	{
		/* Try again in 1 second */
		sk->retransmit_timer.expires = HZ;
		add_timer(&sk->retransmit_timer);
		return;
	}

	sk->inuse = 1;

	/* Always see if we need to send an ack. */

	if (sk->ack_backlog && !sk->zapped) 
		tcp_read_wakeup (sk);

	/* Now we need to figure out why the socket was on the timer. */

	switch (why) 
	{
		/* Window probing */
		case TIME_PROBE0:
			tcp_send_probe0(sk);
			tcp_write_timeout(sk);
			break;
		/* Retransmitting */
		case TIME_WRITE:
			/* It could be we got here because we needed to send an ack.
			 * So we need to check for that.
			 */
			if (before(sk->rcv_ack_seq, sk->sent_seq)) 
			{
				/*
				 *	Retransmission
				 */
				tcp_retransmit(sk, 0);
				tcp_write_timeout(sk);
			}
			break;
		/* Sending Keepalives */
		case TIME_KEEPOPEN:
			/* 
			 * this reset_timer() call is a hack, this is not
			 * how KEEPOPEN is supposed to work.
			 */
			reset_xmit_timer (sk, TIME_KEEPOPEN, TCP_TIMEOUT_LEN);

			/* Send something to keep the connection open. */
			tcp_write_wakeup(sk);
			sk->retransmits++;
			tcp_write_timeout(sk);
			break;
		default:
			printk ("rexmit_timer: timer expired - reason unknown\n");
			break;
	}
	release_sock(sk);
}

/*
 *	This is the main buffer sending routine. We queue the buffer
 *	having checked it is sane seeming.
 *
 * reduced: the sanity checks, the window, Nagle and congestion tests and
 * the write queue are left out: the segment goes straight out.
 */
 
static void tcp_send_skb(struct sock *sk, struct sk_buff *skb)
{
	struct tcphdr * th = skb->h.th;

	/*
	 *	Actual processing.
	 */
	 
	tcp_statistics.TcpOutSegs++;  

	/*
	 *	This is going straight out
	 */
	 
	th->ack_seq = sk->acked_seq;
	sk->sent_seq = sk->write_seq;

	/*
	 *	This is mad. The tcp retransmit queue is put together
	 *	by the ip layer. This causes half the problems with
	 *	unroutable FIN's and other things.
	 */
	 
	ip_queue_xmit(sk, skb);

	/*
	 *	Set for next retransmit based on expected ACK time.
	 *	FIXME: We set this every time which means our 
	 *	retransmits are really about a window behind.
	 */

	reset_xmit_timer(sk, TIME_WRITE, sk->rto);
}

/*
 *	Locking problems lead us to a messy situation where we can have
 *	multiple partially complete buffers queued up. This is really bad
 *	as we don't want to be sending partial buffers. Fix this with
 *	a semaphore or similar to lock tcp_write per socket.
 *
 *	These routines are pretty self descriptive.
 *
 * reduced: the partial timer and cli/sti are left out.
 */
 
struct sk_buff * tcp_dequeue_partial(struct sock * sk)
{
	struct sk_buff * skb;

	skb = sk->partial;
	if (skb) {
		sk->partial = NULL;
	}
	return skb;
}

/*
 *	Empty the partial queue
 *
 * reduced: nothing left out.
 */
 
static void tcp_send_partial(struct sock *sk)
{
	struct sk_buff *skb;

	if (sk == NULL)
		return;
	while ((skb = tcp_dequeue_partial(sk)) != NULL)
		tcp_send_skb(sk, skb);
}

/*
 *	This routine sends an ack and also updates the window. 
 *
 * reduced: was tcp_send_ack(sequence, ack, sk, th, daddr); daddr, the
 * IP header, the window, the checksum and the ack_timed/bytes_rcv
 * bookkeeping are left out. "Nothing queued for transmit" is tested on
 * the sequence numbers.
 */
 
static void tcp_send_ack(unsigned long sequence, unsigned long ack,
	     struct sock *sk,
	     struct tcphdr *th)
{
	struct sk_buff *buff;
	struct tcphdr *t1;

	if(sk->zapped)
		return;		/* We have been reset, we may not send again */
		
	/*
	 * We need to grab some memory, and put together an ack,
	 * and then put it into the queue to be sent.
	 */

	buff = alloc_skb(MAX_ACK_SIZE, GFP_ATOMIC);
	if (buff == NULL) 
	{
		/* 
		 *	Force it to send an ack. We don't have to do this
		 *	(ACK is unreliable) but it's much better use of 
		 *	bandwidth on slow links to send a spare ack than
		 *	resend packets. 
		 */
		 
		sk->ack_backlog++;
		return;
	}

	/*
	 *	Assemble a suitable TCP frame
	 */
	 
	buff->len = TCPHDR_SIZE;
	buff->sk = sk;
	t1 = buff->h.th;

	/*
	 *	Swap the send and the receive. 
	 */
	 
	t1->dest = th->source;
	t1->source = th->dest;
	t1->seq = sequence;
	t1->ack = 1;
	t1->res1 = 0;
	t1->res2 = 0;
	t1->rst = 0;
	t1->urg = 0;
	t1->syn = 0;
	t1->psh = 0;
	t1->fin = 0;
	
	/*
	 *	If we have nothing queued for transmit and the transmit timer
	 *	is on we are just doing an ACK timeout and need to switch
	 *	to a keepalive.
	 */
	 
	if (ack == sk->acked_seq) 
	{
		sk->ack_backlog = 0;
		if (!before(sk->rcv_ack_seq, sk->sent_seq)
		    && sk->ip_xmit_timeout == TIME_WRITE) 
		{
			if(sk->keepopen) {
				reset_xmit_timer(sk,TIME_KEEPOPEN,TCP_TIMEOUT_LEN);
			} else {
				delete_timer(sk);
			}
		}
  	}
  	
  	/*
  	 *	Fill in the packet and send it
  	 */
  	 
  	t1->ack_seq = ack;
  	t1->doff = TCPHDR_SIZE/4;
  	if (sk->debug)
  		 printk("\rtcp_ack: seq %lx ack %lx\n", sequence, ack);
  	tcp_statistics.TcpOutSegs++;
  	ip_queue_xmit(sk, buff);
}

/*
 *	Send an ack if one is backlogged at this point. Ought to merge
 *	this with tcp_send_ack().
 *
 * reduced: the IP header, the window and the checksum are left out.
 */
 
static void tcp_read_wakeup(struct sock *sk)
{
	struct tcphdr *t1;
	struct sk_buff *buff;

	if (!sk->ack_backlog) 
		return;

	/*
	 * If we're closed, don't send an ack, or we'll get a RST
	 * from the closed destination.
	 */
	if ((sk->state == TCP_CLOSE) || (sk->state == TCP_TIME_WAIT))
		return; 

	/*
	 * We need to grab some memory, and put together an ack,
	 * and then put it into the queue to be sent.
	 */

	buff = alloc_skb(MAX_ACK_SIZE, GFP_ATOMIC);
	if (buff == NULL) 
	{
		/* Try again real soon. */
		reset_xmit_timer(sk, TIME_WRITE, HZ);
		return;
 	}

	buff->len = TCPHDR_SIZE;
	buff->sk = sk;
	t1 = buff->h.th;

	t1->seq = sk->sent_seq;
	t1->ack = 1;
	t1->res1 = 0;
	t1->res2 = 0;
	t1->rst = 0;
	t1->urg = 0;
	t1->syn = 0;
	t1->psh = 0;
	sk->ack_backlog = 0;
	t1->ack_seq = sk->acked_seq;
	t1->doff = TCPHDR_SIZE/4;
	ip_queue_xmit(sk, buff);
	tcp_statistics.TcpOutSegs++;
}

/*
 *	State processing on a close. This implements the state shift for
 *	sending our FIN frame. Note that we only send a FIN for some 
 *	states. A shutdown() may have already sent the FIN, or we may be
 *	closed.
 */
 
static int tcp_close_state(struct sock *sk, int dead)
{	
	int ns=TCP_CLOSE;
	int send_fin=0;
	switch(sk->state)
	{
		case TCP_SYN_SENT:	/* No SYN back, no FIN needed */
			break;
		case TCP_SYN_RECV:
		case TCP_ESTABLISHED:	/* Closedown begin */
			ns=TCP_FIN_WAIT1;
			send_fin=1;
			break;
		case TCP_FIN_WAIT1:	/* Already closing, or FIN sent: no change */
		case TCP_FIN_WAIT2:
		case TCP_CLOSING:
			ns=sk->state;
			break;
		case TCP_CLOSE:
		case TCP_LISTEN:
			break;
		case TCP_CLOSE_WAIT:	/* They have FIN'd us. We send our FIN and
					   wait only for the ACK */
			ns=TCP_LAST_ACK;
			send_fin=1;
	}
	
	tcp_set_state(sk,ns);
		
	/*
	 *	This is a (useful) BSD violating of the RFC. There is a
	 *	problem with TCP as specified in that the other end could
	 *	keep a socket open forever with no application left this end.
	 *	We use a 3 minute timeout (about the same as BSD) then kill
	 *	our end. If they send after that then tough - BUT: long enough
	 *	that we won't make the old 4*rto = almost no time - whoops
	 *	reset mistake.
	 */
	if(dead && ns==TCP_FIN_WAIT2)
	{
		int timer_active=del_timer(&sk->timer);
		if(timer_active)
			add_timer(&sk->timer);
		else
			reset_msl_timer(sk, TIME_CLOSE, TCP_FIN_TIMEOUT);
	}
	
	return send_fin;
}

/*
 *	Send a fin.
 *
 * reduced: the IP header, the window, the checksum and the write queue
 * (a FIN behind queued data) are left out, and so is the failure path of
 * build_header; alloc_skb never fails here.
 */

static void tcp_send_fin(struct sock *sk)
{
	struct tcphdr *t1;
	struct sk_buff *buff;
	
	release_sock(sk); /* in case the malloc sleeps. */
	
	buff = alloc_skb(MAX_RESET_SIZE,GFP_KERNEL);
	sk->inuse = 1;

	if (buff == NULL)
	{
		/* This is a disaster if it occurs */
		printk("tcp_send_fin: Impossible malloc failure");
		return;
	}

	/*
	 *	Administrivia
	 */
	 
	buff->sk = sk;
	buff->len = TCPHDR_SIZE;
	t1 = buff->h.th;

	/*
	 *	We ought to check if the end of the queue is a buffer and
	 *	if so simply add the fin to that buffer, not send it ahead.
	 */

	t1->seq = sk->write_seq;
	sk->write_seq++;
	t1->ack = 1;
	t1->ack_seq = sk->acked_seq;
	t1->fin = 1;
	t1->rst = 0;
	t1->doff = TCPHDR_SIZE/4;

	sk->sent_seq = sk->write_seq;
	ip_queue_xmit(sk, buff);
	reset_xmit_timer(sk, TIME_WRITE, sk->rto);
}

/*
 *	This routine will send an RST to the other tcp. 
 *
 * reduced: was tcp_reset(saddr, daddr, th, prot, opt, dev, tos, ttl);
 * everything but th is dropped, with the IP header and the checksum.
 */
 
static void tcp_reset(struct tcphdr *th)
{
	struct sk_buff *buff;
	struct tcphdr *t1;

	/*
	 *	Cannot reset a reset (Think about it).
	 */
	 
	if(th->rst)
		return;
  
	/*
	 * We need to grab some memory, and put together an RST,
	 * and then put it into the queue to be sent.
	 */

	buff = alloc_skb(MAX_RESET_SIZE, GFP_ATOMIC);
	if (buff == NULL) 
	  	return;

	buff->len = TCPHDR_SIZE;
	buff->sk = NULL;
	t1 = buff->h.th;

	/*
	 *	Swap the send and the receive. 
	 */

	t1->dest = th->source;
	t1->source = th->dest;
	t1->rst = 1;  
	t1->window = 0;
  
	if(th->ack)
	{
	  	t1->ack = 0;
	  	t1->seq = th->ack_seq;
	  	t1->ack_seq = 0;
	}
	else
	{
	  	t1->ack = 1;
	  	if(!th->syn)
  			t1->ack_seq=th->seq;
  		else
  			t1->ack_seq=th->seq+1;
  		t1->seq=0;
	}

	t1->syn = 0;
	t1->urg = 0;
	t1->fin = 0;
	t1->psh = 0;
	t1->doff = TCPHDR_SIZE/4;
	ip_queue_xmit(NULL, buff);
	tcp_statistics.TcpOutSegs++;
}

static void tcp_close(struct sock *sk, int timeout)
{
	/*
	 * We need to grab some memory, and put together a FIN,	
	 * and then put it into the queue to be sent.
	 */
	
	sk->inuse = 1;
	if(sk->state == TCP_LISTEN)
	{
		/* Special case */
		tcp_set_state(sk, TCP_CLOSE);
		tcp_close_pending(sk);
		release_sock(sk);
		return;
	}
	
	sk->keepopen = 1;
	sk->shutdown = SHUTDOWN_MASK;

	if (!sk->dead) 
	  	sk->state_change(sk);

	if (timeout == 0) 
	{
		struct sk_buff *skb;
		
		/*
		 *  We need to flush the recv. buffs.  We do this only on the
		 *  descriptor close, not protocol-sourced closes, because the
		 *  reader process may not have drained the data yet!
		 */
		while((skb=skb_dequeue(&sk->receive_queue))!=NULL)
			kfree_skb(skb, FREE_READ);
		/*
		 *	Get rid off any half-completed packets. 
		 */
		if (sk->partial) 
			tcp_send_partial(sk);
	}

		
	/*
	 *	Timeout is not the same thing - however the code likes
	 *	to send both the same way (sigh).
	 */
	 
	if(timeout)
	{
		tcp_set_state(sk, TCP_CLOSE);	/* Dead */
	}
	else
	{
		if(tcp_close_state(sk,1)==1)
		{
			tcp_send_fin(sk);
		}
	}
	release_sock(sk);
}

/*
 *	This routine deals with incoming acks, but not outgoing ones.
 *
 * reduced: was tcp_ack(sk, th, saddr, len). Left out: the window (max
 * window, shrinking, window_seq), congestion avoidance, zero window
 * probe answers, the write queue, round trip time estimation and the
 * retransmission of more of the queue at the end. The retransmit queue
 * is the sequence space from rcv_ack_seq to sent_seq, so taking acked
 * segments off it is the rcv_ack_seq update, and "anything left to
 * send" (send_head) is before(rcv_ack_seq, sent_seq).
 */

static int tcp_ack(struct sock *sk, struct tcphdr *th, int len)
{
	unsigned long ack;
	int flag = 0;

	/* 
	 * 1 - there was data in packet as well as ack or new data is sent or 
	 *     in shutdown state
	 * 2 - data from retransmit queue was acked and removed
	 * 4 - window shrunk or data from retransmit queue was acked and removed
	 */

	if(sk->zapped)
		return(1);	/* Dead, cant ack any more so why bother */

	ack = th->ack_seq;

	/*
	 *	We have dropped back to keepalive timeouts. Thus we have
	 *	no retransmits pending.
	 */
	 
	if (sk->retransmits && sk->ip_xmit_timeout == TIME_KEEPOPEN)
	  	sk->retransmits = 0;

	/*
	 *	If the ack is newer than sent or older than previous acks
	 *	then we can probably ignore it.
	 */
	 
	if (after(ack, sk->sent_seq) || before(ack, sk->rcv_ack_seq)) 
	{
		if(sk->debug)
			printk("Ack ignored %lu %lu\n",ack,sk->sent_seq);
			
		/*
		 *	Keepalive processing.
		 */
		 
		if (after(ack, sk->sent_seq)) 
		{
			return(0);
		}
		
		/*
		 *	Restart the keepalive timer.
		 */
		 
		if (sk->keepopen) 
		{
			if(sk->ip_xmit_timeout==TIME_KEEPOPEN)
				reset_xmit_timer(sk, TIME_KEEPOPEN, TCP_TIMEOUT_LEN);
		}
		return(1);
	}

	/*
	 *	If there is data set flag 1
	 */
	 
	if (len != th->doff*4) 
		flag |= 1;

	/*
	 *	See if we can take anything off of the retransmit queue.
	 */

	if (after(ack, sk->rcv_ack_seq))
	{
		if (sk->retransmits) 
		{	
			/*
			 *	We were retransmitting.  don't count this in RTT est 
			 */
			flag |= 2;

			/*
			 * even though we've gotten an ack, we're still
			 * retransmitting as long as we're sending from
			 * the retransmit queue.  Keeping retransmits non-zero
			 * prevents us from getting new data interspersed with
			 * retransmissions.
			 */

			if (before(ack, sk->sent_seq))	/* Any more queued retransmits? */
				sk->retransmits = 1;
			else
				sk->retransmits = 0;
		}
		flag |= (2|4);	/* 2 is really more like 'don't adjust the rtt 
				   In this case as we just set it up */
	}

	/*
	 *	Remember the highest ack received.
	 */
	 
	sk->rcv_ack_seq = ack;

	/*
	 * from TIME_WAIT we stay in TIME_WAIT as long as we rx packets
	 * from TCP_CLOSE we don't do anything
	 *
	 * from anything else, if there is write data (or fin) pending,
	 * we use a TIME_WRITE timeout, else if keepalive we reset to
	 * a KEEPALIVE timeout, else we delete the timer.
	 *
	 * We do not set flag for nominal write data, otherwise we may
	 * force a state where we start to write itsy bitsy tidbits
	 * of data.
	 */

	switch(sk->state) {
	case TCP_TIME_WAIT:
		/*
		 * keep us in TIME_WAIT until we stop getting packets,
		 * reset the timeout.
		 */
		reset_msl_timer(sk, TIME_CLOSE, TCP_TIMEWAIT_LEN);
		break;
	case TCP_CLOSE:
		/*
		 * don't touch the timer.
		 */
		break;
	default:
		/*
		 * 	Must check send_head, write_queue, and ack_backlog
		 * 	to determine which timeout to use.
		 */
		if (before(sk->rcv_ack_seq, sk->sent_seq) || sk->ack_backlog) {
			reset_xmit_timer(sk, TIME_WRITE, sk->rto);
		} else if (sk->keepopen) {
			reset_xmit_timer(sk, TIME_KEEPOPEN, TCP_TIMEOUT_LEN);
		} else {
			del_timer(&sk->retransmit_timer);
			sk->ip_xmit_timeout = 0;
		}
		break;
	}

	/*
	 *	We have nothing queued but space to send. Send any partial
	 *	packets immediately (end of Nagle rule application).
	 */
	 
	if (sk->partial != NULL && !before(sk->rcv_ack_seq, sk->sent_seq)) 
	{
		flag |= 1;
		tcp_send_partial(sk);
	}

	/*
	 * In the LAST_ACK case, the other end FIN'd us.  We then FIN'd them, and
	 * we are now waiting for an acknowledge to our FIN.  The other end is
	 * already in TIME_WAIT.
	 *
	 * Move to TCP_CLOSE on success.
	 */

	if (sk->state == TCP_LAST_ACK) 
	{
		if (!sk->dead)
			sk->state_change(sk);
		if(sk->debug)
			printk("rcv_ack_seq: %lX==%lX, acked_seq: %lX==%lX\n",
				sk->rcv_ack_seq,sk->write_seq,sk->acked_seq,sk->fin_seq);
		if (sk->rcv_ack_seq == sk->write_seq /*&& sk->acked_seq == sk->fin_seq*/) 
		{
			flag |= 1;
			tcp_set_state(sk,TCP_CLOSE);
			sk->shutdown = SHUTDOWN_MASK;
		}
	}

	/*
	 *	Incoming ACK to a FIN we sent in the case of our initiating the close.
	 *
	 *	Move to FIN_WAIT2 to await a FIN from the other end. Set
	 *	SEND_SHUTDOWN but not RCV_SHUTDOWN as data can still be coming in.
	 */

	if (sk->state == TCP_FIN_WAIT1) 
	{

		if (!sk->dead) 
			sk->state_change(sk);
		if (sk->rcv_ack_seq == sk->write_seq) 
		{
			flag |= 1;
			sk->shutdown |= SEND_SHUTDOWN;
			tcp_set_state(sk, TCP_FIN_WAIT2);
		}
	}

	/*
	 *	Incoming ACK to a FIN we sent in the case of a simultaneous close.
	 *
	 *	Move to TIME_WAIT
	 */

	if (sk->state == TCP_CLOSING) 
	{

		if (!sk->dead) 
			sk->state_change(sk);
		if (sk->rcv_ack_seq == sk->write_seq) 
		{
			flag |= 1;
			tcp_time_wait(sk);
		}
	}
	
	/*
	 *	Final ack of a three way shake 
	 */
	 
	if(sk->state==TCP_SYN_RECV)
	{
		tcp_set_state(sk, TCP_ESTABLISHED);
		sk->copied_seq = sk->acked_seq;
		if(!sk->dead)
			sk->state_change(sk);
	}

	/*
	 * I make no guarantees about the first clause in the following
	 * test, i.e. "(!flag) || (flag&4)".  I'm not entirely sure under
	 * what conditions "!flag" would be true.  However I think the rest
	 * of the conditions would prevent that from causing any
	 * unnecessary retransmission. 
	 *   Clearly if the first packet has expired it should be 
	 * retransmitted.  The other alternative, "flag&2 && retransmits", is
	 * harder to explain:  You have to look carefully at how and when the
	 * timer is set and with what timeout.  The most recent transmission always
	 * sets the timer.  So in general if the most recent thing has timed
	 * out, everything before it has as well.  So we want to go ahead and
	 * retransmit some more.
	 *
	 * (reduced: no send times are kept, so the "first packet has expired"
	 * alternative is left out.)
	 */

	if (((!flag) || (flag&4)) && before(sk->rcv_ack_seq, sk->sent_seq) &&
		((flag&2) && sk->retransmits))
	{
		tcp_do_retransmit(sk, 1);
		reset_xmit_timer(sk, TIME_WRITE, sk->rto);
	}

	return(1);
}


/*
 * 	Process the FIN bit. This now behaves as it is supposed to work
 *	and the FIN takes effect when it is validly part of sequence
 *	space. Not before when we get holes.
 *
 *	If we are ESTABLISHED, a received fin moves us to CLOSE-WAIT
 *	(and thence onto LAST-ACK and finally, CLOSE, we never enter
 *	TIME-WAIT)
 *
 *	If we are in FINWAIT-1, a received FIN indicates simultaneous
 *	close and we go into CLOSING (and later onto TIME-WAIT)
 *
 *	If we are in FINWAIT-2, a received FIN moves us to TIME-WAIT.
 *
 */
 
static int tcp_fin(struct sk_buff *skb, struct sock *sk, struct tcphdr *th)
{
	sk->fin_seq = th->seq + skb->len + th->syn + th->fin;

	if (!sk->dead) 
	{
		sk->state_change(sk);
		sock_wake_async(sk->socket, 1);
	}

	switch(sk->state) 
	{	
		case TCP_SYN_RECV:
		case TCP_SYN_SENT:
		case TCP_ESTABLISHED:
			/*
			 * move to CLOSE_WAIT, tcp_data() already handled
			 * sending the ack.
			 */
			tcp_set_state(sk,TCP_CLOSE_WAIT);
			if (th->rst)
				sk->shutdown = SHUTDOWN_MASK;
			break;

		case TCP_CLOSE_WAIT:
		case TCP_CLOSING:
			/*
			 * received a retransmission of the FIN, do
			 * nothing.
			 */
			break;
		case TCP_TIME_WAIT:
			/*
			 * received a retransmission of the FIN,
			 * restart the TIME_WAIT timer.
			 */
			reset_msl_timer(sk, TIME_CLOSE, TCP_TIMEWAIT_LEN);
			return(0);
		case TCP_FIN_WAIT1:
			/*
			 * This case occurs when a simultaneous close
			 * happens, we must ack the received FIN and
			 * enter the CLOSING state.
			 *
			 * This causes a WRITE timeout, which will either
			 * move on to TIME_WAIT when we timeout, or resend
			 * the FIN properly (maybe we get rid of that annoying
			 * FIN lost hang). The TIME_WRITE code is already correct
			 * for handling this timeout.
			 */

			if(sk->ip_xmit_timeout != TIME_WRITE)
				reset_xmit_timer(sk, TIME_WRITE, sk->rto);
			tcp_set_state(sk,TCP_CLOSING);
			break;
		case TCP_FIN_WAIT2:
			/*
			 * received a FIN -- send ACK and enter TIME_WAIT
			 */
			reset_msl_timer(sk, TIME_CLOSE, TCP_TIMEWAIT_LEN);
			sk->shutdown|=SHUTDOWN_MASK;
			tcp_set_state(sk,TCP_TIME_WAIT);
			break;
		case TCP_CLOSE:
			/*
			 * already in CLOSE
			 */
			break;
		default:
			tcp_set_state(sk,TCP_LAST_ACK);
	
			/* Start the timers. */
			reset_msl_timer(sk, TIME_CLOSE, TCP_TIMEWAIT_LEN);
			return(0);
	}

	return(0);
}


/*
 *	This routine handles the data.  If there is room in the buffer,
 *	it will be have already been moved into it.  If there is no
 *	room, then we will just have to discard the packet.
 *
 * reduced: was tcp_data(skb, sk, saddr, len). Left out: the receive
 * window and delayed ACK bookkeeping (bytes_rcv, window, delay_acks: every
 * segment is acknowledged at once), the low memory discard and the
 * data_ready callback, the debug printks of the insertion walk, and
 * max_ack_backlog (the loop's "force an immediate ack": every segment is
 * acknowledged at once here anyway). The insertion in sequence order and the
 * loop over later queued segments are the original's, with its known quirk:
 * for a queued FIN the loop calls tcp_fin(skb,sk,skb->h.th) with the segment
 * that just arrived, not skb2, so fin_seq is computed from the wrong segment.
 */
 
static int tcp_data(struct sk_buff *skb, struct sock *sk, unsigned short len)
{
	struct sk_buff *skb1, *skb2;
	struct tcphdr *th;
	int dup_dumped=0;
	unsigned long new_seq;
	unsigned long shut_seq;

	th = skb->h.th;
	skb->len = len -(th->doff*4);

	if (skb->len == 0 && !th->fin) 
	{
		/* 
		 *	Don't want to keep passing ack's back and forth. 
		 *	(someone sent us dataless, boring frame)
		 */
		if (!th->ack)
			tcp_send_ack(sk->sent_seq, sk->acked_seq,sk, th);
		kfree_skb(skb, FREE_READ);
		return(0);
	}
	
	/*
	 *	We no longer have anyone receiving data on this connection.
	 */

	if(sk->shutdown & RCV_SHUTDOWN)
	{
		/*
		 *	FIXME: BSD has some magic to avoid sending resets to
		 *	broken 4.2 BSD keepalives. Much to my surprise a few non
		 *	BSD stacks still have broken keepalives so we want to
		 *	cope with it.
		 */

		if(skb->len)	/* We don't care if it's just an ack or
				   a keepalive/window probe */
		{
			new_seq= th->seq + skb->len + th->syn;	/* Right edge of _data_ part of frame */
			
			/* Do this the way 4.4BSD treats it. Not what I'd
			   regard as the meaning of the spec but it's what BSD
			   does and clearly they know everything 8) */

			/*
			 *	This is valid because of two things
			 *
			 *	a) The way tcp_data behaves at the bottom.
			 *	b) A fin takes effect when read not when received.
			 */
			 
			shut_seq=sk->acked_seq+1;	/* Last byte */
			
			if(after(new_seq,shut_seq))
			{
				if(sk->debug)
					printk("Data arrived on %p after close [Data right edge %lX, Socket shut on %lX] %d\n",
						sk, new_seq, shut_seq, sk->blog);
				if(sk->dead)
				{
					sk->acked_seq = new_seq + th->fin;
					tcp_reset(skb->h.th);
					tcp_statistics.TcpEstabResets++;
					tcp_set_state(sk,TCP_CLOSE);
					sk->err = EPIPE;
					sk->shutdown = SHUTDOWN_MASK;
					kfree_skb(skb, FREE_READ);
					return 0;
				}
			}
		}
	}

	/*
	 * 	Now we have to walk the chain, and figure out where this one
	 * 	goes into it.  This is set up so that the last packet we received
	 * 	will be the first one we look at, that way if everything comes
	 * 	in order, there will be no performance loss, and if they come
	 * 	out of order we will be able to fit things in nicely.
	 *
	 *	[AC: This is wrong. We should assume in order first and then walk
	 *	 forwards from the first hole based upon real traffic patterns.]
	 *	
	 */

	if (skb_peek(&sk->receive_queue) == NULL) 	/* Empty queue is easy case */
	{
		skb_queue_head(&sk->receive_queue,skb);
		skb1= NULL;
	} 
	else
	{
		for(skb1=sk->receive_queue.prev; ; skb1 = skb1->prev) 
		{
			/*
			 *	Optimisation: Duplicate frame or extension of previous frame from
			 *	same sequence point (lost ack case).
			 *	The frame contains duplicate data or replaces a previous frame
			 *	discard the previous frame (safe as sk->inuse is set) and put
			 *	the new one in its place.
			 */
			 
			if (th->seq==skb1->h.th->seq && skb->len>= skb1->len)
			{
				skb_append(skb1,skb);
				skb_unlink(skb1);
				kfree_skb(skb1,FREE_READ);
				dup_dumped=1;
				skb1=NULL;
				break;
			}
			
			/*
			 *	Found where it fits
			 */
			 
			if (after(th->seq+1, skb1->h.th->seq))
			{
				skb_append(skb1,skb);
				break;
			}
			
			/*
			 *	See if we've hit the start. If so insert.
			 */
			if (skb1 == skb_peek(&sk->receive_queue))
			{
				skb_queue_head(&sk->receive_queue, skb);
				break;
			}
		}
  	}

	/*
	 *	Figure out what the ack value for this frame is
	 */
	 
 	th->ack_seq = th->seq + skb->len;
 	if (th->syn) 
 		th->ack_seq++;
 	if (th->fin)
 		th->ack_seq++;

	if (before(sk->acked_seq, sk->copied_seq)) 
	{
		printk("*** tcp.c:tcp_data bug acked < copied\n");
		sk->acked_seq = sk->copied_seq;
	}

	/*
	 *	Now figure out if we can ack anything. This is very messy because we really want two
	 *	receive queues, a completed and an assembly queue. We also want only one transmit
	 *	queue.
	 */

	if ((!dup_dumped && (skb1 == NULL || skb1->acked)) || before(th->seq, sk->acked_seq+1)) 
	{
		if (before(th->seq, sk->acked_seq+1)) 
		{
			if (after(th->ack_seq, sk->acked_seq)) 
				sk->acked_seq = th->ack_seq;
			skb->acked = 1;

			/*
			 *	When we ack the fin, we do the FIN 
			 *	processing.
			 */

			if (skb->h.th->fin) 
			{
				tcp_fin(skb,sk,skb->h.th);
			}
	  
			for(skb2 = skb->next;
			    skb2 != (struct sk_buff *)&sk->receive_queue;
			    skb2 = skb2->next) 
			{
				if (before(skb2->h.th->seq, sk->acked_seq+1)) 
				{
					if (after(skb2->h.th->ack_seq, sk->acked_seq))
						sk->acked_seq = skb2->h.th->ack_seq;
					skb2->acked = 1;
					/*
					 * 	When we ack the fin, we do
					 * 	the fin handling.
					 */
					if (skb2->h.th->fin) 
					{
						tcp_fin(skb,sk,skb->h.th);
					}
				}
				else
				{
					break;
				}
			}
		}
	}

	/*
	 *	If we've missed a packet, send an ack.
	 *	Also start a timer to send another.
	 */
	 
	if (!skb->acked) 
	{
		tcp_send_ack(sk->sent_seq, sk->acked_seq, sk, th);
		sk->ack_backlog++;
		reset_xmit_timer(sk, TIME_WRITE, TCP_ACK_TIME);
	}
	else
	{
		tcp_send_ack(sk->sent_seq, sk->acked_seq, sk, th);
	}

	return(0);
}


/*
 *	This functions checks to see if the tcp header is actually acceptable. 
 *
 * reduced: was tcp_sequence(sk, th, len, opt, saddr, dev); opt, saddr
 * and dev are dropped. The original leaves through "goto ignore_it";
 * here the acceptable case returns early and the ignore_it code follows.
 */
 
static int tcp_sequence(struct sock *sk, struct tcphdr *th, short len)
{
	unsigned long next_seq;

	next_seq = len - 4*th->doff;
	if (th->fin)
		next_seq++;
	/* if we have a zero window, we can't have any data in the packet.. */
	if (!next_seq || sk->window)
	{
		next_seq += th->seq;

		/*
		 * This isn't quite right.  sk->acked_seq could be more recent
		 * than sk->window.  This is however close enough.  We will accept
		 * slightly more packets than we should, but it should not cause
		 * problems unless someone is trying to forge packets.
		 */

		/* have we already seen all of this packet? */
		/* or does it start beyond the window? */
		if (after(next_seq+1, sk->acked_seq) &&
		    before(th->seq, sk->acked_seq + sk->window + 1))
		{
			/* ok, at least part of this packet would seem interesting.. */
			return 1;
		}
	}

	/* ignore_it: */

	if (th->rst)
		return 0;

	/*
	 *	Send a reset if we get something not ours and we are
	 *	unsynchronized. Note: We don't do anything to our end. We
	 *	are just killing the bogus remote connection then we will
	 *	connect again and it will work (with luck).
	 */
  	 
	if(sk->state==TCP_SYN_SENT || sk->state==TCP_SYN_RECV) 
	{
		tcp_reset(th);
		return 1;
	}

	/* Try to resync things. */
	tcp_send_ack(sk->sent_seq, sk->acked_seq, sk, th);
	return 0;
}

/*
 *	When we get a reset we do this.
 *
 * reduced: nothing left out (TCP_DO_RFC1337 is not defined in 1.2).
 */

static int tcp_std_reset(struct sock *sk, struct sk_buff *skb)
{
	sk->zapped = 1;
	sk->err = ECONNRESET;
	if (sk->state == TCP_SYN_SENT)
		sk->err = ECONNREFUSED;
	if (sk->state == TCP_CLOSE_WAIT)
		sk->err = EPIPE;
	tcp_set_state(sk,TCP_CLOSE);
	sk->shutdown = SHUTDOWN_MASK;
	if (!sk->dead) 
		sk->state_change(sk);
	kfree_skb(skb, FREE_READ);
	release_sock(sk);
	return(0);
}

/*
 *	A TCP packet has arrived.
 *
 * reduced: was tcp_rcv(skb, dev, opt, daddr, len, saddr, redo, protocol).
 * The socket is passed in instead of being looked up (get_sock), len is
 * skb->len and redo is sk->blog (set by release_sock while it replays
 * the back_log). Left out: the checksum, packet type and memory charge
 * checks, tcp_conn_request on a listening socket (the segment is only
 * absorbed), the self-connect test on crossed SYNs, handing a SYN that
 * kills a TIME_WAIT socket on to the listener, and urgent data (tcp_urg).
 * The original reaches rfc_step6 with a goto from SYN_SENT; here the
 * steps it skips are under "if (!syn_ok)".
 */

int tcp_rcv(struct sk_buff *skb, struct sock *sk)
{
	struct tcphdr *th;
	unsigned short len;
	int redo;
	int syn_ok=0;
	
	if (!skb) 
	{
		printk("IMPOSSIBLE 1\n");
		return(0);
	}

	tcp_statistics.TcpInSegs++;
  
	th = skb->h.th;
	len = skb->len;
	redo = sk->blog;

	/*
	 *	If this socket has got a reset it's to all intents and purposes 
	 *	really dead. Count closed sockets as dead.
	 *
	 *	Note: BSD appears to have a bug here. A 'closed' TCP in BSD
	 *	simply drops data. This seems incorrect as a 'closed' TCP doesn't
	 *	exist so should cause resets as if the port was unreachable.
	 */
	 
	if (sk!=NULL && (sk->zapped || sk->state==TCP_CLOSE))
		sk=NULL;

	if (!redo) 
	{
		/* See if we know about the socket. */
		if (sk == NULL) 
		{
			/*
			 *	No such TCB. If th->rst is 0 send a reset (checked in tcp_reset)
			 */
			tcp_reset(th);
			skb->sk = NULL;
			/*
			 *	Discard frame
			 */
			kfree_skb(skb, FREE_READ);
			return(0);
		}

		skb->len = len;
		skb->acked = 0;

		/* We may need to add it to the backlog here. */
		if (sk->inuse) 
		{
			skb_queue_tail(&sk->back_log, skb);
			return(0);
		}
		sk->inuse = 1;
	}
	else
	{
		if (sk==NULL) 
		{
			tcp_reset(th);
			skb->sk = NULL;
			kfree_skb(skb, FREE_READ);
			return(0);
		}
	}

	skb->sk=sk;

	/*
	 *	This basically follows the flow suggested by RFC793, with the corrections in RFC1122. We
	 *	don't implement precedence and we process URG incorrectly (deliberately so) for BSD bug
	 *	compatibility. We also set up variables more thoroughly [Karn notes in the
	 *	KA9Q code the RFC793 incoming segment rules don't initialise the variables for all paths].
	 */

	if(sk->state!=TCP_ESTABLISHED)		/* Skip this lot for normal flow */
	{
	
		/*
		 *	Now deal with unusual cases.
		 */
	 
		if(sk->state==TCP_LISTEN)
		{
			if(th->ack)	/* These use the socket TOS.. might want to be the received TOS */
				tcp_reset(th);

			/*
			 *	We don't care for RST, and non SYN are absorbed (old segments)
			 *	(reduced: so is a SYN: tcp_conn_request is left out)
			 */
			 
			kfree_skb(skb, FREE_READ);
			release_sock(sk);
			return 0;
		}
	
		/* retransmitted SYN? */
		if (sk->state == TCP_SYN_RECV && th->syn && th->seq+1 == sk->acked_seq)
		{
			kfree_skb(skb, FREE_READ);
			release_sock(sk);
			return 0;
		}
		
		/*
		 *	SYN sent means we have to look for a suitable ack and either reset
		 *	for bad matches or go to connected 
		 */
	   
		if(sk->state==TCP_SYN_SENT)
		{
			/* Crossed SYN or previous junk segment */
			if(th->ack)
			{
				/* We got an ack, but it's not a good ack */
				if(!tcp_ack(sk,th,len))
				{
					/* Reset the ack - its an ack from a 
					   different connection  [ th->rst is checked in tcp_reset()] */
					tcp_statistics.TcpAttemptFails++;
					tcp_reset(th);
					kfree_skb(skb, FREE_READ);
					release_sock(sk);
					return(0);
				}
				if(th->rst)
					return tcp_std_reset(sk,skb);
				if(!th->syn)
				{
					/* A valid ack from a different connection
					   start. Shouldn't happen but cover it */
					kfree_skb(skb, FREE_READ);
					release_sock(sk);
					return 0;
				}
				/*
				 *	Ok.. it's good. Set up sequence numbers and
				 *	move to established.
				 */
				syn_ok=1;	/* Don't reset this connection for the syn */
				sk->acked_seq=th->seq+1;
				sk->fin_seq=th->seq;
				tcp_send_ack(sk->sent_seq,sk->acked_seq,sk,th);
				tcp_set_state(sk, TCP_ESTABLISHED);
				sk->copied_seq = sk->acked_seq;
				if(!sk->dead)
				{
					sk->state_change(sk);
					sock_wake_async(sk->socket, 0);
				}
			}
			else
			{
				/* See if SYN's cross. Drop if boring */
				if(th->syn && !th->rst)
				{
					tcp_set_state(sk,TCP_SYN_RECV);
					
					/*
					 *	FIXME:
					 *	Must send SYN|ACK here
					 */
				}		
				/* Discard junk segment */
				kfree_skb(skb, FREE_READ);
				release_sock(sk);
				return 0;
			}
			/*
			 *	SYN_RECV with data maybe.. drop through
			 */
		}

		/*
		 *	BSD has a funny hack with TIME_WAIT and fast reuse of a port. There is
		 *	a more complex suggestion for fixing these reuse issues in RFC1644
		 *	but not yet ready for general use. Also see RFC1379.
		 */
	
		if (sk->state == TCP_TIME_WAIT && th->syn && sk->dead && 
			after(th->seq, sk->acked_seq) && !th->rst)
		{
			if(sk->debug)
				printk("Doing a BSD time wait\n");
			tcp_statistics.TcpEstabResets++;	   
			skb->sk = NULL;
			sk->err=ECONNRESET;
			tcp_set_state(sk, TCP_CLOSE);
			sk->shutdown = SHUTDOWN_MASK;
			release_sock(sk);
			kfree_skb(skb, FREE_READ);
			return 0;
		}
	}

	/*
	 *	We are now in normal data flow (see the step list in the RFC)
	 *	Note most of these are inline now. I'll inline the lot when
	 *	I have time to test it hard and look at what gcc outputs 
	 */
	
	if (!syn_ok)
	{
		if(!tcp_sequence(sk,th,len))
		{
			kfree_skb(skb, FREE_READ);
			release_sock(sk);
			return 0;
		}

		if(th->rst)
			return tcp_std_reset(sk,skb);
	
		/*
		 *	!syn_ok is effectively the state test in RFC793.
		 */
	 
		if(th->syn && !syn_ok)
		{
			tcp_reset(th);
			return tcp_std_reset(sk,skb);	
		}

		/*
		 *	Process the ACK
		 */
	 
		if(th->ack && !tcp_ack(sk,th,len))
		{
			/*
			 *	Our three way handshake failed.
			 */
		 
			if(sk->state==TCP_SYN_RECV)
			{
				tcp_reset(th);
			}
			kfree_skb(skb, FREE_READ);
			release_sock(sk);
			return 0;
		}
	}

	/* rfc_step6:		I'll clean this up later */

	/*
	 *	Process the encapsulated data
	 */
	
	if(tcp_data(skb,sk, len))
	{
		kfree_skb(skb, FREE_READ);
		release_sock(sk);
		return 0;
	}

	/*
	 *	And done
	 */	
	
	release_sock(sk);
	return 0;
}

/*
 *	This routine sends a packet with an out of date sequence
 *	number. It assumes the other end will try to ack it.
 *
 * reduced: the IP header, the window and the checksum are left out.
 */

static void tcp_write_wakeup(struct sock *sk)
{
	struct sk_buff *buff;
	struct tcphdr *t1;

	if (sk->zapped)
		return;	/* After a valid reset we can send no more */

	/*
	 *	Write data can still be transmitted/retransmitted in the
	 *	following states.  If any other state is encountered, return.
	 *	[listen/close will never occur here anyway]
	 */

	if (sk->state != TCP_ESTABLISHED && 
	    sk->state != TCP_CLOSE_WAIT &&
	    sk->state != TCP_FIN_WAIT1 && 
	    sk->state != TCP_LAST_ACK &&
	    sk->state != TCP_CLOSING
	) 
	{
		return;
	}

	buff = alloc_skb(MAX_ACK_SIZE,GFP_ATOMIC);
	if (buff == NULL) 
		return;

	buff->len = TCPHDR_SIZE;
	buff->sk = sk;
	t1 = buff->h.th;

	/*
	 *	Use a previous sequence.
	 *	This should cause the other end to send an ack.
	 */
	 
	t1->seq = sk->sent_seq-1;
	t1->ack = 1; 
	t1->res1= 0;
	t1->res2= 0;
	t1->rst = 0;
	t1->urg = 0;
	t1->psh = 0;
	t1->fin = 0;	/* We are sending a 'previous' sequence, and 0 bytes of data - thus no FIN bit */
	t1->syn = 0;
	t1->ack_seq = sk->acked_seq;
	t1->doff = TCPHDR_SIZE/4;

	/*
	 *	Send it and free it.
	 *	This will prevent the timer from automatically being restarted.
	 */
	ip_queue_xmit(sk, buff);
	tcp_statistics.TcpOutSegs++;
}

/*
 *	A window probe timeout has occurred.
 *
 * reduced: the proto retransmit count is left out.
 */

void tcp_send_probe0(struct sock *sk)
{
	if (sk->zapped)
		return;		/* After a valid reset we can send no more */

	tcp_write_wakeup(sk);

	sk->backoff++;
	sk->rto = min(sk->rto << 1, 120*HZ);
	reset_xmit_timer (sk, TIME_PROBE0, sk->rto);
	sk->retransmits++;
}

/*
 *	From net/inet/sock.c.
 *
 * reduced: the prot check and cli/save_flags are left out. Segments held
 * on the back_log are replayed through tcp_rcv with sk->blog set (the
 * original passes redo=1), which also makes the release_sock at the end
 * of each replayed tcp_rcv return at once.
 */

void release_sock(struct sock *sk)
{
	struct sk_buff *skb;

	/*
	 *	Make the backlog atomic. If we don't do this there is a tiny
	 *	window where a packet may arrive between the sk->blog being 
	 *	tested and then set with sk->inuse still 0 causing an extra 
	 *	unwanted re-entry into release_sock().
	 */

	if (sk->blog) 
		return;
	sk->blog=1;
	sk->inuse = 1;

	/* See if we have any packets built up. */
	while((skb = skb_dequeue(&sk->back_log)) != NULL) 
	{
		sk->blog = 1;
		tcp_rcv(skb, sk);
	}
	sk->blog = 0;
	sk->inuse = 0;
	if (sk->dead && sk->state == TCP_CLOSE) 
	{
		/* Should be about 2 rtt's */
		reset_timer(sk, TIME_DONE, min(sk->rtt * 2, TCP_DONE_TIME));
	}
}

/*
 *	From net/inet/timer.c.
 *
 * reduced: save_flags/cli/restore_flags are left out.
 */

void delete_timer (struct sock *t)
{
	t->timeout = 0;
	del_timer (&t->timer);
}

/*
 *	From net/inet/timer.c.
 *
 * reduced: nothing left out.
 */

void reset_timer (struct sock *t, int timeout, unsigned long len)
{
	delete_timer (t);
	t->timeout = timeout;
	if ((int) len < 0)	/* prevent close to infinite timers. THEY _DO_ */
		len = 3;	/* happen (negative values ?) - don't ask me why ! -FB */
	t->timer.expires = len;
	add_timer (&t->timer);
}

/*
 *	Now we will only be called whenever we need to do
 *	something, but we must be sure to process all of the
 *	sockets that need it.
 *
 *	(net/inet/timer.c)
 *
 * reduced: cli/sti and in_bh, the data_ready callback, the memory
 * accounting of TIME_DESTROY (no memory is charged to the socket here)
 * and arp_destroy are left out.
 */

void net_timer (unsigned long data)
{
	struct sock *sk = (struct sock *) data;
	int why = sk->timeout;

	/* 
	 * only process if socket is not in use
	 */

	if (sk->inuse) 
	{
		sk->timer.expires = 10;
		add_timer(&sk->timer);
		return;
	}

	sk->inuse = 1;

	/* Always see if we need to send an ack. */

	if (sk->ack_backlog && !sk->zapped) 
		tcp_read_wakeup (sk);

	/* Now we need to figure out why the socket was on the timer. */

	switch (why) 
	{
		case TIME_DONE:
			if (! sk->dead || sk->state != TCP_CLOSE) 
			{
				printk ("non dead socket in time_done\n");
				release_sock (sk);
				break;
			}
			destroy_sock (sk);
			break;

		case TIME_DESTROY:
		/*
		 *	We've waited for a while for all the memory associated with
		 *	the socket to be freed.
		 */
			destroy_sock(sk);	/* Socket gone, DON'T update sk->inuse! */
			break;
		case TIME_CLOSE:
			/* We've waited long enough, close the socket. */
			sk->state = TCP_CLOSE;
			delete_timer (sk);
			if (!sk->dead)
				sk->state_change(sk);
			sk->shutdown = SHUTDOWN_MASK;
			reset_timer (sk, TIME_DESTROY, TCP_DONE_TIME);
			release_sock (sk);
			break;
		default:
			printk ("net_timer: timer expired - reason %d is unknown\n", why);
			release_sock (sk);
			break;
	}
}

/*
 *	Destroy an AF_INET socket
 *
 *	(net/inet/af_inet.c)
 *
 * reduced: the write_space callback, remove_sock, the write queue, the
 * send_head queue and the freeing of the socket itself are left out: the
 * socket stays, marked in use, with both timers stopped and its queues
 * emptied.
 */
 
void destroy_sock(struct sock *sk)
{
	struct sk_buff *skb;

  	sk->inuse = 1;			/* just to be safe. */

  	/* Now we can no longer get new packets. */
  	delete_timer(sk);
  	/* Nor send them */
	del_timer(&sk->retransmit_timer);
	
	while ((skb = tcp_dequeue_partial(sk)) != NULL) {
		kfree_skb(skb, FREE_WRITE);
	}

  	/*
  	 *	Don't discard received data until the user side kills its
  	 *	half of the socket.
  	 */

	if (sk->dead) 
	{
  		while((skb=skb_dequeue(&sk->receive_queue))!=NULL) 
  		{
			kfree_skb(skb, FREE_READ);
		}
	}

	/* Now the backlog. */
  	while((skb=skb_dequeue(&sk->back_log))!=NULL) 
	{
		kfree_skb(skb, FREE_READ);
	}
}

/*
 *	The peer socket should always be NULL (or else). When we call this
 *	function we are destroying the object and from then on nobody
 *	should refer to it.
 *
 *	(net/inet/af_inet.c: what close() on the descriptor runs)
 *
 * reduced: takes the sock instead of the struct socket (sock->data);
 * multicast groups and lingering (SO_LINGER: the process sleeping until
 * the close completes) are left out; sk->prot->close is tcp_close.
 */

int inet_release(struct sock *sk)
{
	if (sk == NULL) 
		return(0);

	sk->state_change(sk);

	/* Start closing the connection.  This may take a while. */

	tcp_close(sk, 0);
	sk->dead = 1;

	sk->inuse = 1;

	/* This will destroy it. */
	release_sock(sk);
	sk->socket = NULL;
	return(0);
}
