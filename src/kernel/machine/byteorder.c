/*
 * Machine layer (tcp-close-debugger): byte order (include/asm/byteorder.h). i386 is
 * little-endian and the network big-endian: each conversion swaps the bytes.
 */
#include <asm/byteorder.h>

unsigned long int ntohl(unsigned long int x)
{
	return __constant_ntohl(x);
}

unsigned short int ntohs(unsigned short int x)
{
	return __constant_ntohs(x);
}

unsigned long int htonl(unsigned long int x)
{
	return __constant_ntohl(x);
}

unsigned short int htons(unsigned short int x)
{
	return __constant_ntohs(x);
}
