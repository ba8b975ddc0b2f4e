// Loads the shipped Linux 1.2.13 files with the new compiler (a Node host over src/kernel).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { History } from '../../src/engine/history';
import { Kernel, type KernelOptions } from '../../src/engine/cmachine/kernel';
import { RELEASE_DEFINES, RELEASE_FILES, preprocessUnits } from '../../src/engine/cmachine/load';
import type { PPHost } from '../../src/engine/front/preprocess';
import { nodeCParser } from '../../src/host/node';

export const release = join(__dirname, '../../src/kernel/linux-1.2.13');
export const machineInclude = join(__dirname, '../../src/kernel/machine/include');
const aliasAsm = (p: string): string => p.replace(/\/include\/asm\//, '/include/asm-i386/');
export const releaseHost: PPHost = {
  exists: (p) => existsSync(aliasAsm(p)) && statSync(aliasAsm(p)).isFile(),
  read: (p) => ({ text: readFileSync(aliasAsm(p), 'latin1') }),
};
export const includePaths = [machineInclude, join(release, 'include'), join(release, 'net/inet')];

export function releaseUnits(files = RELEASE_FILES) {
  return preprocessUnits(files.map((f) => join(release, f)), releaseHost, { includePaths, defines: RELEASE_DEFINES });
}

export async function loadRelease(opts: Partial<KernelOptions> = {}, history = new History()): Promise<Kernel> {
  const parse = await nodeCParser();
  return new Kernel({ units: releaseUnits(), parse, history, ...opts }).load();
}
