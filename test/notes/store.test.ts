// The notes file: round trip, stable diff-friendly output, atomic writes, corrupt files reported
// with line:column and never overwritten, two windows writing at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOp, atomicWrite, jsonErrorAt, lineColumn, NoteStore, NOTES_FILE, parseNotes, RECOVERED_NAME, serializeNotes, type Note, type WriteFs } from '../../src/notes/store';

const tmp = () => mkdtempSync(join(tmpdir(), 'notes-'));

function note(id: string, file: string, line: number, body = `note ${id}`, extra: Partial<Note> = {}): Note {
  return {
    id,
    file,
    line,
    text: `line ${line}`,
    before: [`line ${line - 1}`],
    after: [`line ${line + 1}`],
    comments: [{ id: `c-${id}`, author: 'ann', created: '2024-05-01T10:00:00.000Z', body }],
    ...extra,
  };
}

test('round trip: what is written parses back to the same notes, and the same bytes', () => {
  const notes = [
    note('n2', 'kernel:tcp.c', 1193, 'fin_seq: **one past** the FIN', { function: 'tcp_fin', at: { scenario: 'examples/four-way.tcpscenario', hit: 2 } }),
    note('n1', 'examples/passive-close.tcpscenario', 8, 'the FIN\n\nwith `code`'),
  ];
  notes[1].comments.push({ id: 'c9', author: 'bob', created: '2024-05-02T00:00:00.000Z', edited: '2024-05-03T00:00:00.000Z', body: 'a reply' });
  const text = serializeNotes(notes);
  const back = parseNotes(text, 'x.json');
  assert.ok('notes' in back);
  assert.equal(serializeNotes(back.notes), text);
  const byId = Object.fromEntries(back.notes.map((n) => [n.id, n]));
  assert.deepEqual(byId.n2, notes[0]);
  assert.deepEqual(byId.n1, notes[1]);
});

test('stable, diff-friendly output: sorted by file then line, fixed key order, one line per field', () => {
  const a = note('b', 'kernel:tcp.c', 900);
  const b = note('a', 'kernel:tcp.c', 150, 'x', { function: 'tcp_set_state' });
  const c = note('c', 'examples/a.tcpscenario', 3);
  // keys given in a scrambled order must come out in the fixed one
  const scrambled = JSON.parse(JSON.stringify({ comments: b.comments, text: b.text, line: b.line, id: b.id, after: b.after, file: b.file, before: b.before, function: b.function }));
  const one = serializeNotes([a, scrambled, c]);
  const two = serializeNotes([c, a, b]);
  assert.equal(one, two);
  const parsed = JSON.parse(one);
  assert.deepEqual(parsed.notes.map((n: Note) => n.id), ['c', 'a', 'b']);
  assert.deepEqual(Object.keys(parsed), ['version', 'notes']);
  assert.deepEqual(Object.keys(parsed.notes[1]), ['id', 'file', 'line', 'function', 'text', 'before', 'after', 'comments']);
  assert.deepEqual(Object.keys(parsed.notes[1].comments[0]), ['id', 'author', 'created', 'body']);
  assert.ok(one.endsWith('}\n'));
  assert.match(one, /\n {6}"line": 150,\n/);
  // adding one note changes only lines of that note: the others' text is untouched
  const three = serializeNotes([c, a, b, note('d', 'kernel:tcp.c', 500)]);
  for (const chunk of one.split('    },\n')) if (chunk.includes('"id": "a"')) assert.ok(three.includes(chunk.slice(chunk.indexOf('"id"'))));
});

test('parse errors carry line and column, for syntax and for content', () => {
  const cases: [string, number, number, RegExp][] = [
    ['{\n  "version": 1,\n  "notes": [\n    { "id": "a", }\n  ]\n}\n', 4, 18, /property name/],
    ['{\n  "version": 1,\n  "notes": [x]\n}', 3, 13, /expected a value/],
    ['{\n  "version": 1,\n  "notes": [\n', 4, 1, /end of the file/],
    ['{"version": 1, "notes": [] } }', 1, 30, /after the end/],
    ['{\n  "version": 1,\n  "notes": [\n    { "id": "n1", "file": "a.c", "line": 0, "text": "", "before": [], "after": [], "comments": [] }\n  ]\n}\n', 4, 13, /"line" must be/],
    ['{\n  "version": 2,\n  "notes": []\n}', 2, 3, /"version" must be 1/],
  ];
  for (const [text, line, column, message] of cases) {
    const r = parseNotes(text, 'notes.json');
    assert.ok('error' in r, text);
    assert.equal(`${r.error.line}:${r.error.column}`, `${line}:${column}`, text);
    assert.match(r.error.message, message);
  }
  assert.equal(jsonErrorAt('{"a": [1, 2, {"b": "c"}]}'), undefined);
  assert.deepEqual(lineColumn('ab\ncd\nef', 7), { line: 3, column: 2 });
});

test('atomic writes: no temporary file is left; a failed write leaves the original intact', () => {
  const dir = tmp();
  const path = join(dir, 'notes.json');
  atomicWrite(path, 'first\n');
  atomicWrite(path, 'second\n');
  assert.equal(readFileSync(path, 'utf8'), 'second\n');
  assert.deepEqual(readdirSync(dir), ['notes.json']);
  // a disk that fails half way through the write
  const failing: WriteFs = {
    ...fs,
    writeSync: (fd: number, data: string) => {
      fs.writeSync(fd, data.slice(0, 3));
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    },
  };
  assert.throws(() => atomicWrite(path, 'third, much longer\n', failing), /ENOSPC/);
  assert.equal(readFileSync(path, 'utf8'), 'second\n');
  assert.deepEqual(readdirSync(dir), ['notes.json']);
  // a rename that fails
  const noRename: WriteFs = { ...fs, renameSync: () => { throw new Error('EXDEV'); } };
  assert.throws(() => atomicWrite(path, 'fourth\n', noRename), /EXDEV/);
  assert.equal(readFileSync(path, 'utf8'), 'second\n');
  assert.deepEqual(readdirSync(dir), ['notes.json']);
});

