import { loadRun } from './src/host/load';
import { buildSnapshot } from './src/debug/snapshot';
(async () => {
  const run = await loadRun({ scenarioPath: 'examples/passive-close.tcpscenario' });
  let prev; let s;
  for (let i = 0; i < 100; i++) { run.forward(); }
  s = buildSnapshot(run); console.log(JSON.stringify(s.sockets.server.writers), s.segments.length, s.currentSegment);
  const t0 = performance.now(); for (let i=0;i<100;i++) buildSnapshot(run, s); console.log('snapshot ms', (performance.now()-t0)/100);
})();
