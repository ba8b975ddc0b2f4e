/*
 * Machine layer (tcp-close-debugger): user-space copies (include/asm/segment.h). The machine has
 * one flat address space: a user address is a kernel address, and %fs is a number kept here.
 */
#include <linux/types.h>
#include <linux/string.h>
#include <asm/segment.h>

static unsigned long machine_fs = USER_DS;

unsigned char get_user_byte(const char * addr) { return *(const unsigned char *)addr; }
unsigned short get_user_word(const short * addr) { return *(const unsigned short *)addr; }
unsigned long get_user_long(const int * addr) { return *(const unsigned long *)addr; }
void put_user_byte(char val, char * addr) { *addr = val; }
void put_user_word(short val, short * addr) { *addr = val; }
void put_user_long(unsigned long val, int * addr) { *(unsigned long *)addr = val; }
void memcpy_fromfs(void * to, const void * from, unsigned long n) { memcpy(to, from, n); }
void memcpy_tofs(void * to, const void * from, unsigned long n) { memcpy(to, from, n); }
unsigned long get_fs(void) { return machine_fs; }
unsigned long get_ds(void) { return KERNEL_DS; }
void set_fs(unsigned long val) { machine_fs = val; }
