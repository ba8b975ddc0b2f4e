// The shipped walkthrough: its steps are where its narration says on the unmodified 1.2.13
// release, it exports to the golden markdown (UPDATE_GOLDEN=1 rewrites it; a mismatch leaves
// .actual beside it), it survives an edited kernel (a copy of the release's tcp.c, edited: steps
// found again by line and hit), and the command line exports it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReleaseRun } from '../../src/host/load';
import { releaseNotesRun, type NotesRun } from '../../src/notes/notesRun';
import { exportRun, exportWalkthrough, excerpt } from '../../src/notes/export';
import { ensureStops, hitAt, stopOfHit } from '../../src/engine/hits';
import { inLanguage, languagesOf, locateStep, parseWalkthrough, serializeWalkthrough, walkthroughPathFor, type Walkthrough } from '../../src/notes/walkthroughFile';
import { walkthroughCommand } from '../../src/notes/cli';

const ROOT = join(__dirname, '..', '..');
const WALK = join(ROOT, 'examples', 'passive-close.walkthrough.json');
const SCENARIO = join(ROOT, 'examples', 'passive-close.tcpscenario');
const RELEASE_TCP = join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.c');
const GOLDEN = join(__dirname, 'passive-close.walkthrough.md');

/** A run of `scenario` on the release, as the notes read it. */
async function release(scenario = SCENARIO, kernelPath?: string): Promise<NotesRun> {
  const { run, text } = await loadReleaseRun({ scenarioPath: scenario, kernelPath });
  return releaseNotesRun(run, text);
}

function shipped(): Walkthrough {
  const r = parseWalkthrough(readFileSync(WALK, 'utf8'), WALK);
  if ('error' in r) throw new Error(`${r.error.line}:${r.error.column}: ${r.error.message}`);
  return r.walkthrough;
}

test('the shipped walkthrough: well formed, beside its scenario, every step where it says', async () => {
  const w = shipped();
  assert.equal(walkthroughPathFor(SCENARIO), WALK);
  assert.equal(serializeWalkthrough(w), readFileSync(WALK, 'utf8'), 'stored in the canonical form');
  assert.ok(w.steps.length >= 8);
  const run = await release();
  for (const s of w.steps) {
    assert.deepEqual(locateStep(run, s), { stop: s.stop, status: 'ok' }, `step at stop ${s.stop}`);
    assert.equal(hitAt(run, s.stop), s.hit);
    assert.ok(inLanguage(s.narration, 'en').length > 40);
  }
  const fns = w.steps.map((s) => s.function ?? 'event');
  for (const f of ['tcp_rcv', 'tcp_fin', 'tcp_set_state', 'tcp_data', 'tcp_close', 'tcp_close_state', 'tcp_send_fin', 'tcp_ack']) assert.ok(fns.includes(f), f);
  // the key moments: fin_seq, CLOSE_WAIT, LAST_ACK, CLOSE
  const at = (fn: string, text: string) => w.steps.find((s) => s.function === fn && s.text.includes(text));
  assert.ok(at('tcp_fin', 'sk->fin_seq ='));
  assert.equal(w.steps.filter((s) => s.function === 'tcp_set_state').map((s) => s.hit).join(','), '1,2');
  assert.ok(at('tcp_close_state', 'ns=TCP_LAST_ACK'));
  assert.ok(at('tcp_ack', 'tcp_set_state(sk,TCP_CLOSE)'));
  for (const n of ['1st', '2nd', '3rd', '4th']) assert.ok(w.steps.some((s) => inLanguage(s.narration, 'en').includes(`${n} handshake`)), n);
  run.dispose();
});

