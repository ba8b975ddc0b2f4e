/*
 * Machine layer (tcp-close-debugger): the interrupt flag behind cli/sti/save_flags/restore_flags
 * (include/asm/system.h). The machine runs one thing at a time, so the flag is only kept, never
 * acted on; it starts set (interrupts enabled), as after boot.
 */
unsigned long machine_eflags = 0x200;

void machine_fault(const char *text);

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

struct task_struct;
void machine_switch_to(struct task_struct *tsk)
{
	(void)tsk;
	machine_fault("switch_to: the machine has one task; schedule() cannot switch");
}

void disable_hlt(void) { }
void enable_hlt(void) { }

/* <asm/delay.h>: a busy wait passes no time here */
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

/* <asm/io.h>: the machine has no I/O ports */
void machine_outb(unsigned long val, unsigned short port)
{
	(void)val; (void)port;
}

unsigned int machine_inb(unsigned short port)
{
	(void)port;
	return 0;
}
