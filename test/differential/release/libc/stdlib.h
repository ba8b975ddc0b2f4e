/* The interpreter's stand-in for the libc the gcc-only driver uses: prototypes of natives. */
#ifndef _TCD_STDLIB_H
#define _TCD_STDLIB_H
#ifndef NULL
#define NULL ((void *)0)
#endif
unsigned long strtoul(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);
void exit(int status);
#endif
