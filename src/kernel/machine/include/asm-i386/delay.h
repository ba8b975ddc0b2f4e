/*
 * Machine layer (tcp-close-debugger): <asm/delay.h>. The release's asm-i386/delay.h busy-waits
 * with inline assembly that modern gcc refuses ("impossible constraints": clobbers that are also
 * operands). Nothing on the close path waits; these are the same functions in C: a busy wait
 * passes no time on this machine (jiffies move only with the scenario's clock).
 */
#ifndef _I386_DELAY_H
#define _I386_DELAY_H
extern void __delay(int loops);
extern void udelay(unsigned long usecs);
extern unsigned long muldiv(unsigned long a, unsigned long b, unsigned long c);
#endif
