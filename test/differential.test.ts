// Differential test: the same kernel C compiled by gcc (test/differential/harness.c) and run by
// our interpreter, called with the same cases (every state × every entry point), must leave the
// same sk fields, timers, return value and segments sent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRun } from '../src/host/load';
import { CStruct, intConverter, isInt } from '../src/engine/ctypes';
import type { CFunction } from '../src/engine/code';
import type { Run } from '../src/engine/run';
import { flagText, type SocketInfo } from '../src/engine/world';

const here = join(__dirname, 'differential');
const FIELDS = ['ret', 'state', 'shutdown', 'fin_seq', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'copied_seq', 'dead', 'inuse', 'keepopen', 'rto', 'retransmits', 'timeout', 'ip_xmit_timeout', 'timer_pending', 'timer_expires', 'retransmit_pending', 'retransmit_expires', 'sent', 'last_flags', 'last_seq', 'last_ack'];

interface Case {
  line: number;
  text: string;
  entry: string;
  sk: [string, string][];
  args: Map<string, string>;
}

function readCases(): Case[] {
  const out: Case[] = [];
  readFileSync(join(here, 'cases.txt'), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (!text.trim() || text.startsWith('#')) return;
      const [left, right = ''] = text.split(';');
      const [entry, ...kv] = left.trim().split(/\s+/);
      const pairs = (s: string) => s.trim().split(/\s+/).filter(Boolean).map((p) => p.split('=') as [string, string]);
      out.push({ line: i + 1, text, entry, sk: pairs(kv.join(' ')), args: new Map(pairs(right)) });
    });
  return out;
}

function gccResults(cases: Case[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-diff-'));
  const bin = join(dir, 'harness');
  execFileSync('sh', [join(here, 'build.sh'), bin], { stdio: ['ignore', 'ignore', 'ignore'] });
  const input = cases.map((c) => c.text).join('\n') + '\n';
  return execFileSync(bin, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] }).trim().split('\n');
}

