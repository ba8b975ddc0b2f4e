/*
 * Machine layer (tcp-close-debugger): what asm-i386/system.h and delay.h do with inline
 * assembly and the close path reaches, in C:
 *   - machine_eflags: the i386 EFLAGS behind cli/sti/save_flags/restore_flags, whose asm the
 *     interpreter runs by natives over this variable (src/engine/world/cpu.ts); only its IF bit
 *     (0x200) changes, and it starts set (interrupts enabled), as after boot. The machine runs
 *     one thing at a time, so the flag is kept and never acted on;
 *   - xchg_u8/xchg_u16/xchg_u32/tas/xchg_ptr, gnu89 `extern inline` exchanges: atomic here
 *     because nothing else runs;
 *   - __delay/udelay/muldiv: a busy wait passes no time on this machine (jiffies move with the
 *     scenario's clock only).
 */
#include <asm/system.h>
#include <asm/delay.h>

unsigned long machine_eflags = 0x200;

unsigned long xchg_u8(char * m, unsigned long val)
{
	unsigned long old = (unsigned char)*m;
	*m = (char)val;
	return old;
}

unsigned long xchg_u16(short * m, unsigned long val)
{
	unsigned long old = (unsigned short)*m;
	*m = (short)val;
	return old;
}

unsigned long xchg_u32(int * m, unsigned long val)
{
	unsigned long old = (unsigned int)*m;
	*m = (int)val;
	return old;
}

int tas(char * m)
{
	return (int)xchg_u8(m, 1);
}

void * xchg_ptr(void * m, void * val)
{
	return (void *)xchg_u32(m, (unsigned long)val);
}

void __delay(int loops)
{
	(void)loops;
}

void udelay(unsigned long usecs)
{
	(void)usecs;
}

/* a * b / c with a 64-bit intermediate, as mull; divl */
unsigned long muldiv(unsigned long a, unsigned long b, unsigned long c)
{
	return (unsigned long)((unsigned long long)a * b / c);
}
