// Measures how long the panel takes from receiving a stop to painting it, in headless Chromium,
// over 200 snapshots of a two-socket scenario (four-way if present, else passive-close): once
// stepping (consecutive stops) and once scrubbing (stops spread over the whole run).
// Run: node scripts/build.mjs && npx tsx scripts/bench-panel.ts   (prints figures; not a test)

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch, median, openPanel, recordSnapshots, root, serveFixture } from '../test/panel/harness';
import type { StopSnapshot } from '../src/common/protocol';

const N = 200;

async function main(): Promise<void> {
  if (!existsSync(join(root, 'media/dist/panel.js'))) throw new Error('build first: node scripts/build.mjs');
  const scenario = existsSync(join(root, 'examples/four-way.tcpscenario')) ? 'examples/four-way.tcpscenario' : 'examples/passive-close.tcpscenario';
  const all = await recordSnapshots(scenario);
  const last = all.length - 1;
  const runs: [string, StopSnapshot[]][] = [
    ['stepping', all.slice(0, N).map((s) => ({ ...s, stopCount: all.length }))],
    ['scrubbing', Array.from({ length: N }, (_, i) => ({ ...all[Math.round((i * last) / (N - 1))], stopCount: all.length }))],
  ];
  const fixture = await serveFixture();
  const browser = await launch();
  try {
    console.log(`${scenario}: ${all.length} stops, ${Object.keys(all[0].sockets).length} sockets; ${N} snapshots per run, one at a time (each painted before the next)`);
    for (const [name, stops] of runs) {
      const p = await openPanel(browser, fixture);
      await p.send({ type: 'session', name: 'bench', sockets: Object.keys(all[0].sockets), scenario });
      await p.showStop(stops[0]); // warm-up: builds the page
      await p.page.evaluate(() => (globalThis as any).performance.clearMeasures());
      for (const s of stops) await p.showStop(s);
      // (no named function inside: tsx would wrap it in a helper the page does not have)
      const m = await p.page.evaluate(() => ({
        paint: (globalThis as any).performance.getEntriesByName('stop-to-paint').map((e: any) => e.duration as number) as number[],
        render: (globalThis as any).performance.getEntriesByName('stop-render').map((e: any) => e.duration as number) as number[],
      }));
      const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * f))];
      console.log(
        `${name.padEnd(9)} stop-to-paint median ${median(m.paint).toFixed(2)} ms, p90 ${q(m.paint, 0.9).toFixed(2)} ms, max ${Math.max(...m.paint).toFixed(2)} ms (n=${m.paint.length}); ` +
          `DOM update (stop-render) median ${median(m.render).toFixed(3)} ms, max ${Math.max(...m.render).toFixed(2)} ms`,
      );
      if (p.errors.length) console.log('page errors:', p.errors.map((e) => e.message));
      await p.page.context().close();
    }
  } finally {
    await browser.close();
    await fixture.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
