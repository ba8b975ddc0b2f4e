/*
 * Machine layer (tcp-close-debugger): kmalloc and kfree_s (linux/malloc.h), a simple allocator
 * of ours over one static arena. Blocks are handed out in order; a freed block goes on the free
 * list of its size and the next kmalloc of that size takes it back (the last freed first), so a
 * long run's buffers, each freed once sent or acknowledged, reuse the same few blocks instead of
 * filling the arena. A sock's block is never reused (kept until the machine boots again,
 * machine_boot): a freed sock keeps its last contents for the end record, and the world still
 * tells it freed when a scenario calls on it. Every block starts zeroed, reused or not, so memory
 * the kernel leaves unset reads 0 on every run (the real kmalloc gave whatever the page held).
 * Each block has a header: its size and whether it is still allocated (machine_allocated tells).
 */
#include <linux/types.h>
#include <linux/malloc.h>
#include <linux/string.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include "ip.h"
#include "protocol.h"
#include "sock.h"
#include "world.h"

#define ARENA_BYTES (4 * 1024 * 1024)
struct block { unsigned long size; unsigned long live; };

static unsigned long arena[ARENA_BYTES / sizeof(unsigned long)];
static unsigned long used;

/*
 * The free lists: one per block size (header included), each a chain through the freed blocks'
 * first payload word, the last freed first. A size not among them when its block is freed, with
 * every list in use, is not reused.
 */
#define FREE_LISTS 64
static unsigned long free_need[FREE_LISTS];
static struct block *free_head[FREE_LISTS];
static int free_lists;

/* a sock's block size: never on a free list */
#define SOCK_NEED (sizeof(struct block) + ((sizeof(struct sock) + 7) & ~7UL))

void machine_kmalloc_reset(void)
{
	used = 0;
	free_lists = 0;
}

static int free_list_of(unsigned long need)
{
	int i;
	for (i = 0; i < free_lists; i++)
		if (free_need[i] == need) return i;
	return -1;
}

void * kmalloc(unsigned int size, int priority)
{
	struct block *b;
	unsigned long need = sizeof(struct block) + ((size + 7) & ~7UL);
	int list = free_list_of(need);
	(void)priority;
	if (list >= 0 && free_head[list]) {
		b = free_head[list];
		free_head[list] = *(struct block **)(b + 1);
	} else {
		if (used + need > sizeof(arena)) {
			machine_fault("kmalloc: the machine's arena is full");
			return NULL;
		}
		b = (struct block *)((char *)arena + used);
		used += need;
	}
	memset(b, 0, need);
	b->size = size;
	b->live = 1;
	return b + 1;
}

void kfree_s(void * obj, int size)
{
	struct block *b = (struct block *)obj - 1;
	unsigned long need;
	int list;
	(void)size;
	if (obj == NULL) return;
	if ((char *)obj < (char *)arena || (char *)obj >= (char *)arena + used || !b->live) {
		machine_fault("kfree_s: not an allocated block");
		return;
	}
	b->live = 0;
	need = sizeof(struct block) + ((b->size + 7) & ~7UL);
	/* a sock is kept; a block too small to hold the chain's link is not reused */
	if (need == SOCK_NEED || need < sizeof(struct block) + sizeof(struct block *)) return;
	list = free_list_of(need);
	if (list < 0) {
		if (free_lists == FREE_LISTS) return;
		list = free_lists++;
		free_need[list] = need;
		free_head[list] = NULL;
	}
	*(struct block **)obj = free_head[list];
	free_head[list] = b;
}

int machine_allocated(const void * obj)
{
	const struct block *b = (const struct block *)obj - 1;
	if ((const char *)obj < (const char *)arena || (const char *)obj >= (const char *)arena + used) return 0;
	return (int)b->live;
}
