/*
 * Machine layer (tcp-close-debugger): net/inet/ip.c, compiled here whole and unmodified,
 * inside this file, so that it sees the machine's user-space copies (usercopy.h: the release's
 * asm-i386/segment.h read first, its macro names then pointed at machine C functions).
 */
#include "usercopy.h"

#include "../linux-1.2.13/net/inet/ip.c"
