/*
 * Machine layer (tcp-close-debugger): <asm/system.h>. The release's asm-i386/system.h is inline
 * assembly throughout: the interrupt flag (cli, sti, pushfl/popfl, privileged in user space),
 * the task switch (which modern gcc refuses: "impossible constraints"), descriptors and gates,
 * atomic exchanges. What these files use of it, in C:
 *   - cli/sti/save_flags/restore_flags over one machine variable, the i386 EFLAGS with its IF
 *     bit (machine/system.c): the machine runs one thing at a time, so it is only kept;
 *   - xchg_u8/xchg_u16/xchg_u32/tas/xchg_ptr: exchanges, atomic because nothing else runs;
 *   - switch_to: there is one task (init_task), so schedule() never switches; reaching it is a
 *     machine fault.
 * The descriptor numbers (_TSS, _LDT) are the release's C macros; setting descriptors, gates and
 * the debug registers is not used by these files and is left out.
 */
#ifndef __ASM_SYSTEM_H
#define __ASM_SYSTEM_H

#include <asm/segment.h>

/* the descriptor numbers INIT_TASK's tss names (plain C in the release too) */
#define FIRST_TSS_ENTRY 8
#define FIRST_LDT_ENTRY (FIRST_TSS_ENTRY+1)
#define _TSS(n) ((((unsigned long) n)<<4)+(FIRST_TSS_ENTRY<<3))
#define _LDT(n) ((((unsigned long) n)<<4)+(FIRST_LDT_ENTRY<<3))

/* 0x200 is the IF bit of EFLAGS; the machine starts with interrupts enabled */
extern unsigned long machine_eflags;
#define sti() (machine_eflags |= 0x200)
#define cli() (machine_eflags &= ~0x200UL)
#define save_flags(x) ((x) = machine_eflags)
#define restore_flags(x) (machine_eflags = (x))
#define nop() ((void)0)

extern unsigned long xchg_u8(char * m, unsigned long val);
extern unsigned long xchg_u16(short * m, unsigned long val);
extern unsigned long xchg_u32(int * m, unsigned long val);
extern int tas(char * m);
extern void * xchg_ptr(void * m, void * val);

struct task_struct;
extern void machine_switch_to(struct task_struct *tsk);
#define switch_to(tsk) machine_switch_to(tsk)

extern struct desc_struct default_ldt;

#define HAVE_DISABLE_HLT
void disable_hlt(void);
void enable_hlt(void);

#endif
