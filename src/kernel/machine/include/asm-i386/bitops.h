/*
 * Machine layer (tcp-close-debugger): <asm/bitops.h>. The release's asm-i386/bitops.h is
 * inline assembly (btsl, btrl, bsfl; and strings over raw newlines); here the same operations,
 * with the same prototypes and results (the old bit), are C functions (machine/bitops.c).
 */
#ifndef _I386_BITOPS_H
#define _I386_BITOPS_H
extern int set_bit(int nr, void * addr);
extern int clear_bit(int nr, void * addr);
extern int change_bit(int nr, void * addr);
extern int test_bit(int nr, void * addr);
extern int find_first_zero_bit(void * addr, unsigned size);
extern int find_next_zero_bit(void * addr, int size, int offset);
extern unsigned long ffz(unsigned long word);
#endif
