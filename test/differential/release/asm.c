/*
 * The gcc side of the release's differential test: what the build makes of each inline assembly
 * statement of the release (gcc.ts, buildRelease: `__asm__(...)` becomes machine_asm with the
 * statement's text, file and line). gcc 12 refuses some of the release's assembly, and what it
 * accepts could not run as written in user space (cli and sti are privileged). The interpreter
 * runs the same statements with natives by the macro they are written through
 * (src/engine/world/cpu.ts); here:
 *   - the interrupt flag's four (cli, sti, save_flags' "pushfl ; popl %0", restore_flags'
 *     "pushl %0 ; popfl") do nothing: no interrupt comes on this machine, so nothing reads the
 *     flag (the interpreter keeps it in machine_eflags, machine/system.c, for the Variables view;
 *     the record does not hold it);
 *   - anything else is a machine fault naming the file and line of the statement: the close path
 *     never runs it, and a run that does says so.
 */
#include <stdio.h>
#include <string.h>

void machine_fault(const char *text);

static int starts(const char *text, const char *with)
{
	return strncmp(text, with, strlen(with)) == 0;
}

void machine_asm(const char *text, const char *file, int line)
{
	static char fault[160][256];
	static int faults;
	if (starts(text, "\"cli\"") || starts(text, "\"sti\"") || starts(text, "\"pushfl ; popl %0\"") || starts(text, "\"pushl %0 ; popfl\""))
		return;
	if (faults < 160) {
		snprintf(fault[faults], sizeof fault[faults], "inline assembly at %s:%d is not run by the machine", file, line);
		machine_fault(fault[faults++]);
	} else machine_fault("inline assembly is not run by the machine");
}
