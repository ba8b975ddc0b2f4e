// Anchoring notes to lines of the real kernel source: after lines are inserted above, after the
// line itself changes, after it is deleted (orphaned), after its function moves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { functionAt, functionExtents, makeAnchor, reattach, similarity, splitLines } from '../../src/notes/anchor';
import { keysFor, notesAtMoment, placeNotes } from '../../src/notes/view';
import type { Note } from '../../src/notes/store';

const ROOT = join(__dirname, '..', '..');
const TCP = readFileSync(join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.c'), 'utf8');
const RELEASE_TCP = TCP;
const LINES = splitLines(TCP);
const lineOf = (text: string, lines = LINES, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(text)) + 1;
const anchorAt = (text: string) => makeAnchor(LINES, lineOf(text), functionExtents(TCP));
const edit = (f: (lines: string[]) => void) => {
  const l = [...LINES];
  f(l);
  return l.join('\n');
};

test('function extents by a light scan: every function of tcp.c, from its name to its closing brace', () => {
  const ex = functionExtents(TCP);
  const names = ex.map((e) => e.name);
  for (const n of ['tcp_set_state', 'tcp_close_state', 'tcp_send_fin', 'tcp_close', 'tcp_ack', 'tcp_fin', 'tcp_data', 'tcp_rcv', 'tcp_send_check', 'tcp_time_wait']) assert.ok(names.includes(n), n);
  // each extent starts at the line of its name: the inline asm's strings that run on over lines (tcp_send_check) do not shift the count
  for (const e of ex) assert.ok(LINES[e.start - 1].includes(e.name), `${e.name} starts at line ${e.start}: ${LINES[e.start - 1]}`);
  const fin = ex.find((e) => e.name === 'tcp_fin')!;
  assert.match(LINES[fin.start - 1], /^static int tcp_fin\(/);
  assert.equal(LINES[fin.end - 1], '}');
  assert.equal(functionAt(ex, lineOf('sk->fin_seq = th->seq + skb->len'))?.name, 'tcp_fin');
  assert.equal(functionAt(ex, 1), undefined, 'the license comment is in no function');
  // prototypes, structs and initializers are not functions
  const other = functionExtents('struct a { int x; };\nint f(int);\nint g(void)\n{\n  if (x) { y(); }\n}\nstatic int t[2] = { 1, 2 };\n#define M(x) { x }\n');
  assert.deepEqual(other, [{ name: 'g', start: 3, end: 6 }]);
});

test('a note records the function, the trimmed line and its context', () => {
  const a = anchorAt('sk->fin_seq = th->seq + skb->len');
  assert.equal(a.function, 'tcp_fin');
  assert.equal(a.text, 'sk->fin_seq = th->seq + skb->len + th->syn + th->fin;');
  assert.deepEqual(a.before, ['static int tcp_fin(struct sk_buff *skb, struct sock *sk, struct tcphdr *th)', '{']);
  assert.deepEqual(a.after, ['', 'if (!sk->dead)']);
});

test('unchanged file: the same line', () => {
  const a = anchorAt('tcp_set_state(sk,TCP_CLOSE_WAIT);');
  assert.deepEqual(reattach(a, TCP), { line: a.line, how: 'same', score: 1 });
});

test('lines inserted above: the note follows its line', () => {
  const a = anchorAt('tcp_set_state(sk,TCP_CLOSE_WAIT);');
  const text = edit((l) => l.splice(10, 0, '/* one */', '/* two */', '/* three */'));
  assert.deepEqual(reattach(a, text), { line: a.line + 3, how: 'exact', score: 1 });
  // and lines inserted inside the function, just above it
  const inside = edit((l) => l.splice(a.line - 2, 0, '\t\t\t/* a teacher\'s remark */'));
  assert.equal(reattach(a, inside).line, a.line + 1);
});

test('equal lines (`break;`): the one with the same context, in the same function', () => {
  const fin = functionExtents(TCP).find((e) => e.name === 'tcp_fin')!;
  const second = lineOf('break;', LINES, lineOf('sk->shutdown = SHUTDOWN_MASK;', LINES, fin.start)) ;
  const a = makeAnchor(LINES, second, functionExtents(TCP));
  assert.equal(a.text, 'break;');
  const text = edit((l) => l.splice(fin.start + 2, 0, '', '', '', '', '', '', '', '', '', ''));
  const r = reattach(a, text);
  assert.equal(r.how, 'exact');
  assert.equal(r.line, second + 10);
});

test('the line changed: found again by similarity within the function', () => {
  const a = anchorAt('sk->fin_seq = th->seq + skb->len');
  const text = edit((l) => {
    l[a.line - 1] = '\tsk->fin_seq = th->seq + skb->len + th->fin;   /* syn dropped */';
    l.splice(5, 0, '');
  });
  const r = reattach(a, text);
  assert.equal(r.how, 'fuzzy');
  assert.equal(r.line, a.line + 1);
  assert.ok(r.score > 0.6 && r.score < 1);
});

test('the line deleted: the note is orphaned (kept, not attached elsewhere)', () => {
  for (const t of ['sk->fin_seq = th->seq + skb->len', 'tcp_set_state(sk,TCP_CLOSE_WAIT);', 'send_fin=1;', 'sk->write_seq++;']) {
    const a = anchorAt(t);
    const text = edit((l) => {
      // every line with this text goes
      for (let i = l.length - 1; i >= 0; i--) if (l[i].trim() === a.text) l.splice(i, 1);
    });
    assert.equal(reattach(a, text).how, 'orphaned', t);
  }
});

test('the function moved to another place in the file: its line is found there', () => {
  const a = anchorAt('ns=TCP_LAST_ACK;');
  const ex = functionExtents(TCP);
  const f = ex.find((e) => e.name === 'tcp_close_state')!;
  const text = edit((l) => {
    const body = l.splice(f.start - 1, f.end - f.start + 1);
    l.push('', ...body);
  });
  const r = reattach(a, text);
  assert.equal(r.how, 'exact');
  assert.equal(splitLines(text)[r.line! - 1].trim(), 'ns=TCP_LAST_ACK;');
  assert.equal(functionAt(functionExtents(text), r.line!)?.name, 'tcp_close_state');
});

test('the function was renamed: the line is still found anywhere in the file', () => {
  const a = anchorAt('ns=TCP_LAST_ACK;');
  const text = TCP.replace(/tcp_close_state/g, 'tcp_next_state');
  const r = reattach(a, text);
  assert.equal(r.how, 'file-exact');
  assert.equal(r.line, a.line);
});

test('similarity', () => {
  assert.equal(similarity('a  b', 'a b'), 1);
  assert.ok(similarity('tcp_set_state(sk,TCP_CLOSE);', 'tcp_set_state(sk,TCP_CLOSE_WAIT);') > 0.8);
  assert.ok(similarity('break;', 'sk->state=state;') < 0.3);
});

test('keys: the shipped tcp.c is kernel:linux-1.2.13/net/inet/tcp.c, in any copy with the same text; an edited copy shows its own and the kernel notes', () => {
  const K = 'kernel:linux-1.2.13/net/inet/tcp.c';
  const shipped = [{ name: 'linux-1.2.13/net/inet/tcp.h', text: '#define _TCP_H\n' }, { name: 'linux-1.2.13/net/inet/tcp.c', text: RELEASE_TCP }];
  assert.deepEqual(keysFor({ relPath: 'src/kernel/linux-1.2.13/net/inet/tcp.c', base: 'tcp.c', text: RELEASE_TCP, isC: true, shipped }), { key: K, shows: [K] });
  const edited = RELEASE_TCP.replace('int ns=TCP_CLOSE;', 'int ns=TCP_CLOSING;');
  assert.notEqual(edited, RELEASE_TCP);
  // by its name, or (another name) because it defines the close path
  assert.deepEqual(keysFor({ relPath: 'lab/tcp.c', base: 'tcp.c', text: edited, isC: true, shipped }), { key: 'lab/tcp.c', shows: ['lab/tcp.c', K] });
  assert.deepEqual(keysFor({ relPath: 'lab/my-tcp.c', base: 'my-tcp.c', text: edited, isC: true, shipped }), { key: 'lab/my-tcp.c', shows: ['lab/my-tcp.c', K] });
  assert.deepEqual(keysFor({ relPath: 'examples/a.tcpscenario', base: 'a.tcpscenario', text: 'socket s ESTABLISHED', isC: false, shipped }), { key: 'examples/a.tcpscenario', shows: ['examples/a.tcpscenario'] });
  assert.deepEqual(keysFor({ base: 'other.c', text: 'int main(void) { return 0; }', isC: true, shipped }), { key: undefined, shows: [] });
});

test('notes at a moment: untied notes on the line always, tied ones only at their scenario and hit', () => {
  const a = anchorAt('sk->state=state;');
  const mk = (id: string, at?: Note['at']): Note => ({ id, file: 'kernel:tcp.c', ...a, at, comments: [{ id: 'c' + id, author: 'x', created: '', body: id }] });
  const placed = placeNotes([mk('always'), mk('second', { scenario: 'examples/four-way.tcpscenario', hit: 2 }), mk('other', { scenario: 'examples/passive-close.tcpscenario', hit: 2 })], TCP, true);
  const ids = (m?: { scenario: string; hit: number }) => notesAtMoment(placed, a.line, m).map((n) => n.id);
  assert.deepEqual(ids({ scenario: 'examples/four-way.tcpscenario', hit: 1 }), ['always']);
  assert.deepEqual(ids({ scenario: 'examples/four-way.tcpscenario', hit: 2 }), ['always', 'second']);
  assert.deepEqual(ids({ scenario: 'examples/passive-close.tcpscenario', hit: 2 }), ['always', 'other']);
  assert.deepEqual(notesAtMoment(placed, a.line + 1, { scenario: 'examples/four-way.tcpscenario', hit: 2 }), []);
});
