// The timers on a time axis of the virtual clock (jiffies, HZ=100) with the scenario's events:
// "now", and for each socket's sk->timer and sk->retransmit_timer a bar from now to its expiry;
// once the whole run is known, a hollow mark where each of them runs later (a lost FIN's
// retransmissions backing off, TIME_WAIT's end). The scale is logarithmic (log(1+t)) so that
// 10 ms and 60 s both fit.

import type { StopSnapshot, TimerSnapshot } from '../src/common/protocol';
import { duration, seconds } from '../src/common/clock';
import { h, s, setAttr, setText, toggle } from './dom';

const W = 760;
const L = 128;
const R = 16;
const EVENTS_Y = 30;
const ROW = 22;

function tickLabel(j: number): string {
  return j === 0 ? '0' : duration(j);
}

interface TimerRowView {
  socket: string;
  key: 'timer' | 'retransmit_timer';
  label: SVGTextElement;
  bar: SVGLineElement;
  mark: SVGPathElement;
  text: SVGTextElement;
  /** its runs later in the known run */
  later: SVGGElement;
  g: SVGGElement;
}

export class TimeAxis {
  readonly el: HTMLElement;
  private readonly svg = s('svg', { class: 'axis', role: 'img' });
  private readonly ticks = s('g', { class: 'ticks' });
  private readonly eventLayer = s('g', { class: 'events' });
  private readonly timerLayer = s('g', { class: 'timer-rows' });
  private readonly nowLine = s('line', { class: 'now' });
  private readonly nowText = s('text', { class: 'now-label', 'text-anchor': 'middle' });
  private readonly baseline = s('line', { class: 'baseline', x1: L, x2: W - R });
  private eventsKey = '';
  private eventMarks: { time: number; g: SVGGElement }[] = [];
  private socketsKey = '';
  private rows: TimerRowView[] = [];
  private tmax = -1;

  constructor() {
    this.svg.append(this.ticks, this.baseline, s('text', { class: 'row-label', x: 4, y: EVENTS_Y + 4, text: 'scenario events' }), this.eventLayer, this.timerLayer, this.nowLine, this.nowText);
    this.el = h('section', { class: 'timeaxis', 'aria-label': 'Timers and events on the virtual clock' }, h('h2', { text: 'Time (HZ=100, log scale)' }), this.svg);
  }

  private x(t: number): number {
    return L + ((W - L - R) * Math.log1p(Math.max(0, t))) / Math.log1p(this.tmax);
  }

