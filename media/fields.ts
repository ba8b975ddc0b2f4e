// The sockets, side by side: state, the close-path fields of struct sock with what changed at
// this step (and the value before), who last wrote each field (reveal the line / step back to
// that moment), and the two timers with their expiry on the virtual clock.

import type { SocketSnapshot, StopSnapshot, TimerSnapshot, WebviewToHost } from '../src/common/protocol';
import { seconds } from '../src/common/clock';
import { basename, codicon, h, setAttr, setText, show, stateName, toggle } from './dom';

export const MAIN_FIELDS = ['state', 'shutdown', 'fin_seq', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'dead', 'inuse', 'keepopen', 'rto'];
const TIMERS = [
  { key: 'timer', label: 'sk->timer' },
  { key: 'retransmit_timer', label: 'sk->retransmit_timer' },
] as const;

export interface Ctx {
  post(m: WebviewToHost): void;
  ended: boolean;
  /** ask why a socket's field holds its value (the Why? view shows the answer) */
  why(socket: string, field: string): void;
}

type Writer = SocketSnapshot['writers'][string];

class FieldRow {
  readonly tr: HTMLTableRowElement;
  private readonly value = h('span', { class: 'value-now' });
  private readonly was = h('span', { class: 'was' });
  private readonly reveal: HTMLButtonElement;
  private readonly back: HTMLButtonElement;
  /** the stop that first shows the field's previous value, or its next one (the run's history, the known future included) */
  private readonly prevChange: HTMLButtonElement;
  private readonly nextChange: HTMLButtonElement;
  private readonly whyButton: HTMLButtonElement;
  private writer: Writer | undefined;

  constructor(
    readonly socket: string,
    readonly field: string,
    ctx: () => Ctx,
  ) {
    this.reveal = h('button', { class: 'link reveal', type: 'button' });
    this.back = h('button', { class: 'icon goto', type: 'button' }, codicon('debug-step-back'));
    this.reveal.addEventListener('click', () => {
      const w = this.writer;
      if (w) ctx().post({ type: 'reveal', file: w.file, line: w.line });
    });
    this.back.addEventListener('click', () => {
      const w = this.writer;
      if (w && !ctx().ended) ctx().post({ type: 'goto', stop: w.stop });
    });
    const change = (direction: 'previous' | 'next', icon: string) => {
      const b = h('button', { class: `icon change ${direction}`, type: 'button', title: `Go to the ${direction} change of ${socket}.${field}`, 'aria-label': `Go to the ${direction} change of ${socket}.${field}` }, codicon(icon));
      b.addEventListener('click', () => {
        if (!ctx().ended) ctx().post({ type: 'fieldChange', socket, field, direction });
      });
      return b;
    };
    this.prevChange = change('previous', 'arrow-left');
    this.nextChange = change('next', 'arrow-right');
    this.whyButton = h('button', { class: 'icon why', type: 'button', title: `Why is ${socket}.${field} this value? (its writers, back to the scenario)`, 'aria-label': `Why is ${socket}.${field} this value?` }, codicon('question'));
    this.whyButton.addEventListener('click', () => {
      if (!ctx().ended) ctx().why(socket, field);
    });
    this.was.hidden = true;
    this.tr = h(
      'tr',
      { 'data-field': field },
      h('th', { scope: 'row', text: field }),
      h('td', { class: 'value' }, this.value, this.was),
      h('td', { class: 'writer' }, this.reveal, this.back),
      h('td', { class: 'changes' }, this.prevChange, this.nextChange, this.whyButton),
    );
  }

  update(value: string, before: string | undefined, writer: Writer | undefined, ended: boolean): void {
    setText(this.value, value);
    this.prevChange.disabled = this.nextChange.disabled = this.whyButton.disabled = ended;
    toggle(this.tr, 'changed', before !== undefined);
    show(this.was, before !== undefined);
    if (before !== undefined) setText(this.was, `was ${before}`);
    this.writer = writer;
    show(this.reveal, !!writer);
    show(this.back, !!writer);
    if (writer) {
      setText(this.reveal, `${writer.fn}:${writer.line}`);
      setAttr(this.reveal, 'title', `Show ${basename(writer.file)}:${writer.line}`);
      setAttr(this.reveal, 'aria-label', `${this.field} last written by ${writer.fn}, ${basename(writer.file)} line ${writer.line}: show the line`);
      setAttr(this.back, 'title', `Step back to stop ${writer.stop}, when ${writer.fn} wrote ${this.field}`);
      setAttr(this.back, 'aria-label', `Step back to stop ${writer.stop}, when ${writer.fn} wrote ${this.field}`);
      setAttr(this.back, 'data-stop', writer.stop);
      this.back.disabled = ended;
    }
  }
}

