/*
 * Machine layer (tcp-close-debugger): bit operations (include/asm/bitops.h) in C. Bit nr of
 * the array at addr is bit nr%32 of its 32-bit word nr/32, as btsl/btrl/btcl/btl have it; each
 * returns the old bit.
 */
#include <asm/bitops.h>

int set_bit(int nr, void * addr)
{
	unsigned long *w = (unsigned long *)addr + (nr >> 5), m = 1UL << (nr & 31);
	int old = (*w & m) != 0;
	*w |= m;
	return old;
}

int clear_bit(int nr, void * addr)
{
	unsigned long *w = (unsigned long *)addr + (nr >> 5), m = 1UL << (nr & 31);
	int old = (*w & m) != 0;
	*w &= ~m;
	return old;
}

int change_bit(int nr, void * addr)
{
	unsigned long *w = (unsigned long *)addr + (nr >> 5), m = 1UL << (nr & 31);
	int old = (*w & m) != 0;
	*w ^= m;
	return old;
}

int test_bit(int nr, void * addr)
{
	return (((unsigned long *)addr)[nr >> 5] >> (nr & 31)) & 1;
}

int find_next_zero_bit(void * addr, int size, int offset)
{
	int nr;
	for (nr = offset; nr < size; nr++)
		if (!test_bit(nr, addr)) return nr;
	return size;
}

int find_first_zero_bit(void * addr, unsigned size)
{
	return find_next_zero_bit(addr, (int)size, 0);
}

/* the lowest zero bit of word (undefined, as bsfl's, when there is none: 32 here) */
unsigned long ffz(unsigned long word)
{
	unsigned long nr = 0;
	while (nr < 32 && (word >> nr) & 1) nr++;
	return nr;
}