/** Runs one case through the interpreter on a fresh, zeroed sock, as the harness does. */
function interpret(run: Run, c: Case, n: number): string {
  const w = run.world;
  const H = run.H;
  const value = (v: string) => {
    if (/^-?(0x[0-9a-f]+|\d+)$/i.test(v)) return Number(v);
    const k = run.prog.constants.get(v);
    if (k === undefined) throw new Error(`case line ${c.line}: unknown constant ${v}`);
    return k;
  };
  const sk = new CStruct(w.skType);
  const name = `case${n}`;
  const info: SocketInfo = { name, sk, delay: 0, drops: [], cursor: [0], sent: [] };
  w.sockets.set(name, info);
  w.byStruct.set(sk, info);
  const setF = (s: CStruct, f: string, v: unknown) => {
    const fl = s.type.byName.get(f);
    if (!fl) throw new Error(`case line ${c.line}: struct ${s.type.name} has no field ${f}`);
    H.set(s.f, fl.index, isInt(fl.type) && typeof v === 'number' ? intConverter(fl.type, fl.bits ?? fl.type.bits)(v) : v);
  };
  setF(sk, 'state_change', run.prog.fnByName.get('def_callback1'));
  w.initTimer(sk.get('timer'), sk, run.prog.fnByName.get('net_timer'));
  w.initTimer(sk.get('retransmit_timer'), sk, run.prog.fnByName.get('retransmit_timer'));
  const addTimer = w.natives().get('add_timer')!.impl;
  // each case starts at jiffies 0 unless it says otherwise; an RST sent with sk == NULL is this case's
  w.jiffies = 0;
  w.actor = () => name;
  const timers: [string, string][] = [];
  for (const [k, v] of c.sk) {
    if (k === 'jiffies') w.jiffies = value(v);
    else if (k === 'timer' || k === 'retransmit_timer') timers.push([k, v]);
    else setF(sk, k, value(v));
  }
  for (const [k, v] of timers) {
    const [reason, expires] = v.split(',');
    setF(sk, k === 'timer' ? 'timeout' : 'ip_xmit_timeout', value(reason));
    const t = sk.get(k) as CStruct;
    setF(t, 'expires', value(expires));
    addTimer([t], null as never);
  }
  const a = (k: string) => (c.args.has(k) ? value(c.args.get(k)!) : 0);
  const seg = { flags: { syn: !!a('syn'), fin: !!a('fin'), rst: !!a('rst'), psh: !!a('psh'), ack: !!a('ack') }, seq: a('seq'), ack: a('ack_seq'), len: a('len'), win: 0 };
  const skbOf = (tcpLength: boolean) => {
    const skb = w.makeSkb(seg, sk);
    if (!tcpLength) setF(skb, 'len', seg.len);
    return skb;
  };
  const fn = (f: string) => run.prog.fnByName.get(f) as CFunction;
  let target: CFunction;
  let args: any[];
  switch (c.entry) {
    case 'tcp_fin': {
      const skb = skbOf(false);
      target = fn('tcp_fin');
      args = [skb, sk, (skb.get('h') as CStruct).get('th')];
      break;
    }
    case 'tcp_close':
      [target, args] = [fn('tcp_close'), [sk, a('timeout')]];
      break;
    case 'tcp_close_state':
      [target, args] = [fn('tcp_close_state'), [sk, a('dead')]];
      break;
    case 'tcp_ack': {
      const skb = skbOf(true);
      [target, args] = [fn('tcp_ack'), [sk, (skb.get('h') as CStruct).get('th'), 20 + seg.len]];
      break;
    }
    case 'tcp_rcv':
      [target, args] = [fn('tcp_rcv'), [skbOf(true), sk]];
      break;
    case 'net_timer':
    case 'retransmit_timer': {
      const t = sk.get(c.entry === 'net_timer' ? 'timer' : 'retransmit_timer') as CStruct;
      const { fn: f, data } = w.detachForFiring(t);
      [target, args] = [f, [data]];
      break;
    }
    default:
      throw new Error(`case line ${c.line}: unknown entry ${c.entry}`);
  }
  const m = run.machine;
  m.statements = 0;
  m.enter(target, args);
  let skip = false;
  while (m.advance(skip) === 'statement') skip = true;
  const ret = m.lastReturn ?? 0;
  const f = (k: string) => sk.get(k) as number;
  const t = sk.get('timer') as CStruct;
  const rt = sk.get('retransmit_timer') as CStruct;
  const last = info.sent[info.sent.length - 1];
  const vals: Record<string, string | number> = {
    ret,
    state: f('state'),
    shutdown: f('shutdown'),
    fin_seq: f('fin_seq'),
    write_seq: f('write_seq'),
    sent_seq: f('sent_seq'),
    acked_seq: f('acked_seq'),
    rcv_ack_seq: f('rcv_ack_seq'),
    copied_seq: f('copied_seq'),
    dead: f('dead'),
    inuse: f('inuse'),
    keepopen: f('keepopen'),
    rto: f('rto'),
    retransmits: f('retransmits'),
    timeout: f('timeout'),
    ip_xmit_timeout: f('ip_xmit_timeout'),
    timer_pending: +w.timerPending(t),
    timer_expires: w.timerPending(t) ? w.timerExpires(t) : 0,
    retransmit_pending: +w.timerPending(rt),
    retransmit_expires: w.timerPending(rt) ? w.timerExpires(rt) : 0,
    sent: info.sent.length,
    last_flags: last ? flagText(last.flags) : '-',
    last_seq: last ? last.seq : 0,
    last_ack: last ? last.ack : 0,
  };
  // disarm what this case left, so the next case starts from an empty timer list
  for (const tm of w.pendingTimers()) w.detachForFiring(tm);
  return FIELDS.map((k) => `${k}=${vals[k]}`).join(' ');
}

test('the interpreter and gcc leave the same sk fields for every case', async () => {
  const cases = readCases();
  assert.ok(cases.length > 100, `expected the full case list, found ${cases.length}`);
  const expected = gccResults(cases);
  assert.equal(expected.length, cases.length, 'the gcc harness printed one line per case');
  const run = await loadRun({ scenarioPath: join(__dirname, '..', 'examples', 'passive-close.tcpscenario') });
  const mismatches: string[] = [];
  cases.forEach((c, i) => {
    const got = interpret(run, c, i);
    if (got !== expected[i]) {
      const g = new Map(got.split(' ').map((p) => p.split('=') as [string, string]));
      const e = new Map(expected[i].split(' ').map((p) => p.split('=') as [string, string]));
      const diff = FIELDS.filter((k) => g.get(k) !== e.get(k)).map((k) => `${k}: interpreter ${g.get(k)}, gcc ${e.get(k)}`);
      mismatches.push(`cases.txt:${c.line} ${c.entry}: ${diff.join('; ')}`);
    }
  });
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${cases.length} cases differ:\n${mismatches.join('\n')}`);
});
