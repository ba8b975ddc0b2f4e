// Notes and walkthrough files: truncated, corrupted, or written by two windows. A file that does
// not parse is reported with file:line:column and left byte-identical (what the window holds goes
// to the recovered side file); two writers interleaving lose no note and no comment.
//
// Run: node --import tsx --test test/robust/notes-files.test.ts   (FUZZ_SCALE, FUZZ_SEED)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { NoteStore, parseNotes, serializeNotes, type Note, type NoteComment } from '../../src/notes/store';
import { parseWalkthrough } from '../../src/notes/walkthroughFile';
import { ROOT, SEED, Tally, scaled } from './common';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tcp-notes-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const comment = (id: string, body: string): NoteComment => ({ id, author: 'a', created: '2024-06-01T00:00:00.000Z', body });
const note = (id: string, line: number, comments: NoteComment[]): Note => ({ id, file: 'kernel:tcp.c', line, function: 'tcp_fin', text: 'sk->fin_seq = th->seq;', before: ['{'], after: ['}'], comments });

const VALID_NOTES = serializeNotes([
  note('n1', 1193, [comment('c1', 'fin_seq: **one past** the FIN'), comment('c2', 'ünïcödé and "quotes" and \\ backslash\nand a newline')]),
  note('n2', 1210, [comment('c3', 'CLOSE_WAIT')]),
  { ...note('n3', 12, [comment('c4', 'x')]), file: 'examples/passive-close.tcpscenario', function: undefined, at: { scenario: 'examples/passive-close.tcpscenario', hit: 2 } },
]);
const VALID_WALKTHROUGH = readFileSync(join(ROOT, 'examples', 'passive-close.walkthrough.json'), 'utf8');

