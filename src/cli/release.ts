// The command line's `run` on the unmodified 1.2.13 release: the trace (each statement of the
// release's C at its file and line, the scenario's events, the fields each stop changed, printk's
// lines), then a summary; or, with --json, one object per stop and the end record.

import { basename, relative } from 'node:path';
import { clockText } from '../common/clock';
import { formatLoc } from '../engine/code';
import type { ReleaseRun, ReleaseStop } from '../engine/release/run';

/** The fields the trace follows and the end record reports, per sock. */
export const WATCHED = ['state', 'shutdown', 'fin_seq', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'dead', 'rtt', 'rto', 'backoff', 'retransmits', 'packets_out', 'window_seq'] as const;

type Out = (s: string) => void;
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

interface TimerJson {
  reason: string;
  expires: number;
}

/** A sock's fields, timers and sent segments, as the CLI's JSON end record has them. */
export function socketJson(run: ReleaseRun, i: number): Record<string, unknown> {
  const s = run.socks[i];
  const out: Record<string, unknown> = {};
  for (const f of WATCHED) out[f] = f === 'state' ? run.stateName(run.field(s.sk, f)) : run.field(s.sk, f);
  out.timer = timerJson(run, i, 'timer');
  out.retransmit_timer = timerJson(run, i, 'retransmit_timer');
  out.freed = run.freed(s.sk);
  out.sent = run.segs.filter((r) => r.from === i).map((r) => ({ t: r.time, flags: r.flags, seq: r.seq, ack: r.ack, len: r.len, win: r.win, dropped: !!r.dropped }));
  return out;
}

function timerJson(run: ReleaseRun, i: number, which: 'timer' | 'retransmit_timer'): TimerJson | null {
  const s = run.socks[i];
  const t = run.timerAddress(s.sk, which);
  if (!run.timerPending(t)) return null;
  return { reason: run.timerReason(s.sk, which), expires: run.timerExpires(t) };
}

function fieldsOf(run: ReleaseRun): Map<string, string>[] {
  return run.socks.map((s, i) => {
    const m = new Map<string, string>();
    for (const f of WATCHED) {
      const v = run.field(s.sk, f);
      m.set(f, f === 'state' ? `${run.stateName(v)} (${v})` : String(v));
    }
    for (const w of ['timer', 'retransmit_timer'] as const) {
      const t = timerJson(run, i, w);
      m.set(w, t ? `${t.reason} @${t.expires}` : 'none');
    }
    return m;
  });
}

export function itemText(run: ReleaseRun, s: ReleaseStop, lines: string[]): string {
  const it = s.item;
  if (!it) return '';
  if (it.kind === 'event') return `${basename(run.bound.file)}:${it.event.line}  ${(lines[it.event.line - 1] ?? '').trim()}`;
  if (it.kind === 'timer') return it.which ? `sk->${it.which} is due: timer_bh runs it (expires < jiffies)` : 'a timer is due: timer_bh runs it';
  const r = run.segs[run.segmentOfDelivery(it.seg)];
  return `segment arrives from ${r.from < 0 ? 'peer' : run.socks[r.from].name}: ${r.flags} seq=${r.seq} ack=${r.ack} len=${r.len} win=${r.win}`;
}

/** Runs `run` to its end, printing as `run` does; returns the exit status. */
export interface RunPrinting {
  json: boolean;
  quiet: boolean;
  /** the failures to report in place of the run's own (a packetdrill script's differences), with the file and line they are at */
  failures?: (run: ReleaseRun) => { file: string; line: number; clock: number; message: string }[];
}

