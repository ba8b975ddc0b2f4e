/* The interpreter's stand-in for the libc the gcc-only driver uses (gcc builds it with glibc):
 * prototypes only; the functions are natives of the interpreter's differential harness. */
#ifndef _TCD_STDIO_H
#define _TCD_STDIO_H
#ifndef NULL
#define NULL ((void *)0)
#endif
typedef struct _tcd_file FILE;
extern FILE *stdin, *stdout, *stderr;
char *fgets(char *s, int n, FILE *f);
int printf(const char *fmt, ...);
int fprintf(FILE *f, const char *fmt, ...);
int snprintf(char *s, unsigned int n, const char *fmt, ...);
int putchar(int c);
int fflush(FILE *f);
#endif
