/*
 * Machine layer (tcp-close-debugger): the kernel's timer list, run as the release's own C.
 * kernel/sched.c is compiled here whole, unmodified, inside this file, so that the machine
 * can reach its static parts: timer_head (the list add_timer and del_timer keep, emptied on
 * boot) and timer_bh (whose loop runs each timer while timer->expires < jiffies).
 *
 * One adjustment, for modern compilers only: linux/sched.h declares `extern struct timeval
 * xtime;` and sched.c defines it `volatile` (gcc 2.x let the qualifiers differ). The header is
 * read first with its declaration renamed, so sched.c's definition stands alone.
 */
#define xtime machine_xtime_as_declared
#include <linux/sched.h>
#undef xtime

#include "../linux-1.2.13/kernel/sched.c"

#include "world.h"

void machine_timers_reset(void)
{
	timer_head.next = timer_head.prev = &timer_head;
	jiffies = 0;
}

int machine_next_tick(unsigned long *tick)
{
	if (timer_head.next == &timer_head) return 0;
	*tick = timer_head.next->expires + 1;
	return 1;
}

void machine_tick(unsigned long t)
{
	jiffies = t;
	timer_bh(NULL);
}

int machine_timer_pending(struct timer_list *t)
{
	struct timer_list *p;
	for (p = timer_head.next; p != &timer_head; p = p->next)
		if (p == t) return 1;
	return 0;
}
