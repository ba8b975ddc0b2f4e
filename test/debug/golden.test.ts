// Golden transcripts: each example in examples/ stepped with `next` (stepBy line) from entry to
// end; the stops (kind, function, line, changed fields) are compared with test/debug/golden/.
// UPDATE_GOLDEN=1 rewrites them; a mismatch leaves <example>.actual beside the golden file.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ROOT, connect, startServer } from './harness';

const EXAMPLES = join(ROOT, 'examples');
const GOLDEN = join(__dirname, 'golden');
const MAX_STOPS = 2000;

let server: Awaited<ReturnType<typeof startServer>>;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.close();
});

async function transcript(file: string): Promise<string> {
  const c = await connect(server.port);
  const out: string[] = [];
  const seen = new Set<number>();
  try {
    let stopped = await c.launch({ scenario: file, stepBy: 'line' });
    for (let i = 0; ; i++) {
      const snap = (await c.next('tcpClose/stop')).body;
      const where = snap.fn ? `${snap.fn} ${basename(snap.file)}:${snap.line}` : snap.line ? `${basename(snap.file)}:${snap.line}` : snap.item;
      out.push(`#${snap.index} [${snap.clock}j] ${snap.kind} ${snap.socket || '-'} ${where} (${stopped.body.reason}${stopped.body.text ? `: ${stopped.body.text}` : ''})`);
      for (const ch of snap.changed) out.push(`    ${ch.socket}.${ch.field}: ${ch.before} -> ${ch.after}`);
      for (const s of snap.segments) {
        if (seen.has(s.id)) continue;
        seen.add(s.id);
        out.push(`    segment ${s.from} -> ${s.to}: ${s.flags} seq=${s.seq} ack=${s.ack}${s.len ? ` len=${s.len}` : ''}${s.dropped ? ' (dropped)' : ''}`);
      }
      if (snap.kind === 'end' || snap.kind === 'error' || i > MAX_STOPS) break;
      stopped = await c.step('next');
    }
  } finally {
    await c.close();
  }
  c.assertValid();
  return out.join('\n') + '\n';
}

const examples = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((f) => f.endsWith('.tcpscenario')).sort() : [];

for (const name of examples) {
  test(`golden transcript: ${name}`, async () => {
    const text = await transcript(join(EXAMPLES, name));
    const golden = join(GOLDEN, name.replace(/\.tcpscenario$/, '.txt'));
    const actual = golden.replace(/\.txt$/, '.actual');
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) {
      writeFileSync(golden, text);
      rmSync(actual, { force: true });
      if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`no golden transcript for ${name}: wrote ${golden}; check it and commit it`);
      return;
    }
    if (readFileSync(golden, 'utf8') !== text) {
      writeFileSync(actual, text);
      assert.fail(`${name}: the transcript differs from ${golden}; see ${actual}`);
    }
    rmSync(actual, { force: true });
  });
}
