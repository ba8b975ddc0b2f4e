/*
 * Machine layer (tcp-close-debugger): printk, formatting into the machine's printk buffer (the
 * end record reports it, each line with the jiffies it was printed at). The conversions the
 * kernel's vsprintf has and these files use: %d %i %u %x %X %o %c %s %p and %%, with the flags
 * '-' and '0', a width, and h or l (long is 32 bits). %p prints <ptr>: an address is not the
 * same from one machine to another.
 */
#include <stdarg.h>
#include <linux/types.h>
#include <linux/string.h>
#include "world.h"

char machine_printk_buf[MACHINE_PRINTK_BYTES];
unsigned long machine_printk_len;
struct machine_printk_line machine_printk_lines[MACHINE_PRINTK_LINES];
int machine_printk_count;
static int line_open;

static void put(char c)
{
	if (machine_printk_len + 1 >= sizeof(machine_printk_buf)) return;
	if (!line_open && machine_printk_count < MACHINE_PRINTK_LINES) {
		machine_printk_lines[machine_printk_count].time = jiffies;
		machine_printk_lines[machine_printk_count].start = machine_printk_len;
		machine_printk_count++;
		line_open = 1;
	}
	machine_printk_buf[machine_printk_len++] = c;
	machine_printk_buf[machine_printk_len] = 0;
	if (c == '\n') line_open = 0;
}

void machine_printk_reset(void)
{
	machine_printk_len = 0;
	machine_printk_count = 0;
	machine_printk_buf[0] = 0;
	line_open = 0;
}

static void field(const char *s, int len, int width, int left, char pad)
{
	int i;
	if (!left) while (width-- > len) put(pad);
	for (i = 0; i < len; i++) put(s[i]);
	if (left) while (width-- > len) put(' ');
}

static void number(unsigned long v, int base, int upper, int neg, int width, int left, char pad)
{
	char tmp[16];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, len, i;
	do { tmp[n++] = digits[v % base]; v /= base; } while (v);
	len = n + neg;
	if (!left && pad == ' ') while (width-- > len) put(' ');
	if (neg) put('-');
	if (!left && pad == '0') while (width-- > len) put('0');
	for (i = n - 1; i >= 0; i--) put(tmp[i]);
	if (left) while (width-- > len) put(' ');
}

int printk(const char *fmt, ...)
{
	va_list ap;
	unsigned long before = machine_printk_len;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int left = 0, width = 0;
		char pad = ' ';
		if (*fmt != '%') { put(*fmt); continue; }
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-') left = 1;
			else if (*fmt == '0') pad = '0';
			else break;
		}
		while (*fmt >= '0' && *fmt <= '9') width = width * 10 + *fmt++ - '0';
		if (*fmt == 'l' || *fmt == 'h') fmt++;
		switch (*fmt) {
		case 'd': case 'i': {
			long v = va_arg(ap, long);
			number(v < 0 ? -(unsigned long)v : (unsigned long)v, 10, 0, v < 0, width, left, pad);
			break;
		}
		case 'u': number(va_arg(ap, unsigned long), 10, 0, 0, width, left, pad); break;
		case 'x': number(va_arg(ap, unsigned long), 16, 0, 0, width, left, pad); break;
		case 'X': number(va_arg(ap, unsigned long), 16, 1, 0, width, left, pad); break;
		case 'o': number(va_arg(ap, unsigned long), 8, 0, 0, width, left, pad); break;
		case 'c': { char c = (char)va_arg(ap, int); field(&c, 1, width, left, ' '); break; }
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s) s = "<NULL>";
			field(s, (int)strlen(s), width, left, ' ');
			break;
		}
		case 'p': (void)va_arg(ap, void *); field("<ptr>", 5, width, left, ' '); break;
		case '%': put('%'); break;
		case 0: fmt--; break;
		default: put('%'); put(*fmt); break;
		}
	}
	va_end(ap);
	return (int)(machine_printk_len - before);
}
