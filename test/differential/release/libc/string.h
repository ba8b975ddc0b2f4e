/* The interpreter's stand-in for the libc the gcc-only driver uses. The string functions are
 * the machine layer's (src/kernel/machine/string.c), as in the gcc link, where the machine's
 * definitions come before glibc's; strtok_r is a native. */
#ifndef _TCD_STRING_H
#define _TCD_STRING_H
#ifndef NULL
#define NULL ((void *)0)
#endif
typedef unsigned int size_t;
char *strcpy(char *d, const char *s);
char *strncpy(char *d, const char *s, size_t n);
char *strcat(char *d, const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlen(const char *s);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *s, int c, size_t n);
char *strtok_r(char *s, const char *delim, char **save);
#endif
