/*
 * Machine layer (tcp-close-debugger): the network below IP, for one local route.
 *   - machine_dev, the one network device (no link-level header, up, 10.0.0.1/8);
 *   - ip_rt_route/ip_rt_local (route.c in the kernel): every address goes out on machine_dev;
 *   - ip_chk_addr/ip_my_addr (devinet.c): 10.0.0.1 is ours;
 *   - dev_queue_xmit (dev.c): the wire. The device sends at once: the datagram's bytes go into
 *     the wire log (machine_wire), and a buffer marked free is freed, as a driver's
 *     dev_kfree_skb does after sending;
 *   - tcp_check, ip_send_check, ip_compute_csum: the one's-complement sums. The release's are
 *     i386 assembly that modern gcc refuses ("impossible constraints"); these are the same sums
 *     in C, and replace the release's from outside (MACHINE.md says how).
 */
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include "ip.h"
#include "route.h"
#include "sock.h"
#include "world.h"

struct device machine_dev;
static struct rtable machine_route;

void machine_net_reset(void)
{
	memset(&machine_dev, 0, sizeof(machine_dev));
	machine_dev.name = "eth0";
	machine_dev.flags = IFF_UP | IFF_RUNNING;
	machine_dev.mtu = 1500;
	machine_dev.hard_header_len = 0;
	machine_dev.pa_addr = MACHINE_ADDR;
	machine_dev.pa_mask = 0x000000ffUL;	/* 255.0.0.0 in network order */
	machine_dev.pa_brdaddr = 0xffffff0aUL;
	memset(&machine_route, 0, sizeof(machine_route));
	machine_route.rt_dst = MACHINE_ADDR;
	machine_route.rt_mask = 0x000000ffUL;
	machine_route.rt_dev = &machine_dev;
}

struct rtable *ip_rt_route(unsigned long daddr, struct options *opt, unsigned long *src_addr)
{
	(void)daddr; (void)opt;
	if (src_addr) *src_addr = machine_dev.pa_addr;
	machine_route.rt_use++;
	return &machine_route;
}

struct rtable *ip_rt_local(unsigned long daddr, struct options *opt, unsigned long *src_addr)
{
	return ip_rt_route(daddr, opt, src_addr);
}

int ip_chk_addr(unsigned long addr)
{
	if (addr == machine_dev.pa_addr || addr == 0) return IS_MYADDR;
	if (addr == 0xffffffffUL || addr == machine_dev.pa_brdaddr) return IS_BROADCAST;
	return 0;
}

unsigned long ip_my_addr(void)
{
	return machine_dev.pa_addr;
}

struct machine_seg machine_wire[MACHINE_WIRE_SEGS];
int machine_wire_count;

void dev_queue_xmit(struct sk_buff *skb, struct device *dev, int pri)
{
	struct machine_seg *s;
	(void)pri;
	if (dev == NULL) {
		printk("dev.c: dev_queue_xmit: dev = NULL\n");
		return;
	}
	skb->dev = dev;
	if (machine_wire_count == MACHINE_WIRE_SEGS) {
		machine_fault("dev_queue_xmit: the wire log is full");
		return;
	}
	s = &machine_wire[machine_wire_count++];
	s->time = jiffies;
	s->len = skb->len > MACHINE_SEG_BYTES ? MACHINE_SEG_BYTES : skb->len;
	memcpy(s->data, skb->data + dev->hard_header_len, s->len - dev->hard_header_len);
	s->len -= dev->hard_header_len;
	/* the driver is done with it: freed if its owner does not keep it (dev_kfree_skb) */
	if (skb->free && !skb->lock)
		kfree_skb(skb, FREE_WRITE);
}

/* the one's-complement sum of len bytes as 16-bit little-endian words, an odd byte padded */
static unsigned long sum16(const unsigned char *p, int len, unsigned long sum)
{
	while (len > 1) { sum += p[0] | (p[1] << 8); p += 2; len -= 2; }
	if (len > 0) sum += p[0];
	return sum;
}

static unsigned short fold(unsigned long sum)
{
	while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)(~sum & 0xffff);
}

/* tcp.c's tcp_check: over the pseudo-header (addresses, protocol, TCP length) and the segment */
unsigned short tcp_check(struct tcphdr *th, int len, unsigned long saddr, unsigned long daddr)
{
	unsigned long sum = 0;
	if (saddr == 0) saddr = ip_my_addr();
	sum += (saddr & 0xffff) + (saddr >> 16);
	sum += (daddr & 0xffff) + (daddr >> 16);
	sum += ntohs((unsigned short)len);	/* the length in network order, read as i386 reads it */
	sum += IPPROTO_TCP * 256;
	sum = sum16((const unsigned char *)th, len, sum);
	return fold(sum);
}

unsigned short ip_compute_csum(unsigned char * buff, int len)
{
	return fold(sum16(buff, len, 0));
}

/* ip.c's ip_send_check: the IP header's checksum (ip_fast_csum over ihl words) */
void ip_send_check(struct iphdr *iph)
{
	iph->check = 0;
	iph->check = fold(sum16((const unsigned char *)iph, iph->ihl * 4, 0));
}
