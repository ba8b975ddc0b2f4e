// Differential test: the kernel C compiled by gcc for i386 (run under qemu-i386) and the same C
// run by our interpreter, fed the same cases through the driver protocol
// (test/differential/protocol.ts), must produce the same record per case: every integer field
// of struct sock the C writes (the list is read from the kernel source), both timers, the
// queues' contents (every skb on each sk_buff_head and in each skb pointer), every segment sent
// or injected (from, to, time, flags, seq, ack, len, window, dropped), printk's output, the clock
// and the last call's return value.
//
// The cases: cases.txt (one sock, every state × every entry point), scenarios.txt (multi-event
// cases, most of them on two linked sockets) and every example in examples/.
//
// To run the unmodified 1.2.13 files, change the inputs (INPUTS in differential/gcc.ts: the
// kernel C both sides compile and the machine layer the gcc side links), not the driver, the
// protocol or the comparison.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRun } from '../src/host/load';
import { INPUTS, REDUCED_EXAMPLES, exampleCases, fieldsOf, gccOutcomes, scenarioFileCases } from './differential/gcc';
import { interpretProtocol } from './differential/interpreter';
import { serialise, singleCallCases } from './differential/protocol';

const here = join(__dirname, 'differential');
const ROOT = join(__dirname, '..');

export interface Difference {
  path: string;
  ours: unknown;
  gcc: unknown;
}

/** Where two records differ (`sockets[client].fields.state`, with both values). */
export function differences(a: unknown, b: unknown, path = ''): Difference[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: Difference[] = [];
    if (a.length !== b.length) out.push({ path: `${path}.length`, ours: a.length, gcc: b.length });
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const key = (a[i] as { name?: string })?.name ?? i;
      out.push(...differences(a[i], b[i], `${path}[${key}]`));
    }
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differences((a as any)[k], (b as any)[k], path ? `${path}.${k}` : k));
  }
  return a === b ? [] : [{ path, ours: a, gcc: b }];
}

/**
 * Departures of the interpreter found by this test and not mended here (outside this test's
 * scope), each matched exactly: any other difference fails, and so does an entry that no longer
 * matches anything (mend the interpreter, then delete the entry).
 */
const KNOWN: { why: string; matches: (d: Difference) => boolean }[] = [];

