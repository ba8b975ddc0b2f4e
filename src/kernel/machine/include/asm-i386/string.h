/*
 * Machine layer (tcp-close-debugger): <asm/string.h>. The release's asm-i386/string.h defines
 * the string functions as inline i386 assembly (and its strings run over raw newlines, which
 * only gcc 2.x accepted). linux/string.h declares them; machine/string.c defines them in C.
 */
#ifndef _I386_STRING_H_
#define _I386_STRING_H_
#endif
