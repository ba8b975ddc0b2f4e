/*
 * Machine layer (tcp-close-debugger): the functions of other kernel subsystems that these files
 * call only on paths the close path never takes (see absent.c). Defined without prototypes, as
 * pre-ANSI C allows: each only names itself in a machine fault and returns 0.
 */
extern void machine_fault(const char *text);
#define ABSENT(name) int name() { machine_fault("reached a kernel function outside the release's seven files: " #name); return 0; }
ABSENT(refile_buffer)
ABSENT(swap_free)
ABSENT(set_writetime)
ABSENT(__iget)
ABSENT(__get_free_pages)
ABSENT(free_pages)
ABSENT(__bad_pagetable)
ABSENT(kill_proc)
ABSENT(kill_pg)
ABSENT(panic)
ABSENT(request_irq)
ABSENT(set_rtc_mmss)
ABSENT(_setitimer)
ABSENT(icmp_send)
ABSENT(raw_rcv)
ABSENT(arp_ioctl)
ABSENT(dev_ioctl)
ABSENT(ip_rt_ioctl)
ABSENT(ip_rt_flush)
ABSENT(inet_add_protocol)
