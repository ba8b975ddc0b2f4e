/*
 * Machine layer (tcp-close-debugger): the time of day. kernel/time.c is not shipped; its
 * do_gettimeofday read the timer chip between ticks (outb/inb). Here time is jiffies only
 * (HZ 100, from 0 at boot): tv_sec = jiffies / HZ, tv_usec = 10000 * (jiffies % HZ), so
 * tcp_init_seq (tv_usec + tv_sec * 1000000) gives every connection an initial sequence
 * number of 10000 * jiffies, the same on every run.
 */
#include <linux/sched.h>
#include <linux/time.h>

void do_gettimeofday(struct timeval *tv)
{
	tv->tv_sec = jiffies / HZ;
	tv->tv_usec = (jiffies % HZ) * (1000000 / HZ);
}
