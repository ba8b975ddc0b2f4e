/*
 * Machine layer (tcp-close-debugger): kmalloc and kfree_s (linux/malloc.h), a simple allocator
 * of ours over one static arena. Blocks are handed out in order and never reused until the
 * machine boots again (machine_boot), so a freed sock keeps its last contents for the end
 * record; every block starts zeroed, so memory the kernel leaves unset reads 0 on every run (the
 * real kmalloc gave whatever the page held). Each block has a header: its size and whether it
 * is still allocated (machine_allocated tells).
 */
#include <linux/types.h>
#include <linux/malloc.h>
#include <linux/string.h>
#include "world.h"

#define ARENA_BYTES (4 * 1024 * 1024)
struct block { unsigned long size; unsigned long live; };

static unsigned long arena[ARENA_BYTES / sizeof(unsigned long)];
static unsigned long used;

void machine_kmalloc_reset(void)
{
	used = 0;
}

void * kmalloc(unsigned int size, int priority)
{
	struct block *b;
	unsigned long need = sizeof(struct block) + ((size + 7) & ~7UL);
	(void)priority;
	if (used + need > sizeof(arena)) {
		machine_fault("kmalloc: the machine's arena is full");
		return NULL;
	}
	b = (struct block *)((char *)arena + used);
	used += need;
	memset(b, 0, need);
	b->size = size;
	b->live = 1;
	return b + 1;
}

void kfree_s(void * obj, int size)
{
	struct block *b = (struct block *)obj - 1;
	(void)size;
	if (obj == NULL) return;
	if ((char *)obj < (char *)arena || (char *)obj >= (char *)arena + used || !b->live) {
		machine_fault("kfree_s: not an allocated block");
		return;
	}
	b->live = 0;
}

int machine_allocated(const void * obj)
{
	const struct block *b = (const struct block *)obj - 1;
	if ((const char *)obj < (const char *)arena || (const char *)obj >= (const char *)arena + used) return 0;
	return (int)b->live;
}