  update(stop: StopSnapshot): void {
    const names = Object.keys(stop.sockets);
    let tmax = Math.max(1, stop.clock);
    for (const e of stop.events) tmax = Math.max(tmax, e.time);
    for (const n of names) for (const t of [stop.sockets[n].timer, stop.sockets[n].retransmit_timer]) if (t) tmax = Math.max(tmax, t.expires);
    for (const t of stop.laterTimers ?? []) if (t.socket in stop.sockets) tmax = Math.max(tmax, t.time);
    tmax = Math.ceil(tmax * 1.1);
    const rescaled = tmax !== this.tmax;
    this.tmax = tmax;

    const sk = names.join('\0');
    if (sk !== this.socketsKey) {
      this.socketsKey = sk;
      this.timerLayer.replaceChildren();
      this.rows = [];
      names.forEach((socket, i) => {
        for (const key of ['timer', 'retransmit_timer'] as const) {
          const y = EVENTS_Y + 24 + this.rows.length * ROW;
          const r: TimerRowView = {
            socket,
            key,
            label: s('text', { class: 'row-label', x: 4, y: y + 4, text: `${socket} ${key === 'timer' ? 'timer' : 'retransmit'}` }),
            bar: s('line', { class: 'timer-bar', y1: y, y2: y }),
            mark: s('path', { class: 'timer-mark' }),
            text: s('text', { class: 'timer-text', y: y - 5 }),
            later: s('g', { class: 'timer-later' }),
            g: s('g', { class: `timer-row sock-${i % 4}`, 'data-socket': socket, 'data-timer': key }),
          };
          r.g.append(r.label, r.bar, r.later, r.mark, r.text);
          this.timerLayer.append(r.g);
          this.rows.push(r);
        }
      });
    }
    const height = EVENTS_Y + 24 + this.rows.length * ROW + 4;
    setAttr(this.svg, 'viewBox', `0 0 ${W} ${height}`);
    setAttr(this.svg, 'height', height);
    setAttr(this.baseline, 'y1', EVENTS_Y + 10);
    setAttr(this.baseline, 'y2', EVENTS_Y + 10);

    if (rescaled) {
      const ticks: SVGElement[] = [];
      for (let j = 0; j <= tmax; j = j === 0 ? 1 : j * 10) {
        const x = this.x(j).toFixed(1);
        ticks.push(s('line', { class: 'tick', x1: x, x2: x, y1: EVENTS_Y + 10, y2: height - 4 }), s('text', { class: 'tick-label', x, y: 10, 'text-anchor': 'middle', text: tickLabel(j) }));
      }
      this.ticks.replaceChildren(...ticks);
    }

    const ek = JSON.stringify(stop.events);
    if (ek !== this.eventsKey) {
      this.eventsKey = ek;
      const byTime = new Map<number, string[]>();
      for (const e of stop.events) byTime.set(e.time, [...(byTime.get(e.time) ?? []), `line ${e.line}: ${e.text}`]);
      this.eventMarks = [...byTime].map(([time, texts]) => {
        const g = s('g', { class: 'event' }, s('circle', { r: 4 }), s('title', { text: `${seconds(time)}\n${texts.join('\n')}` }));
        return { time, g };
      });
      this.eventLayer.replaceChildren(...this.eventMarks.map((m) => m.g));
    }
    for (const m of this.eventMarks) {
      setAttr(m.g.firstElementChild!, 'cx', this.x(m.time).toFixed(1));
      setAttr(m.g.firstElementChild!, 'cy', EVENTS_Y);
      toggle(m.g, 'past', m.time <= stop.clock);
    }

    const nx = this.x(stop.clock).toFixed(1);
    setAttr(this.nowLine, 'x1', nx);
    setAttr(this.nowLine, 'x2', nx);
    setAttr(this.nowLine, 'y1', EVENTS_Y - 8);
    setAttr(this.nowLine, 'y2', height - 2);
    setAttr(this.nowText, 'x', nx);
    setAttr(this.nowText, 'y', EVENTS_Y - 11);
    setText(this.nowText, `now ${seconds(stop.clock)}`);

    const desc: string[] = [`now ${stop.clock} jiffies`];
    for (const r of this.rows) {
      const t: TimerSnapshot | null = stop.sockets[r.socket]?.[r.key] ?? null;
      toggle(r.g, 'armed', !!t);
      const y = Number(r.bar.getAttribute('y1'));
      if (t) {
        const ex = this.x(t.expires);
        setAttr(r.bar, 'x1', nx);
        setAttr(r.bar, 'x2', ex.toFixed(1));
        setAttr(r.mark, 'd', `M${ex.toFixed(1)},${y - 5} l5,5 l-5,5 l-5,-5 z`);
        const label = `${t.reason} @${t.expires}`;
        setText(r.text, label);
        setAttr(r.text, 'x', ex.toFixed(1));
        setAttr(r.text, 'text-anchor', ex > W - 110 ? 'end' : ex < L + 60 ? 'start' : 'middle');
        desc.push(`${r.socket} ${r.key} ${t.reason} expires at ${t.expires}`);
      } else {
        setText(r.text, '');
        setAttr(r.mark, 'd', 'M0,0');
        setAttr(r.bar, 'x1', nx);
        setAttr(r.bar, 'x2', nx);
      }
    }
    // where each timer runs later, once the whole run is known
    const laterOf = new Map<string, { time: number; reason: string }[]>();
    for (const t of stop.laterTimers ?? []) {
      const k = `${t.socket}\0${t.timer}`;
      laterOf.set(k, [...(laterOf.get(k) ?? []), { time: t.time, reason: t.reason }]);
    }
    for (const r of this.rows) {
      const runs = laterOf.get(`${r.socket}\0${r.key}`) ?? [];
      const y = Number(r.bar.getAttribute('y1'));
      r.later.replaceChildren(
        ...runs.map((f) => {
          const x = this.x(f.time).toFixed(1);
          return s('path', { class: 'timer-run', d: `M${x},${y - 4} l4,4 l-4,4 l-4,-4 z` }, s('title', { text: `${r.socket} ${r.key === 'timer' ? 'timer' : 'retransmit timer'} runs at ${seconds(f.time)} (jiffy ${f.time}, ${f.reason})` }));
        }),
      );
      if (runs.length) desc.push(`${r.socket} ${r.key} runs later at ${runs.map((f) => f.time).join(', ')}`);
    }
    setAttr(this.svg, 'aria-label', `Time axis: ${desc.join('; ')}`);
  }
}
