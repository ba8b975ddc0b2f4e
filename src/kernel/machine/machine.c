/*
 * Machine layer (tcp-close-debugger): the machine's own C files compiled as one translation unit
 * (a unity build). Each of them includes most of the same kernel headers (linux/sched.h,
 * linux/skbuff.h, sock.h...), which their include guards then read once here: a launch parses and
 * declares some 345 KB of preprocessed headers less than with each file a unit of its own. The
 * files keep their names and lines (every location names them); none defines a static name
 * another one does. The files that compile a release file inside them (the *_entries.c files,
 * timers.c) stay units of their own, as the release's files are, and so do those that define the
 * assembly headers' functions (bitops.c, byteorder.c, system.c, usercopy.c) and the absent
 * functions declared without prototypes (absent_functions.c).
 */
#include "world.c"
#include "absent.c"
#include "net.c"
#include "kmalloc.c"
#include "printk.c"
#include "clock.c"
#include "string.c"
