/*
 * Machine layer (tcp-close-debugger): <asm/byteorder.h>. The release's asm-i386/byteorder.h
 * swaps with inline assembly (xchgb, rorl, bswap); here the same swaps are C functions
 * (machine/byteorder.c). i386 is little-endian, as the release says.
 */
#ifndef _I386_BYTEORDER_H
#define _I386_BYTEORDER_H

#ifndef LITTLE_ENDIAN
#define LITTLE_ENDIAN 1234
#endif

#ifndef LITTLE_ENDIAN_BITFIELD
#define LITTLE_ENDIAN_BITFIELD
#endif

extern unsigned long int	ntohl(unsigned long int);
extern unsigned short int	ntohs(unsigned short int);
extern unsigned long int	htonl(unsigned long int);
extern unsigned short int	htons(unsigned short int);

#define __constant_ntohl(x) \
	((unsigned long int)((((unsigned long int)(x) & 0x000000ffU) << 24) | \
			     (((unsigned long int)(x) & 0x0000ff00U) <<  8) | \
			     (((unsigned long int)(x) & 0x00ff0000U) >>  8) | \
			     (((unsigned long int)(x) & 0xff000000U) >> 24)))
#define __constant_ntohs(x) \
	((unsigned short int)((((unsigned short int)(x) & 0x00ff) << 8) | \
			      (((unsigned short int)(x) & 0xff00) >> 8)))
#define __ntohl(x) ntohl(x)
#define __ntohs(x) ntohs(x)
#define __htonl(x) ntohl(x)
#define __htons(x) ntohs(x)
#define __constant_htonl(x) __constant_ntohl(x)
#define __constant_htons(x) __constant_ntohs(x)

#endif
