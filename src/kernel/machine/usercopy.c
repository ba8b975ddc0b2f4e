/*
 * Machine layer (tcp-close-debugger): the user-space copies of asm-i386/segment.h in C, which
 * usercopy.h points the release's macro names at. The machine has one flat address space (the
 * driver's buffers are "user space", verify_area says yes to every address), so each is a plain
 * copy, byte by byte, as the %fs-prefixed movs did.
 */
#include "usercopy.h"

void machine_memcpy_fromfs(void *to, const void *from, unsigned long n)
{
	unsigned char *d = to;
	const unsigned char *s = from;
	while (n--) *d++ = *s++;
}

void machine_memcpy_tofs(void *to, const void *from, unsigned long n)
{
	machine_memcpy_fromfs(to, from, n);
}

unsigned char machine_get_fs_byte(const void *addr)
{
	return *(const unsigned char *)addr;
}

unsigned short machine_get_fs_word(const void *addr)
{
	return *(const unsigned short *)addr;
}

unsigned long machine_get_fs_long(const void *addr)
{
	return *(const unsigned long *)addr;
}

void machine_put_fs_byte(unsigned long val, void *addr)
{
	*(unsigned char *)addr = (unsigned char)val;
}

void machine_put_fs_word(unsigned long val, void *addr)
{
	*(unsigned short *)addr = (unsigned short)val;
}

void machine_put_fs_long(unsigned long val, void *addr)
{
	*(unsigned long *)addr = val;
}