export function releaseRunCommand(run: ReleaseRun, scenarioText: string, o: RunPrinting, out: Out): number {
  const scenarioLines = scenarioText.split(/\r?\n/);
  const texts = new Map<string, string[]>();
  const source = (file: string, line: number) => {
    let l = texts.get(file);
    if (!l) texts.set(file, (l = (run.image.texts.get(file) ?? '').split('\n')));
    return (l[line - 1] ?? '').replace(/\t/g, '    ').trim();
  };
  const shown = (file: string) => (file.startsWith(run.image.release) ? relative(run.image.release, file) : basename(file));
  let before = fieldsOf(run);
  let printed = run.printk().length;
  let returned = run.returns.length;
  let stop = run.stopInfo(run.stopIndex);
  let statements = 0;
  const t0 = performance.now();
  for (;;) {
    if (stop.kind === 'statement') statements++;
    if (o.json) {
      if (stop.kind === 'statement') out(JSON.stringify({ type: 'step', socket: stop.socket, function: stop.fn!.name, file: stop.loc!.file, line: stop.loc!.line, clock: stop.clock }));
      else if (stop.kind === 'event') out(JSON.stringify({ type: 'event', socket: stop.socket, line: stop.item?.kind === 'event' ? stop.item.event.line : null, what: itemText(run, stop, scenarioLines), clock: stop.clock }));
    } else if (!o.quiet) {
      const now = fieldsOf(run);
      now.forEach((m, i) => {
        for (const [k, v] of m) if (before[i].get(k) !== v) out(`${' '.repeat(28)}${run.socks[i].name}.${k}: ${before[i].get(k)} -> ${v}`);
      });
      before = now;
      const clock = `[${String(stop.clock).padStart(6)}j]`;
      if (stop.kind === 'statement') out(`${clock} ${pad(stop.socket, 7)} ${pad(`${stop.fn!.name}:${stop.loc!.line}`, 22)} ${source(stop.loc!.file, stop.loc!.line)}   (${shown(stop.loc!.file)})`);
      else if (stop.kind === 'event') out(`${clock} ${pad(stop.socket, 7)} ${itemText(run, stop, scenarioLines)}`);
      else if (stop.kind === 'failure') out(`${clock} FAILED  ${basename(run.bound.file)}:${stop.item?.kind === 'event' ? stop.item.event.line : '?'}: ${stop.message}`);
      else if (stop.kind === 'error') out(`${clock} ERROR   ${stop.loc ? formatLoc(stop.loc) : ''}: ${stop.message}`);
      else out(`${clock} end of scenario`);
      const p = run.printk();
      for (const x of p.slice(printed)) out(`${' '.repeat(28)}printk: ${x.text.trimEnd()}`);
      printed = p.length;
      for (const r of run.returns.slice(returned)) out(`${' '.repeat(28)}${run.socks[r.sock].name}: ${run.returnText(r)}`);
      returned = run.returns.length;
    }
    if (stop.kind === 'end' || stop.kind === 'error') break;
    stop = run.forward();
  }
  const ms = performance.now() - t0;
  const failures = o.failures ? o.failures(run) : run.failures.map((f) => ({ file: run.bound.file, line: f.line, clock: f.time, message: f.message }));
  if (o.json) {
    const sockets: Record<string, unknown> = {};
    run.socks.forEach((s, i) => (sockets[s.name] = socketJson(run, i)));
    // what each call a scenario line made returned (errno's name for a negative value)
    const returns = run.returns.map((r) => ({ line: r.line, clock: r.t, socket: run.socks[r.sock].name, call: r.call, ret: r.ret, ...(run.errnoName(r.ret) ? { errno: run.errnoName(r.ret) } : {}) }));
    const end: Record<string, unknown> = { type: 'end', kernel: 'linux-1.2.13', clock: run.jiffies, sockets, returns, failures };
    if (stop.kind === 'error') end.error = { file: stop.loc?.file, line: stop.loc?.line, column: stop.loc?.column, message: stop.message };
    out(JSON.stringify(end));
  } else {
    out('');
    out(`summary (Linux 1.2.13): ${statements} statements, ${run.stopCount} stops, clock ${clockText(run.jiffies)}, ${run.segs.length} segments, ${ms.toFixed(1)} ms`);
    run.socks.forEach((s, i) => {
      const j = socketJson(run, i);
      const t = (x: unknown) => (x ? `${(x as TimerJson).reason}@${(x as TimerJson).expires}` : 'none');
      out(`  ${pad(s.name, 8)} ${pad(String(j.state), 16)} shutdown=${j.shutdown} fin_seq=${j.fin_seq} write_seq=${j.write_seq} acked_seq=${j.acked_seq} rcv_ack_seq=${j.rcv_ack_seq} timer=${t(j.timer)} retransmit_timer=${t(j.retransmit_timer)}`);
    });
    for (const f of failures) out(`FAILED ${f.file}:${f.line}: ${f.message}`);
    if (stop.kind === 'error') out(`ERROR ${stop.loc ? formatLoc(stop.loc) : ''}: ${stop.message}`);
    if (!failures.length && stop.kind !== 'error') out('every expectation held');
  }
  if (stop.kind === 'error') {
    process.stderr.write(`${stop.loc ? formatLoc(stop.loc) + ': ' : ''}${stop.message}\n`);
    return 2;
  }
  return failures.length ? 1 : 0;
}

/** `coverage` on the release: per function of the release's C (machine layer left out), the lines the runs stopped on. */
export function releaseCoverage(runs: ReleaseRun[], all: boolean, out: Out): boolean {
  let failed = false;
  const hits = new Map<string, Set<number>>();
  for (const run of runs) {
    for (;;) {
      const s = run.forward();
      if (s.kind === 'statement') {
        const m = hits.get(s.loc!.file) ?? new Set<number>();
        m.add(s.loc!.line);
        hits.set(s.loc!.file, m);
      }
      if (s.kind === 'failure') failed = true;
      if (s.kind === 'end' || s.kind === 'error') break;
    }
  }
  const image = runs[0].image;
  const k = image.kernel;
  k.compileAll();
  const shown = (file: string) => relative(image.release, file);
  const seen = new Set<string>();
  for (const fn of k.functions) {
    if (fn.hidden || !fn.file.startsWith(image.release) || seen.has(`${fn.file}:${fn.name}`)) continue;
    seen.add(`${fn.file}:${fn.name}`);
    let code;
    try {
      code = fn.code;
    } catch {
      continue; // a body the interpreter refuses (inline assembly): no lines to count
    }
    const m = hits.get(fn.file);
    // the closing brace's implicit return counts only when it runs (after a last `return` it never can)
    const implicit = (i: (typeof code)[number]) => i.what === 'return' && i.loc.endColumn - i.loc.column === 1 && !m?.has(i.loc.line);
    const lines = [...new Set(code.filter((i) => i.op === 0 && !implicit(i)).map((i) => i.loc.line))].sort((x, y) => x - y);
    const hit = lines.filter((l) => m?.has(l));
    if (!all && hit.length === 0) continue;
    out(`${pad(fn.name, 24)} ${String(hit.length).padStart(3)}/${String(lines.length).padEnd(3)} lines  ${shown(fn.file)}${hit.length < lines.length ? `   not run: ${lines.filter((l) => !m?.has(l)).join(', ')}` : ''}`);
  }
  return failed;
}
