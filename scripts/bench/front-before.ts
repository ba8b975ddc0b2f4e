// The front end as it was before the loader (commit FRONT_BEFORE in scripts/bench/run.mjs, whose
// src/engine/front/ files run.mjs copies beside this driver's bundle): each release file
// preprocessed on its own (files read with readFileSync, as test/front/gcc-preprocess.test.ts does)
// and parsed afresh; `__signed__` left as it was (one syntax error a file). One fresh process:
// the first round cold, then ROUNDS warm; CPU time per phase, as scripts/bench/front.ts measures.
//
//   front-before.js FRONT_DIR ROUNDS      FRONT_DIR: the old src/engine/front/, copied

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { RELEASE_FILES } from '../../src/engine/front/kernel';
import { releaseRoot, machineIncludeDir, wasmPaths } from '../../src/host/node';

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const [frontDir, roundsArg = '5'] = process.argv.slice(2);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { preprocess } = require(join(frontDir, 'preprocess.js')) as typeof import('../../src/engine/front/preprocess');
  const release = releaseRoot();
  const machine = machineIncludeDir();
  const defines = { __KERNEL__: '1', __GNUC__: '2', __GNUC_MINOR__: '7', __i386__: '1', __linux__: '1', __OPTIMIZE__: '1' };
  const alias = (p: string): string => p.replace(/\/include\/asm\//, '/include/asm-i386/');
  const host = { exists: (p: string) => existsSync(alias(p)) && statSync(alias(p)).isFile(), read: (p: string) => ({ text: readFileSync(alias(p), 'latin1') }) };
  const c = cpu();
  const w = wasmPaths();
  await Parser.init({ wasmBinary: readFileSync(w.runtime) } as object);
  const parser = new Parser();
  parser.setLanguage(await Language.load(readFileSync(w.grammar)));
  const wasmCpuMs = cpu() - c;
  const rounds = [];
  for (let r = 0; r <= Number(roundsArg); r++) {
    const t0 = performance.now();
    const c0 = cpu();
    const texts = RELEASE_FILES.map((f) => preprocess(join(release, f), host, { includePaths: [machine, join(release, 'include'), join(release, 'net/inet')], defines }).text);
    const c1 = cpu();
    for (const text of texts) parser.parse(text)?.delete();
    const c2 = cpu();
    rounds.push({ preprocessMs: c1 - c0, parseMs: c2 - c1, cpuMs: c2 - c0, totalMs: performance.now() - t0, chars: texts.reduce((a, t) => a + t.length, 0), reused: 0 });
  }
  console.log(JSON.stringify({ mode: 'before', wasmCpuMs, cold: rounds[0], warm: rounds.slice(1) }));
}

main().then(
  () => process.stdout.write('', () => process.exit(0)),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
