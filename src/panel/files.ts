// Which files the panel may open in the editor (`reveal`): the session's scenario and the kernel C
// it runs, nothing else. Pure path logic, no VS Code import.

import * as path from 'node:path';

/** The files of a session from its launch configuration (the attribute names the adapter accepts). */
export function sessionFiles(config: Record<string, unknown>, workspaceFolder: string | undefined, shippedKernels: string[]): { scenario?: string; kernels: string[] } {
  const str = (...keys: string[]) => {
    for (const k of keys) if (typeof config[k] === 'string' && config[k]) return config[k] as string;
    return undefined;
  };
  const abs = (p: string) => (path.isAbsolute(p) ? path.normalize(p) : path.resolve(workspaceFolder ?? process.cwd(), p));
  const scenario = str('scenario', 'program');
  // (`kernel` names which kernel runs, `release`: not a file)
  const kernel = str('kernelSource', 'kernelPath');
  return { scenario: scenario ? abs(scenario) : undefined, kernels: kernel ? [abs(kernel)] : shippedKernels.map((k) => path.normalize(k)) };
}

export class AllowedFiles {
  private readonly files = new Set<string>();

  constructor(private readonly caseInsensitive = process.platform === 'win32') {}

  private key(file: string): string {
    const k = path.resolve(file);
    return this.caseInsensitive ? k.toLowerCase() : k;
  }

  add(file: string | undefined): void {
    if (file && path.isAbsolute(file)) this.files.add(this.key(file));
  }

  has(file: string): boolean {
    return path.isAbsolute(file) && this.files.has(this.key(file));
  }
}