const corruption = fc.oneof(
  fc.record({ k: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ k: fc.constant('replace' as const), at: fc.nat(), by: fc.oneof(fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', '\u0000', '\n', 'null', '-', '1e999', 'é', '\ud800'), fc.string({ maxLength: 3 })) }),
  fc.record({ k: fc.constant('insert' as const), at: fc.nat(), by: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }) }),
  fc.record({ k: fc.constant('deleteRange' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }),
);
type Corruption = typeof corruption extends fc.Arbitrary<infer T> ? T : never;
function corrupt(text: string, c: Corruption): string {
  const at = c.at % (text.length + 1);
  switch (c.k) {
    case 'truncate':
      return text.slice(0, at);
    case 'replace':
      return text.slice(0, at) + c.by + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + c.by + text.slice(at);
    case 'deleteRange':
      return text.slice(0, at) + text.slice(at + c.n);
  }
}

/** Asserts a parse error's place is inside the text. */
function assertPlace(e: { file: string; line: number; column: number; message: string }, file: string, text: string, what: string): void {
  const lines = text.split('\n');
  assert.equal(e.file, file, what);
  assert.ok(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines.length, `${what}: line ${e.line} of ${lines.length}`);
  assert.ok(Number.isInteger(e.column) && e.column >= 1 && e.column <= lines[e.line - 1].length + 1, `${what}: column ${e.column} of line ${e.line} (${lines[e.line - 1].length} chars)`);
  assert.ok(e.message.trim().length > 0, what);
}

const PATHOLOGICAL = ['', ' ', '\n', 'null', '[]', '{}', '"x"', '0', '{"version":1}', '{"version":1,"notes":{}}', '{"version":2,"notes":[]}', '\ufeff{"version":1,"notes":[]}', '['.repeat(20000), '{"a":'.repeat(20000), '['.repeat(20000) + ']'.repeat(20000), '"' + 'x'.repeat(1 << 20)];

test('a corrupted or truncated notes file is reported at line:column and kept byte-identical; the window’s notes go to the side file', () => {
  const tally = new Tally('notes files');
  const file = join(dir, '.vscode', 'tcp-close-notes.json');
  const check = (written: string) => {
    rmSync(join(dir, '.vscode'), { recursive: true, force: true });
    mkdirSync(join(dir, '.vscode'), { recursive: true });
    writeFileSync(file, written);
    // what is on disk (a lone surrogate is written as U+FFFD) is what every check is about
    const bytes = readFileSync(file);
    const text = bytes.toString('utf8');
    let parsed: ReturnType<typeof parseNotes>;
    try {
      parsed = parseNotes(text, file);
    } catch (e) {
      assert.fail(`parseNotes threw on ${JSON.stringify(text.slice(0, 200))}: ${(e as Error).message}`);
    }
    if ('notes' in parsed) {
      tally.add('still-valid');
      return;
    }
    assertPlace(parsed.error, file, text, JSON.stringify(text.slice(0, 200)));
    // the store: load reports, flush keeps the file and saves the window's notes beside it
    const store = new NoteStore(file);
    const err = store.load();
    assert.ok(err, 'load reports the error');
    assert.deepEqual(err, parsed.error);
    store.apply({ kind: 'putNote', note: note('nNew', 5, [comment('cNew', 'written while the file was broken')]) });
    const r = store.flush();
    assert.equal(r.kind, 'recovered');
    assert.ok(readFileSync(file).equals(bytes), 'the broken file is byte-identical');
    const rec = parseNotes(readFileSync(store.recoveredPath, 'utf8'), store.recoveredPath);
    assert.ok('notes' in rec && rec.notes.some((n) => n.id === 'nNew' && n.comments[0].id === 'cNew'), 'the new note is in the recovered file');
    tally.add('reported+kept');
  };
  for (const p of PATHOLOGICAL) check(p);
  fc.assert(fc.property(fc.array(corruption, { minLength: 1, maxLength: 3 }), (cs) => check(cs.reduce(corrupt, VALID_NOTES))), { seed: SEED, numRuns: scaled(1500) });
  tally.print();
  assert.ok(tally.get('reported+kept') > 100);
});

test('a corrupted or truncated walkthrough file is reported at line:column, never an exception', () => {
  const tally = new Tally('walkthrough files');
  const file = join(dir, 'x.walkthrough.json');
  const check = (text: string) => {
    let r: ReturnType<typeof parseWalkthrough>;
    try {
      r = parseWalkthrough(text, file);
    } catch (e) {
      assert.fail(`parseWalkthrough threw on ${JSON.stringify(text.slice(0, 200))}: ${(e as Error).message}`);
    }
    if ('walkthrough' in r) return void tally.add('still-valid');
    assertPlace(r.error, file, text, JSON.stringify(text.slice(0, 200)));
    tally.add('reported');
  };
  for (const p of PATHOLOGICAL) check(p);
  fc.assert(fc.property(fc.array(corruption, { minLength: 1, maxLength: 3 }), (cs) => check(cs.reduce(corrupt, VALID_WALKTHROUGH))), { seed: SEED + 1, numRuns: scaled(3000) });
  tally.print();
});

// ---- two windows ----

type Op = { w: 0 | 1; k: 'note' | 'comment' | 'deleteComment' | 'deleteNote' | 'flush' | 'load'; pick: number };
const opArb: fc.Arbitrary<Op> = fc.record({ w: fc.constantFrom(0 as const, 1 as const), k: fc.constantFrom('note', 'note', 'comment', 'comment', 'deleteComment', 'deleteNote', 'flush', 'flush', 'load'), pick: fc.nat() });

test('two windows interleaving edits, loads and saves lose no note and no comment', () => {
  const tally = new Tally('two writers (interleaved runs)');
  let run = 0;
  let opsTried = 0;
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.boolean(), (ops, startWithFile) => {
      const file = join(dir, `two-${run++}`, 'notes.json');
      if (startWithFile) {
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, VALID_NOTES);
      }
      const stores = [new NoteStore(file), new NoteStore(file)];
      stores.forEach((s) => s.load());
      // what must survive: every comment put and not deleted (each window deletes only its own)
      const alive = new Map<string, string>(); // comment id -> note id
      const initial = startWithFile ? (parseNotes(VALID_NOTES, file) as { notes: Note[] }).notes : [];
      for (const n of initial) for (const c of n.comments) alive.set(c.id, n.id);
      const mine: [Map<string, Note>, Map<string, Note>] = [new Map(), new Map()];
      let serial = 0;
      for (const op of ops) {
        const s = stores[op.w];
        const own = mine[op.w];
        const ids = [...own.keys()];
        switch (op.k) {
          case 'note': {
            const id = `n${op.w}_${serial++}`;
            const n = note(id, 1 + (op.pick % 2000), [comment(`c${op.w}_${serial++}`, `note of window ${op.w}`)]);
            s.apply({ kind: 'putNote', note: n });
            own.set(id, n);
            alive.set(n.comments[0].id, id);
            break;
          }
          case 'comment': {
            if (!ids.length) break;
            const n = own.get(ids[op.pick % ids.length])!;
            const c = comment(`c${op.w}_${serial++}`, 'a reply');
            s.apply({ kind: 'putComment', note: n, comment: c });
            alive.set(c.id, n.id);
            break;
          }
          case 'deleteComment': {
            const mineAlive = [...alive.entries()].filter(([cid, nid]) => cid.startsWith(`c${op.w}_`) && own.has(nid));
            if (!mineAlive.length) break;
            const [cid, nid] = mineAlive[op.pick % mineAlive.length];
            s.apply({ kind: 'deleteComment', noteId: nid, commentId: cid });
            alive.delete(cid);
            break;
          }
          case 'deleteNote': {
            if (!ids.length) break;
            const id = ids[op.pick % ids.length];
            s.apply({ kind: 'deleteNote', id });
            own.delete(id);
            for (const [cid, nid] of [...alive]) if (nid === id) alive.delete(cid);
            break;
          }
          case 'flush':
            s.flush();
            break;
          case 'load':
            s.load();
            break;
        }
      }
      stores[0].flush();
      stores[1].flush();
      const final = existsSync(file) ? parseNotes(readFileSync(file, 'utf8'), file) : { notes: [] };
      assert.ok('notes' in final, 'the file parses');
      const present = new Map<string, string>();
      for (const n of final.notes) for (const c of n.comments) present.set(c.id, n.id);
      for (const [cid, nid] of alive) assert.equal(present.get(cid), nid, `comment ${cid} of note ${nid} was lost (ops: ${JSON.stringify(ops)})`);
      for (const [cid] of present) assert.ok(alive.has(cid), `comment ${cid} was deleted but came back`);
      // and a window that loads now sees exactly the file
      const third = new NoteStore(file);
      assert.equal(third.load(), undefined);
      tally.add('no-loss');
      opsTried += ops.length;
    }),
    { seed: SEED + 2, numRuns: scaled(300) },
  );
  tally.print();
  console.log(`[robust] two writers: ${opsTried} edits, loads and saves interleaved`);
});

