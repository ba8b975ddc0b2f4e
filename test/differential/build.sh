#!/bin/sh
# Build the differential-test harness: the reduced kernel C (src/kernel/tcp.c)
# compiled by gcc, with the natives of tcp.h implemented in plain C.
#   usage: test/differential/build.sh OUTPUT
#   run:   OUTPUT < test/differential/cases.txt
# Prefers an i386 build (gcc -m32). If that cannot be built or cannot run
# here (a kernel without IA32 emulation), it warns and builds a native
# 64-bit program in which harness.c compiles the kernel C with long as int.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: $0 OUTPUT}
if gcc -m32 -O0 -w -o "$out" "$here/harness.c" 2>/dev/null &&
   echo "" | "$out" >/dev/null 2>&1; then
	exit 0
fi
echo "build.sh: warning: gcc -m32 failed or its program cannot run here;" \
     "building a 64-bit harness (kernel C compiled with long as int)" >&2
gcc -O0 -w -no-pie -o "$out" "$here/harness.c"
