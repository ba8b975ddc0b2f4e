/*
 * Machine layer (tcp-close-debugger): the user-space copies, for the release units compiled
 * inside machine files (tcp_entries.c, af_inet_entries.c, sock_entries.c, ip_entries.c).
 *
 * asm-i386/segment.h writes memcpy_fromfs, memcpy_tofs, get_fs_byte/word/long and
 * put_fs_byte/word/long as macros over `static inline` functions of %fs inline assembly (gcc 12
 * refuses some of it, "impossible constraints"; the interpreter refuses asm when reached). A
 * static function cannot be replaced by name from another file, but the macros can: this header
 * reads the release's segment.h first (its include guard then keeps the release file's own
 * #include from reading it again), and points the macro names at the machine's C functions
 * (usercopy.c). One flat address space: a user copy is a copy. The static inline functions
 * stay defined, unread.
 */
#ifndef MACHINE_USERCOPY_H
#define MACHINE_USERCOPY_H

#include <asm/segment.h>

void machine_memcpy_fromfs(void *to, const void *from, unsigned long n);
void machine_memcpy_tofs(void *to, const void *from, unsigned long n);
unsigned char machine_get_fs_byte(const void *addr);
unsigned short machine_get_fs_word(const void *addr);
unsigned long machine_get_fs_long(const void *addr);
void machine_put_fs_byte(unsigned long val, void *addr);
void machine_put_fs_word(unsigned long val, void *addr);
void machine_put_fs_long(unsigned long val, void *addr);

#undef memcpy_fromfs
#undef memcpy_tofs
#undef get_fs_byte
#undef get_fs_word
#undef get_fs_long
#undef put_fs_byte
#undef put_fs_word
#undef put_fs_long
#define memcpy_fromfs(to, from, n) machine_memcpy_fromfs((to), (from), (n))
#define memcpy_tofs(to, from, n) machine_memcpy_tofs((to), (from), (n))
#define get_fs_byte(addr) machine_get_fs_byte((const void *)(addr))
#define get_fs_word(addr) machine_get_fs_word((const void *)(addr))
#define get_fs_long(addr) machine_get_fs_long((const void *)(addr))
#define put_fs_byte(x, addr) machine_put_fs_byte((unsigned long)(x), (void *)(addr))
#define put_fs_word(x, addr) machine_put_fs_word((unsigned long)(x), (void *)(addr))
#define put_fs_long(x, addr) machine_put_fs_long((unsigned long)(x), (void *)(addr))

#endif
