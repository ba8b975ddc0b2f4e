/*
 * Machine layer (tcp-close-debugger): <asm/io.h>. The release's asm-i386/io.h reaches I/O ports
 * with inline assembly, some of which modern gcc refuses ("impossible constraint"). The machine
 * has no I/O ports (only sched_init and the timer interrupt, which never run here, touch them):
 * an out writes nowhere and an in reads 0. The names are the release's.
 */
#ifndef _ASM_IO_H
#define _ASM_IO_H
extern void machine_outb(unsigned long val, unsigned short port);
extern unsigned int machine_inb(unsigned short port);
#define SLOW_DOWN_IO
#define outb(val,port) machine_outb((val),(port))
#define outb_p(val,port) machine_outb((val),(port))
#define outw(val,port) machine_outb((val),(port))
#define outw_p(val,port) machine_outb((val),(port))
#define outl(val,port) machine_outb((val),(port))
#define outl_p(val,port) machine_outb((val),(port))
#define inb(port) machine_inb(port)
#define inb_p(port) machine_inb(port)
#define inw(port) machine_inb(port)
#define inw_p(port) machine_inb(port)
#define inl(port) machine_inb(port)
#define inl_p(port) machine_inb(port)
#endif
