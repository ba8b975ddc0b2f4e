/*
 * Machine layer (tcp-close-debugger): byte order (include/asm/byteorder.h). The release swaps
 * with inline assembly (xchgb, rorl) in the gnu89 `extern inline` functions __ntohl and __ntohs,
 * which its ntohl/ntohs/htonl/htons macros call for a value that is not constant (a constant is
 * swapped by the header's own C macros). i386 is little-endian, the network big-endian: each
 * swaps the bytes, in C.
 */
#include <asm/byteorder.h>

unsigned long int __ntohl(unsigned long int x)
{
	return __constant_ntohl(x);
}

unsigned short int __ntohs(unsigned short int x)
{
	return __constant_ntohs(x);
}