test('the interpreter and the i386 gcc build agree on whole socks, every segment and printk', async (t) => {
  const started = Date.now();
  const run = await loadRun({ scenarioPath: join(ROOT, 'examples', 'passive-close.tcpscenario'), kernelPath: INPUTS.kernel });
  const { report, header, written } = await fieldsOf(run);
  // the list comes from the source: the fields the close path is about must be in it
  for (const f of ['state', 'shutdown', 'fin_seq', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'dead', 'keepopen', 'timeout', 'ip_xmit_timeout', 'retransmits', 'rto', 'inuse', 'err'])
    assert.ok(report.ints.includes(f), `the written-field list read from the kernel source lacks ${f}: ${written.join(' ')}`);
  assert.deepEqual([[...report.timers].sort(), [...report.queues].sort()], [['retransmit_timer', 'timer'], ['back_log', 'receive_queue']]);
  assert.ok(report.skbs.includes('partial'), `skb pointers of struct sock: ${report.skbs}`);

  const resolve = (n: string) => run.prog.constants.get(n);
  const single = singleCallCases(resolve);
  const multi = scenarioFileCases(run);
  // the reduced port's gcc build runs the examples as written for it (examples/ teach the release)
  const examples = exampleCases(run, REDUCED_EXAMPLES);
  const cases = [...single, ...multi, ...examples];
  assert.ok(single.length > 100, `expected the full single-call list, found ${single.length}`);
  assert.ok(multi.length >= 10, `expected the multi-event cases of scenarios.txt, found ${multi.length}`);
  const protocol = serialise(cases);

  const t0 = Date.now();
  const gcc = gccOutcomes(protocol, header);
  const gccMs = Date.now() - t0;
  const t1 = Date.now();
  const reached = new Set<string>();
  const ours = interpretProtocol(run, protocol, report, reached);
  const oursMs = Date.now() - t1;
  assert.equal(gcc.length, cases.length, 'the gcc driver printed one record per case');

  const mismatches: string[] = [];
  const known = new Map<string, number>();
  ours.forEach((o, i) => {
    const d = differences(o, gcc[i]).filter((x) => {
      const k = KNOWN.find((e) => e.matches(x));
      if (k) known.set(k.why, (known.get(k.why) ?? 0) + 1);
      return !k;
    });
    const show = (x: Difference) => `${x.path}: interpreter ${JSON.stringify(x.ours)}, gcc ${JSON.stringify(x.gcc)}`;
    if (d.length) mismatches.push(`${cases[i].name}: ${d.slice(0, 8).map(show).join('; ')}${d.length > 8 ? ` (+${d.length - 8} more)` : ''}`);
  });
  for (const k of KNOWN) {
    if (!known.has(k.why)) mismatches.push(`a known departure no longer shows (delete it from KNOWN): ${k.why}`);
    else t.diagnostic(`known departure, ${known.get(k.why)} values: ${k.why}`);
  }
  const segments = gcc.reduce((n, o) => n + o.segments.length, 0);
  const printk = gcc.reduce((n, o) => n + o.printk.length, 0);
  const queued = gcc.reduce((n, o) => n + o.sockets.reduce((k, s) => k + Object.values(s.queues).reduce((q, l) => q + l.length, 0), 0), 0);
  t.diagnostic(
    `${cases.length} cases (${single.length} single calls, ${multi.length} multi-event, ${examples.length} examples), ` +
      `${report.ints.length} sock fields + ${report.timers.length} timers + ${report.queues.length} queues + ${report.skbs.length} skb pointers per sock, ` +
      `${segments} segments, ${printk} printk lines, ${queued} queued skbs compared; gcc build+run ${gccMs} ms, interpreter ${oursMs} ms, whole test ${Date.now() - started} ms`,
  );
  // the cases reach the loops the issue named (found in the source by their text, not by line number)
  const source = readFileSync(INPUTS.kernel, 'utf8').split('\n');
  const lineAfter = (marker: string, target: string) => {
    const from = source.findIndex((l) => l.includes(marker));
    const at = source.findIndex((l, i) => i > from && l.includes(target));
    assert.ok(from >= 0 && at > from, `the kernel source has no '${target}' after '${marker}'`);
    return `${INPUTS.kernel}:${at + 1}`;
  };
  for (const [what, marker, target] of [
    ["tcp_data's loop over later queued segments (the wrong-skb tcp_fin)", 'for(skb2 = skb->next;', 'tcp_fin(skb,sk,skb->h.th)'],
    ["tcp_close_pending's loop body", 'static void tcp_close_pending', 'skb->sk->dead=1'],
    ["tcp_send_partial's loop body", 'static void tcp_send_partial', 'tcp_send_skb(sk, skb)'],
  ])
    assert.ok(reached.has(lineAfter(marker, target)), `no case reaches ${what}`);
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${cases.length} cases differ (interpreter vs gcc):\n${mismatches.join('\n')}`);
  run.dispose();
});

test('without qemu-i386 or 32-bit gcc libraries the build fails and says what to install (no 64-bit fallback)', () => {
  const bin = mkdtempSync(join(tmpdir(), 'tcp-diff-path-'));
  try {
    // a PATH holding a shell and a gcc that cannot build for -m32, and no qemu-i386
    for (const tool of ['sh', 'cat', 'rm', 'dirname']) symlinkSync(execSync(`command -v ${tool}`, { shell: '/bin/sh', encoding: 'utf8' }).trim(), join(bin, tool));
    writeFileSync(join(bin, 'gcc'), '#!/bin/sh\necho "/usr/bin/ld: cannot find -lgcc: No such file or directory" >&2\nexit 1\n', { mode: 0o755 });
    const build = () => spawnSync(join(bin, 'sh'), [join(here, 'build.sh'), join(bin, 'driver'), join(bin, 'fields.h')], { encoding: 'utf8', env: { PATH: bin } });
    let r = build();
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /qemu-i386 is missing.*apt-get install qemu-user/);
    writeFileSync(join(bin, 'qemu-i386'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    r = build();
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /gcc -m32 cannot build an i386 program \(Debian: apt-get install gcc-multilib\)/);
    assert.match(r.stderr, /cannot find -lgcc/);
    assert.ok(!existsSync(join(bin, 'driver')), 'no program was built');
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
