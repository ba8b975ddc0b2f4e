// The C front end on the release's seven files (src/engine/front/load.ts), one fresh process per
// measurement (scripts/bench/run.mjs runs this file's bundle and reads the JSON line it prints):
// tree-sitter's wasm loaded, then the first load (cold: nothing compiled by the JIT yet), then
// ROUNDS more loads (warm), each a new session as a launch has. The preprocess and parse figures
// are CPU time (steady on a shared machine), the whole load's also wall-clock.
//
//   front session|separate [ROUNDS]   session: the loader as it runs (one preprocessing session for
//                                     the seven files, each tree reusing the previous one);
//                                     separate: each file preprocessed on its own and parsed afresh

import { nodeCParser, loadReleaseFront } from '../../src/host/node';

/** this process's CPU time (every thread: the JIT's and the collector's too), in ms */
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const [mode = 'session', roundsArg = '5'] = process.argv.slice(2);
  const separate = mode === 'separate';
  const t = performance.now();
  const c = cpu();
  await nodeCParser();
  const wasmMs = performance.now() - t;
  const wasmCpuMs = cpu() - c;
  const rounds: { preprocessMs: number; parseMs: number; totalMs: number; cpuMs: number; chars: number; reused: number }[] = [];
  for (let r = 0; r <= Number(roundsArg); r++) {
    const t0 = performance.now();
    const c0 = cpu();
    const files = await loadReleaseFront({ options: { clock: cpu, ...(separate ? { reuseTrees: false } : {}) }, separateSessions: separate });
    const cpuMs = cpu() - c0;
    const totalMs = performance.now() - t0;
    if (files.some((f) => f.diagnostics.length)) throw new Error(`diagnostics: ${files.flatMap((f) => f.diagnostics).slice(0, 3).map((d) => `${d.file}:${d.line}: ${d.message}`).join('; ')}`);
    rounds.push({
      preprocessMs: files.reduce((a, f) => a + f.timing.preprocessMs, 0),
      parseMs: files.reduce((a, f) => a + f.timing.parseMs, 0),
      totalMs,
      cpuMs,
      chars: files.reduce((a, f) => a + f.text.length, 0),
      reused: files.reduce((a, f) => a + f.reused, 0),
    });
    for (const f of files) f.tree.delete();
  }
  console.log(JSON.stringify({ mode, wasmMs, wasmCpuMs, cold: rounds[0], warm: rounds.slice(1) }));
}

main().then(
  () => process.stdout.write('', () => process.exit(0)),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
