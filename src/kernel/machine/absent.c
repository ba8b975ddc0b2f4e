/*
 * Machine layer (tcp-close-debugger): the parts of the kernel outside these seven files that
 * they name but the close path never reaches: memory management, the file system, signals,
 * interrupts, ICMP, raw and UDP sockets, ioctls. Each function here records a machine fault
 * naming itself and returns 0: reaching one is a finding, never a silent success. The objects
 * they name (the tables and counters of other subsystems) are defined empty.
 */
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/mm.h>
#include <linux/interrupt.h>
#include <linux/tqueue.h>
#include <linux/personality.h>
#include <linux/socket.h>
#include <linux/netdevice.h>
#include <linux/icmp.h>
#include "protocol.h"
#include "sock.h"
#include "world.h"

/* ---- objects: kernel/softirq.c, mm/, kernel/sched.c's companions, net/inet's other protocols ---- */
unsigned long intr_count;
unsigned long bh_mask;
unsigned long bh_active;
struct bh_struct bh_base[32];
volatile char in_bh;
mem_map_t * mem_map;
unsigned long * swap_cache;
unsigned long swap_cache_find_total, swap_cache_find_success, swap_cache_del_total, swap_cache_del_success;
struct tq_struct tq_last;
int nr_running = 1, nr_tasks = 1;
unsigned long high_memory;
pgd_t swapper_pg_dir[1024];
struct exec_domain default_exec_domain;
struct device loopback_dev;
struct inet_protocol *inet_protos[MAX_INET_PROTOS];
struct icmp_err icmp_err_convert[1];
struct proto raw_prot, udp_prot, packet_prot;

/* verify_area (mm/memory.c): one flat address space, every address may be read and written */
int verify_area(int type, const void * addr, unsigned long size)
{
	(void)type; (void)addr; (void)size;
	return 0;
}

/* do_bottom_half (kernel/softirq.c): bottom halves run from the machine's clock (machine_tick) */
void do_bottom_half(void)
{
}
