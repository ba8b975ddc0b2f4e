/*
 * Machine layer (tcp-close-debugger): <stdarg.h> comes with the compiler, not with the kernel.
 * linux/kernel.h includes it for printk's prototype; printk itself is a native of the machine
 * layer, so only the type is needed. The macros are the classic i386 ones (arguments on the stack).
 */
#ifndef _STDARG_H
#define _STDARG_H
typedef char *va_list;
#define va_start(ap, last) ((ap) = (char *)&(last) + sizeof(last))
#define va_arg(ap, type) (*(type *)(((ap) += sizeof(type)) - sizeof(type)))
#define va_end(ap) ((void)0)
#endif