class TimerRow {
  readonly el: HTMLElement;
  private readonly status = h('span', { class: 'timer-status' });
  private readonly when = h('span', { class: 'timer-when' });
  private readonly was = h('span', { class: 'was' });

  constructor(readonly key: string, label: string) {
    this.was.hidden = true;
    this.el = h('div', { class: 'timer', 'data-timer': key }, codicon('watch'), h('span', { class: 'timer-name', text: label }), this.status, this.when, this.was);
  }

  update(t: TimerSnapshot | null, clock: number, before: string | undefined): void {
    toggle(this.el, 'armed', !!t);
    toggle(this.el, 'changed', before !== undefined);
    if (t) {
      const left = t.expires - clock;
      setText(this.status, t.reason);
      setText(this.when, `expires at ${t.expires} jiffies (${left >= 0 ? `in ${left} jiffies = ${seconds(left)}` : `${-left} jiffies overdue`})`);
    } else {
      setText(this.status, 'not armed');
      setText(this.when, '');
    }
    show(this.was, before !== undefined);
    if (before !== undefined) setText(this.was, `was ${before}`);
  }
}

class SocketCard {
  readonly el: HTMLElement;
  private readonly stateNameEl = h('span', { class: 'state-name' });
  private readonly stateNum = h('span', { class: 'state-num' });
  private readonly rows = new Map<string, FieldRow>();
  private readonly mainBody = h('tbody');
  private readonly moreBody = h('tbody');
  private readonly timers = TIMERS.map((t) => new TimerRow(t.key, t.label));
  private readonly running = h('span', { class: 'running', text: 'running' });

  constructor(readonly name: string, index: number, private readonly ctx: () => Ctx) {
    this.running.hidden = true;
    this.el = h(
      'article',
      { class: `socket sock-${index % 4}`, 'data-socket': name, 'aria-label': `socket ${name}` },
      h('header', {}, h('h2', { text: name }), h('span', { class: 'state' }, this.stateNameEl, this.stateNum), this.running),
      h('table', { class: 'fields' }, this.mainBody),
      h('details', { class: 'more' }, h('summary', { text: 'other fields' }), h('table', { class: 'fields' }, this.moreBody)),
      h('div', { class: 'timers' }, ...this.timers.map((t) => t.el)),
    );
  }

  update(stop: StopSnapshot, sock: SocketSnapshot, before: Map<string, string>): void {
    const ended = this.ctx().ended;
    setText(this.stateNameEl, stateName(sock.display.state));
    setText(this.stateNum, sock.fields.state !== undefined ? `(${sock.fields.state})` : '');
    show(this.running, stop.socket === this.name && stop.kind === 'statement');
    toggle(this.el, 'active', stop.socket === this.name);
    const names = Object.keys(sock.display);
    for (const f of MAIN_FIELDS.filter((f) => f in sock.display).concat(names.filter((f) => !MAIN_FIELDS.includes(f)))) {
      let row = this.rows.get(f);
      if (!row) {
        row = new FieldRow(this.name, f, this.ctx);
        this.rows.set(f, row);
        (MAIN_FIELDS.includes(f) ? this.mainBody : this.moreBody).append(row.tr);
      }
      row.update(sock.display[f], before.get(f), sock.writers[f], ended);
    }
    for (const [f, row] of this.rows) if (!(f in sock.display)) {
      row.tr.remove();
      this.rows.delete(f);
    }
    for (const t of this.timers) t.update(sock[t.key as 'timer' | 'retransmit_timer'], stop.clock, before.get(t.key));
  }
}

export class SocketsView {
  readonly el = h('section', { class: 'sockets', 'aria-label': 'Sockets' });
  private cards = new Map<string, SocketCard>();
  private order = '';

  constructor(private readonly ctx: () => Ctx) {}

  update(stop: StopSnapshot): void {
    const names = Object.keys(stop.sockets);
    const order = names.join('\0');
    if (order !== this.order) {
      this.order = order;
      this.cards = new Map(names.map((n, i) => [n, this.cards.get(n) ?? new SocketCard(n, i, this.ctx)]));
      this.el.replaceChildren(...[...this.cards.values()].map((c) => c.el));
      toggle(this.el, 'two', names.length > 1);
    }
    const before = new Map<string, Map<string, string>>();
    for (const c of stop.changed) {
      let m = before.get(c.socket);
      if (!m) before.set(c.socket, (m = new Map()));
      m.set(c.field, c.before);
    }
    for (const [n, card] of this.cards) card.update(stop, stop.sockets[n], before.get(n) ?? new Map());
  }
}
