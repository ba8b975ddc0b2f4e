// Figures for the new compiler (src/engine/cmachine): load time of the seven release files
// (preprocess, parse, declare, lay out, globals; bodies compile lazily), the time to compile every
// body, and statements per second on loop benchmarks with history on and off. Prints; asserts nothing.
//   npx tsx scripts/bench/cmachine.ts
import { History } from '../../src/engine/history';
import { Kernel } from '../../src/engine/cmachine/kernel';
import { call, compileC, machineFor } from '../../test/cmachine/harness';
import { releaseUnits } from '../../test/cmachine/release';
import { nodeCParser } from '../../src/host/node';

const LOOPS = `
struct sk { int state; unsigned long seq; unsigned short win; struct sk *next; };
struct sk socks[4];
int scalar_loop(int n) { int i, s = 0; for (i = 0; i < n; i++) { s += i * 3; if (s > 100000) s -= 100000; } return s; }
int memory_loop(int n) {
  int i; struct sk *p = socks;
  for (i = 0; i < n; i++) { p->seq += 536; p->win = (p->win + 1) & 0x7fff; if (p->seq > 4000000000UL) p->state++; p = &socks[i & 3]; }
  return socks[0].win;
}
int add(int a, int b) { return a + b; }
int call_loop(int n) { int i, s = 0; for (i = 0; i < n; i++) s = add(s, i) & 0xffff; return s; }
`;

void (async () => {
  const parse = await nodeCParser();
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    const units = releaseUnits();
    const t1 = performance.now();
    const k = new Kernel({ units, parse }).load();
    const t2 = performance.now();
    k.compileAll();
    const t3 = performance.now();
    console.log(`release load, round ${round + 1}: preprocess ${(t1 - t0).toFixed(0)} ms, parse ${k.timing.parse.toFixed(0)} ms, declare+layout ${k.timing.declare.toFixed(0)} ms, globals ${k.timing.globals.toFixed(0)} ms (load ${(t2 - t1).toFixed(0)} ms); compiling all ${k.functions.length} bodies ${(t3 - t2).toFixed(0)} ms`);
  }
  for (const record of [true, false]) {
    const H = new History({ record });
    const k = await compileC({ '/loops.c': LOOPS }, {}, H);
    for (const [name, n] of [['scalar_loop', 300000], ['memory_loop', 200000], ['call_loop', 100000]] as const) {
      const m = machineFor(k);
      call(k, name, [1000], m);
      const before = m.executed;
      const t0 = performance.now();
      call(k, name, [n], m, 1e9);
      const dt = (performance.now() - t0) / 1000;
      const stmts = m.executed - before;
      console.log(`${name} history ${record ? 'on ' : 'off'}: ${stmts} statements in ${(dt * 1000).toFixed(0)} ms = ${(stmts / dt / 1e6).toFixed(2)} M statements/s; history ${record ? ((H.approximateBytes() + k.mem.approximateBytes()) / H.stopCount).toFixed(1) + ' B/stop' : 'off'}`);
    }
  }
})();