test('the store saves to .vscode/tcp-close-notes.json and reads it back', () => {
  const dir = tmp();
  const path = join(dir, NOTES_FILE);
  const s = new NoteStore(path);
  assert.equal(s.load(), undefined);
  assert.equal(s.notes.length, 0);
  assert.equal(s.flush().kind, 'unchanged');
  assert.ok(!existsSync(path), 'no empty file is created');
  s.apply({ kind: 'putNote', note: note('n1', 'kernel:tcp.c', 10) });
  assert.equal(s.flush().kind, 'written');
  const again = new NoteStore(path);
  again.load();
  assert.deepEqual(again.notes, s.notes);
  // edit, reply, delete the comment (the note goes with its last comment)
  again.apply({ kind: 'putComment', note: again.notes[0], comment: { id: 'c2', author: 'bob', created: '2024-01-01T00:00:00.000Z', body: 'reply' } });
  again.apply({ kind: 'putComment', note: again.notes[0], comment: { ...again.notes[0].comments[0], body: 'edited', edited: '2024-01-02T00:00:00.000Z' } });
  again.flush();
  s.load();
  assert.deepEqual(s.notes[0].comments.map((c) => c.body), ['edited', 'reply']);
  s.apply({ kind: 'deleteComment', noteId: 'n1', commentId: 'c-n1' });
  s.apply({ kind: 'deleteComment', noteId: 'n1', commentId: 'c2' });
  assert.equal(s.notes.length, 0);
  s.flush();
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).notes, []);
});

test('a corrupt file is reported with line:column and left untouched; new notes go to the side file, then merge once it is fixed', () => {
  const dir = tmp();
  const path = join(dir, NOTES_FILE);
  const good = serializeNotes([note('old', 'a.c', 5)]);
  const corrupt = good.replace('"line": 5,', '"line": 5');
  fs.mkdirSync(join(dir, '.vscode'));
  writeFileSync(path, corrupt);
  const s = new NoteStore(path);
  const err = s.load();
  assert.ok(err);
  assert.equal(err.file, path);
  assert.equal(`${err.line}:${err.column}`, '8:7'); // where the missing comma was expected: before "text"
  assert.match(err.message, /expected ',' or '}'/);
  s.apply({ kind: 'putNote', note: note('new', 'a.c', 9) });
  const r = s.flush();
  assert.equal(r.kind, 'recovered');
  assert.equal(readFileSync(path, 'utf8'), corrupt, 'the corrupt file is never overwritten');
  const side = join(dir, '.vscode', RECOVERED_NAME);
  assert.ok(r.kind === 'recovered' && r.recovered === side);
  assert.deepEqual(JSON.parse(readFileSync(side, 'utf8')).notes.map((n: Note) => n.id), ['new']);
  // the user fixes the file: the next write merges the kept note into it
  writeFileSync(path, good);
  assert.equal(s.flush().kind, 'written');
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).notes.map((n: Note) => n.id), ['old', 'new']);
  assert.ok(!readdirSync(join(dir, '.vscode')).some((f) => f.endsWith('.tmp')));
});

test('two windows writing: each write re-reads the file and merges by note id', () => {
  const dir = tmp();
  const path = join(dir, NOTES_FILE);
  const a = new NoteStore(path);
  const b = new NoteStore(path);
  a.load();
  a.apply({ kind: 'putNote', note: note('shared', 'kernel:tcp.c', 100) });
  a.flush();
  b.load();
  // both change things without seeing the other's change
  a.apply({ kind: 'putNote', note: note('fromA', 'kernel:tcp.c', 200) });
  a.apply({ kind: 'putComment', note: a.notes[0], comment: { id: 'ra', author: 'a', created: '2024-01-01T00:00:00.000Z', body: 'reply from A' } });
  b.apply({ kind: 'putNote', note: note('fromB', 'examples/x.tcpscenario', 1) });
  b.apply({ kind: 'putComment', note: b.notes[0], comment: { id: 'rb', author: 'b', created: '2024-01-01T00:00:01.000Z', body: 'reply from B' } });
  a.flush();
  b.flush();
  const onDisk = parseNotes(readFileSync(path, 'utf8'), path);
  assert.ok('notes' in onDisk);
  assert.deepEqual(onDisk.notes.map((n) => n.id).sort(), ['fromA', 'fromB', 'shared']);
  assert.deepEqual(onDisk.notes.find((n) => n.id === 'shared')!.comments.map((c) => c.id), ['c-shared', 'ra', 'rb']);
  // a deletes a note that b replies to meanwhile: the reply keeps the note alive (nothing written is lost)
  a.load();
  b.load();
  a.apply({ kind: 'deleteNote', id: 'fromA' });
  b.apply({ kind: 'putComment', note: b.notes.find((n) => n.id === 'fromA')!, comment: { id: 'late', author: 'b', created: '2024-01-02T00:00:00.000Z', body: 'late reply' } });
  a.flush();
  b.flush();
  a.load();
  assert.deepEqual(a.notes.find((n) => n.id === 'fromA')?.comments.map((c) => c.id), ['late']);
  assert.deepEqual(applyOp(a.notes, { kind: 'deleteNote', id: 'nope' }).length, a.notes.length);
});
