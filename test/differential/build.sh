#!/bin/sh
# Build the gcc side of the differential test: driver.c (the driver protocol) over a machine
# layer and the kernel C, for i386. There is no 64-bit fallback: the kernel C is i386 code.
#   usage: test/differential/build.sh OUTPUT FIELDS_H [MACHINE [KERNEL_C]]
#     FIELDS_H  the generated X-macro lists of sock fields (the test writes it)
#     MACHINE   the machine layer, default test/differential/machine.c (the reduced port)
#     KERNEL_C  the kernel C the machine layer includes, default src/kernel/tcp.c
#   run:   qemu-i386 OUTPUT < cases.protocol
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: $0 OUTPUT FIELDS_H [MACHINE [KERNEL_C]]}
fields=${2:?usage: $0 OUTPUT FIELDS_H [MACHINE [KERNEL_C]]}
machine=${3:-$here/machine.c}
kernel=${4:-$here/../../src/kernel/tcp.c}
if ! command -v qemu-i386 >/dev/null 2>&1; then
	echo "build.sh: qemu-i386 is missing: this machine runs the i386 build under qemu-i386 (Debian: apt-get install qemu-user)" >&2
	exit 3
fi
if ! echo 'int main(void){return 0;}' | gcc -m32 -x c -o "$out.probe" - 2>"$out.probe.err"; then
	echo "build.sh: gcc -m32 cannot build an i386 program (Debian: apt-get install gcc-multilib):" >&2
	cat "$out.probe.err" >&2
	exit 3
fi
rm -f "$out.probe" "$out.probe.err"
exec gcc -m32 -O0 -w -I"$here" -DMACHINE="\"$machine\"" -DKERNEL_C="\"$kernel\"" -DFIELDS_H="\"$fields\"" \
	-o "$out" "$here/driver.c"
