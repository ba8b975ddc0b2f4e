/*
 * Machine layer (tcp-close-debugger): the string functions of asm-i386/string.h, in C. The
 * release has them as gnu89 `extern inline` functions of i386 assembly; these definitions, of
 * the same names and results, are the ones called (gcc: each is a definition after the header's
 * inline one, as a library copy is; the interpreter takes a machine definition over the
 * release's). strnlen, which linux/string.h declares, was lib/string.c's.
 */
#include <linux/types.h>
#include <linux/string.h>

char * ___strtok = NULL;

char * strcpy(char * dest, const char * src)
{
	char *d = dest;
	while ((*d++ = *src++) != 0)
		;
	return dest;
}

char * strncpy(char * dest, const char * src, size_t count)
{
	char *d = dest;
	while (count && (*d = *src) != 0) { d++; src++; count--; }
	while (count) { *d++ = 0; count--; }
	return dest;
}

char * strcat(char * dest, const char * src)
{
	strcpy(dest + strlen(dest), src);
	return dest;
}

char * strncat(char * dest, const char * src, size_t count)
{
	char *d = dest + strlen(dest);
	while (count && *src) { *d++ = *src++; count--; }
	*d = 0;
	return dest;
}

int strcmp(const char * cs, const char * ct)
{
	while (*cs && *cs == *ct) { cs++; ct++; }
	return (signed char)(*cs - *ct) < 0 ? -1 : *cs != *ct;
}

int strncmp(const char * cs, const char * ct, size_t count)
{
	while (count && *cs && *cs == *ct) { cs++; ct++; count--; }
	if (!count) return 0;
	return (signed char)(*cs - *ct) < 0 ? -1 : *cs != *ct;
}

char * strchr(const char * s, int c)
{
	for (;; s++) {
		if (*s == (char)c) return (char *)s;
		if (!*s) return NULL;
	}
}

char * strrchr(const char * s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c) last = s;
		if (!*s) return (char *)last;
	}
}

size_t strlen(const char * s)
{
	const char *p = s;
	while (*p) p++;
	return p - s;
}

size_t strnlen(const char * s, size_t count)
{
	const char *p = s;
	while (count-- && *p) p++;
	return p - s;
}

size_t strspn(const char * cs, const char * ct)
{
	size_t n = 0;
	while (cs[n] && strchr(ct, cs[n])) n++;
	return n;
}

char * strpbrk(const char * cs, const char * ct)
{
	for (; *cs; cs++)
		if (strchr(ct, *cs)) return (char *)cs;
	return NULL;
}

char * strstr(const char * cs, const char * ct)
{
	size_t n = strlen(ct);
	for (; *cs; cs++)
		if (!strncmp(cs, ct, n)) return (char *)cs;
	return n ? NULL : (char *)cs;
}

char * strtok(char * s, const char * ct)
{
	char *start, *end;
	if (!s) s = ___strtok;
	if (!s) return NULL;
	start = s + strspn(s, ct);
	if (!*start) { ___strtok = NULL; return NULL; }
	end = strpbrk(start, ct);
	if (end) { *end = 0; ___strtok = end + 1; }
	else ___strtok = NULL;
	return start;
}

/* memcpy is a macro of asm/string.h: __constant_memcpy for a constant count, else __memcpy */
void * __memcpy(void * to, const void * from, size_t n)
{
	char *d = to;
	const char *s = from;
	while (n--) *d++ = *s++;
	return to;
}

void * __constant_memcpy(void * to, const void * from, size_t n)
{
	return __memcpy(to, from, n);
}

void * memmove(void * dest, const void * src, size_t n)
{
	char *d = dest;
	const char *s = src;
	if (d < s) while (n--) *d++ = *s++;
	else { d += n; s += n; while (n--) *--d = *--s; }
	return dest;
}

int memcmp(const void * cs, const void * ct, size_t count)
{
	const unsigned char *a = cs, *b = ct;
	for (; count; count--, a++, b++)
		if (*a != *b) return *a < *b ? -1 : 1;
	return 0;
}

void * memchr(const void * cs, int c, size_t count)
{
	const unsigned char *p = cs;
	for (; count; count--, p++)
		if (*p == (unsigned char)c) return (void *)p;
	return NULL;
}

/* memset is a macro of asm/string.h over these two: a byte, or a constant byte times 0x01010101 */
void * __memset_generic(void * s, char c, size_t count)
{
	char *p = s;
	while (count--) *p++ = c;
	return s;
}

void * __constant_c_and_count_memset(void * s, unsigned long pattern, size_t count)
{
	return __memset_generic(s, (char)pattern, count);
}

/* the first byte c in addr[0..size), or addr + size (the release's memscan) */
void * memscan(void * addr, int c, size_t size)
{
	unsigned char *p = addr;
	while (size && *p != (unsigned char)c) { p++; size--; }
	return p;
}
