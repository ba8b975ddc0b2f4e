// Notes written on the removed reduced port (keyed `kernel:tcp.c`, `kernel:tcp.h`) move onto the
// release's files by the text of their line: a real notes file of the old kind
// (test/fixtures/notes/reduced-port-notes.json, anchored on the reduced tcp.c and tcp.h as the
// extension wrote them) is loaded, moved and saved; the note whose line is not in the release stays,
// reported at its place in the saved file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NoteStore, NOTES_FILE, parseNotes, type Note } from '../../src/notes/store';
import { moveReducedNotes, noteAt, reanchorReduced } from '../../src/notes/migrate';
import { placeNotes } from '../../src/notes/view';

const ROOT = join(__dirname, '..', '..');
const OLD = join(ROOT, 'test', 'fixtures', 'notes', 'reduced-port-notes.json');
const KERNEL = join(ROOT, 'src', 'kernel');
const release = (name: string) => readFileSync(join(KERNEL, ...name.split('/')), 'utf8');
const TCP_C = release('linux-1.2.13/net/inet/tcp.c');
const lineOf = (text: string, s: string, from = 0) => text.split('\n').findIndex((l, i) => i >= from && l.trim() === s) + 1;

function oldNotes(): Note[] {
  const r = parseNotes(readFileSync(OLD, 'utf8'), OLD);
  if ('error' in r) throw new Error(r.error.message);
  return r.notes;
}

test('the reduced port\'s notes are placed on the release by the text of their line; one whose line is not there stays', () => {
  const notes = oldNotes();
  const r = reanchorReduced(notes, release);
  const byId = new Map(r.moved.map((n) => [n.id, n]));
  assert.deepEqual([...byId.keys()].sort(), ['n1fin', 'n2state', 'n3lastack', 'n5fin']);
  assert.deepEqual(r.unplaced.map((n) => n.id), ['n4reduced']);
  // tcp_fin's line, in the release's tcp_fin (the reduced port had it at 1193)
  const fin = byId.get('n1fin')!;
  assert.equal(fin.file, 'kernel:linux-1.2.13/net/inet/tcp.c');
  assert.equal(fin.line, lineOf(TCP_C, 'sk->fin_seq = th->seq + skb->len + th->syn + th->fin;'));
  assert.notEqual(fin.line, notes.find((n) => n.id === 'n1fin')!.line);
  assert.equal(fin.function, 'tcp_fin');
  assert.deepEqual(fin.comments, notes.find((n) => n.id === 'n1fin')!.comments);
  // the moment it is tied to is kept; the line is tcp_set_state's, in the release
  const state = byId.get('n2state')!;
  assert.deepEqual(state.at, { scenario: 'examples/passive-close.tcpscenario', hit: 2 });
  assert.equal(state.function, 'tcp_set_state');
  assert.equal(TCP_C.split('\n')[state.line - 1].trim(), 'sk->state=state;');
  // the context is the release's now: the note is found there again as it stands
  assert.deepEqual(placeNotes([fin, state], TCP_C, true).map((p) => [p.how, p.line]), [
    ['same', fin.line],
    ['same', state.line],
  ]);
  // tcp.h's note goes to the release's net/inet/tcp.h
  const h = byId.get('n5fin')!;
  assert.equal(h.file, 'kernel:linux-1.2.13/net/inet/tcp.h');
  assert.match(release('linux-1.2.13/net/inet/tcp.h').split('\n')[h.line - 1], /^#define MAX_FIN_SIZE\s+40 \+ MAX_HEADER/);
  // notes on the user's own files are not touched
  assert.ok(!r.moved.some((n) => n.id === 'n6own') && !r.unplaced.some((n) => n.id === 'n6own'));
});

test('a workspace\'s old notes file: moved and saved, the note that stays reported at its file:line:col, nothing lost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'notes-reduced-'));
  const path = join(dir, NOTES_FILE);
  mkdirSync(dirname(path), { recursive: true });
  copyFileSync(OLD, path);
  const store = new NoteStore(path, undefined, dir);
  assert.equal(store.load(), undefined);
  const report = moveReducedNotes(store, release, () => readFileSync(path, 'utf8'));
  assert.ok(report);
  assert.equal(report.moved, 4);
  const saved = readFileSync(path, 'utf8');
  assert.equal(report.unplaced.length, 1);
  const u = report.unplaced[0];
  assert.equal(u.note.id, 'n4reduced');
  // where the note that stays is written in the saved file
  assert.equal(u.file, path);
  const lines = saved.split('\n');
  assert.match(lines[u.line - 1].slice(u.column - 1), /^"id": "n4reduced"/);
  assert.deepEqual(noteAt(u.note, path, saved), u);
  // the saved file holds every note: four moved, one kept as it was, the user's own untouched
  const again = new NoteStore(path, undefined, dir);
  assert.equal(again.load(), undefined);
  const files = Object.fromEntries(again.notes.map((n) => [n.id, n.file]));
  assert.deepEqual(files, {
    n1fin: 'kernel:linux-1.2.13/net/inet/tcp.c',
    n2state: 'kernel:linux-1.2.13/net/inet/tcp.c',
    n3lastack: 'kernel:linux-1.2.13/net/inet/tcp.c',
    n4reduced: 'kernel:tcp.c',
    n5fin: 'kernel:linux-1.2.13/net/inet/tcp.h',
    n6own: 'examples/passive-close.tcpscenario',
  });
  assert.deepEqual(again.notes.find((n) => n.id === 'n4reduced'), oldNotes().find((n) => n.id === 'n4reduced'));
  // moving again finds only the note that stays, and moves nothing
  const second = moveReducedNotes(again, release, () => readFileSync(path, 'utf8'));
  assert.equal(second?.moved, 0);
  assert.deepEqual(second?.unplaced.map((x) => x.note.id), ['n4reduced']);
  assert.equal(readFileSync(path, 'utf8'), saved);
  // a store with no notes on the reduced port: nothing to do
  const none = new NoteStore(join(mkdtempSync(join(tmpdir(), 'notes-none-')), NOTES_FILE));
  none.load();
  assert.equal(moveReducedNotes(none, release, () => ''), undefined);
});