test('the shipped walkthrough in Simplified Chinese: every text in "en" and "zh-cn", the seed\'s order, the same code and numbers as the English', () => {
  const w = shipped();
  const CJK = /[\u4e00-\u9fff]/;
  for (const t of [w.title, w.description!, ...w.steps.map((s) => s.narration)]) {
    assert.deepEqual(languagesOf(t), ['en', 'zh-cn']);
    assert.match(inLanguage(t, 'zh-cn'), CJK);
    assert.doesNotMatch(inLanguage(t, 'en'), CJK);
  }
  const zh = w.steps.map((s) => inLanguage(s.narration, 'zh-cn'));
  // the seed's four headings, in its order: 第一次 … 第四次挥手, each on the step the English heads with its handshake
  const heads = [['1st', '第一次'], ['2nd', '第二次'], ['3rd', '第三次'], ['4th', '第四次']].map(([en, z]) => {
    const k = w.steps.findIndex((s) => inLanguage(s.narration, 'en').includes(`**${en} handshake`));
    assert.ok(k >= 0 && zh[k].includes(`**${z}挥手`), `${z}挥手 is not on the step of the ${en} handshake`);
    return k;
  });
  assert.deepEqual([...heads].sort((a, b) => a - b), heads);
  // tcp_close_state's table, every case label of the real switch, then the LAST_ACK block in tcp_ack
  const src = readFileSync(RELEASE_TCP, 'utf8');
  const body = src.slice(src.indexOf('static int tcp_close_state('), src.indexOf('tcp_set_state(sk,ns);'));
  const cases = [...body.matchAll(/case (TCP_\w+):/g)].map((m) => m[1]);
  assert.equal(cases.length, 9);
  const table = w.steps.findIndex((s) => s.function === 'tcp_close_state');
  for (const c of cases) assert.ok(zh[table].includes(`\`${c}\``), `the table lacks ${c}`);
  const lastAck = w.steps.findIndex((s) => s.function === 'tcp_ack');
  assert.ok(table < lastAck && zh[lastAck].includes('LAST_ACK'));
  // what the Chinese says of the code is what the English says: every `code` span and every number (not the ordinals) of the English is in it
  w.steps.forEach((s, i) => {
    const en = inLanguage(s.narration, 'en');
    for (const code of en.match(/`[^`]+`/g) ?? []) assert.ok(zh[i].includes(code), `step ${i + 1}: the Chinese lacks ${code}`);
    const numbers = (t: string): string[] => t.replace(/`[^`]+`/g, '').replace(/\b\d+(st|nd|rd|th)\b/g, '').match(/\d+(\.\d+)?/g) ?? [];
    for (const n of numbers(en)) assert.ok(numbers(zh[i]).includes(n), `step ${i + 1}: the Chinese lacks the number ${n}`);
  });
});

test('markdown export of the shipped walkthrough matches the golden file', async () => {
  const run = await release();
  const md = exportWalkthrough(run, shipped());
  run.dispose();
  const actual = GOLDEN.replace(/\.md$/, '.actual');
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
    writeFileSync(GOLDEN, md);
    rmSync(actual, { force: true });
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`no golden file: wrote ${GOLDEN}; check it and commit it`);
    return;
  }
  if (readFileSync(GOLDEN, 'utf8') !== md) {
    writeFileSync(actual, md);
    assert.fail(`the export differs from ${GOLDEN}; see ${actual}`);
  }
  rmSync(actual, { force: true });
  // readable without VS Code: no absolute paths, fenced C, tables
  assert.ok(!md.includes(ROOT));
  assert.match(md, /```c\n[\s\S]*?> 3723 {2}\s+sk->fin_seq = th->seq/);
  assert.match(md, /\| server \| `state` \| TCP_CLOSE_WAIT \(8\) \| TCP_LAST_ACK \(9\) \|/);
  assert.match(md, /\*\*Segments so far\*\*/);
});

test('an edited kernel: the steps are found again by their line and hit, not by stop number', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'walk-'));
  const kernel = join(dir, 'tcp.c');
  // a teacher adds a statement at the top of tcp_rcv (every later stop moves by one) and a comment above tcp_fin (lines move)
  const text = readFileSync(RELEASE_TCP, 'utf8')
    .replace('\tint syn_ok=0;\n', '\tint syn_ok=0;\n\tint extra=0;\n')
    .replace(/^static int tcp_fin\(.*\)$/m, (m) => `/* added by a reader */\n${m}`);
  writeFileSync(kernel, text);
  assert.notEqual(text, readFileSync(RELEASE_TCP, 'utf8'));
  // the steps name the release's lines; in the edited copy (run in its place) they are found by their text
  const run = await release(SCENARIO, kernel);
  const w = shipped();
  const fin = w.steps.find((s) => s.function === 'tcp_fin')!;
  const found = locateStep(run, fin);
  assert.equal(found.status, 'moved');
  const at = run.lineOf(found.stop);
  assert.equal(at.fn, 'tcp_fin');
  assert.equal(at.line, text.split('\n').findIndex((l) => l.trim() === fin.text) + 1);
  const second = w.steps.filter((s) => s.function === 'tcp_set_state')[1];
  const s2 = locateStep(run, second);
  assert.equal(run.lineOf(s2.stop).fn, 'tcp_set_state');
  assert.equal(hitAt(run, s2.stop), 2);
  const md = exportWalkthrough(run, w);
  assert.match(md, new RegExp(`this step was recorded at stop ${fin.stop}; the code changed and it is now stop \\d+`));
  run.dispose();
});

test('hits: the n-th time a line runs', async () => {
  const run = await release();
  const line = readFileSync(RELEASE_TCP, 'utf8').split('\n').findIndex((l) => l.trim() === 'sk->state=state;') + 1;
  // tcp_set_state's assignment: CLOSE_WAIT, LAST_ACK, CLOSE
  const stops = [1, 2, 3].map((h) => stopOfHit(run, RELEASE_TCP, line, h));
  assert.ok(stops.every((s) => s !== undefined));
  assert.deepEqual(stops.map((s) => hitAt(run, s!)), [1, 2, 3]);
  assert.equal(stopOfHit(run, RELEASE_TCP, line, 4), undefined);
  assert.ok(!ensureStops(run, 1e9));
  run.dispose();
});

test('whole-run export and excerpts', async () => {
  const run = await release();
  const md = exportRun(run, { title: 'passive close' });
  assert.match(md, /^# passive close\n/);
  assert.match(md, /TCP_LAST_ACK \(9\) \| TCP_CLOSE \(7\)/);
  assert.equal(excerpt('a\nb\nc\nd', 2, 1), '  1  a\n> 2  b\n  3  c');
  run.dispose();
});

test('whole-run export: a timer firing and a segment arriving are headed as what they are, not as a scenario line 0', async () => {
  const run = await release(join(ROOT, 'examples', 'four-way.tcpscenario'));
  const heads = exportRun(run, { title: 'four-way' })
    .split('\n')
    .filter((l) => l.startsWith('## '))
    .map((l) => l.replace(/^## \d+\. /, ''));
  run.dispose();
  assert.deepEqual(heads.filter((h) => /:0$/.test(h)), []);
  // the four segments between the linked sockets, each delivered by the wire
  assert.deepEqual(heads.filter((h) => h.startsWith('segment')), ['segment — from client to server', 'segment — from server to client', 'segment — from server to client', 'segment — from client to server']);
  // the client's TIME_WAIT ends with its MSL timer (TIME_CLOSE, then TIME_DONE)
  assert.ok(heads.filter((h) => h === "timer — client's `sk->timer` fires").length >= 2, heads.join('\n'));
});

test('command line: walkthrough export FILE.walkthrough.json -o out.md', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'walk-cli-'));
  const out = join(dir, 'out.md');
  const err: string[] = [];
  const code = await walkthroughCommand(['export', WALK, '-o', out], { out: () => {}, err: (s) => void err.push(s) });
  assert.equal(code, 0, err.join(''));
  assert.equal(readFileSync(out, 'utf8'), readFileSync(GOLDEN, 'utf8'));
  const bad = join(dir, 'bad.walkthrough.json');
  writeFileSync(bad, '{\n  "version": 1,\n  "title": "x",\n  "scenario": "a.tcpscenario"\n  "steps": []\n}\n');
  err.length = 0;
  assert.equal(await walkthroughCommand(['export', bad], { out: () => {}, err: (s) => void err.push(s) }), 2);
  assert.match(err.join(''), /bad\.walkthrough\.json:5:3: expected ',' or '}'/);
  assert.equal(await walkthroughCommand(['frobnicate'], { out: () => {}, err: () => {} }), 2);
});

test('command line: walkthrough export --lang zh-cn narrates in Chinese; English without it, whatever the locale', async () => {
  const w = shipped();
  const out: string[] = [];
  const io = { out: (s: string) => void out.push(s), err: (s: string) => void out.push(s) };
  assert.equal(await walkthroughCommand(['export', WALK, '--lang', 'zh-cn'], io), 0, out.join(''));
  const md = out.join('');
  assert.ok(md.startsWith(`# ${inLanguage(w.title, 'zh-cn')}\n`), md.slice(0, 100));
  for (const s of w.steps) assert.ok(md.includes(inLanguage(s.narration, 'zh-cn').trim()), `stop ${s.stop}`);
  assert.ok(!md.includes(inLanguage(w.steps[0].narration, 'en')));
  // zh_CN as a locale spells it; a language the file lacks falls back to English (the golden file)
  out.length = 0;
  assert.equal(await walkthroughCommand(['export', WALK, '--lang', 'zh_CN'], io), 0);
  assert.equal(out.join(''), md);
  out.length = 0;
  assert.equal(await walkthroughCommand(['export', WALK, '--lang', 'de'], io), 0);
  assert.equal(out.join(''), readFileSync(GOLDEN, 'utf8'));
  for (const bad of [['--lang'], ['--lang', 'chinese please']]) {
    out.length = 0;
    assert.equal(await walkthroughCommand(['export', WALK, ...bad], io), 2);
    assert.match(out.join(''), /--lang needs a language tag, like en or zh-cn/);
  }
});