// NoteStore.flush reads, merges and renames under a lock file: without it, a save by the other
// process between this one's read and rename was overwritten (73–291 notes lost per run).
test('two processes saving notes to one file at the same time lose none', () => {
  // Two windows are two extension hosts: two processes that each read, merge and rename.
  const file = join(dir, 'race', 'notes.json');
  const n = scaled(150);
  const worker = `
    const { NoteStore } = require(${JSON.stringify(join(ROOT, 'src', 'notes', 'store.ts'))});
    const [file, w, n] = process.argv.slice(1);
    const s = new NoteStore(file);
    for (let i = 0; i < Number(n); i++) {
      s.apply({ kind: 'putNote', note: { id: 'n' + w + '_' + i, file: 'kernel:tcp.c', line: i + 1, text: '', before: [], after: [], comments: [{ id: 'c' + w + '_' + i, author: 'w' + w, created: '2024-06-01T00:00:00.000Z', body: 'x' }] } });
      s.flush();
    }`;
  mkdirSync(join(file, '..'), { recursive: true });
  const procs = [0, 1].map((w) => spawn(process.execPath, ['--import', 'tsx', '-e', worker, file, String(w), String(n)], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] }));
  return Promise.all(procs.map((p) => new Promise<number | null>((r) => p.on('exit', r)))).then((codes) => {
    assert.deepEqual(codes, [0, 0]);
    const final = parseNotes(readFileSync(file, 'utf8'), file);
    assert.ok('notes' in final);
    const ids = new Set(final.notes.map((x) => x.id));
    const lost = [0, 1].flatMap((w) => Array.from({ length: n }, (_, i) => `n${w}_${i}`)).filter((id) => !ids.has(id));
    console.log(`[robust] two processes, ${n} saves each: ${ids.size} of ${2 * n} notes in the file, ${lost.length} lost`);
    assert.deepEqual(lost, [], `${lost.length} notes lost by concurrent saves`);
  });
});

