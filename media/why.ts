// The "Why?" view: why a socket's field holds its value at a stop. The chain of its writers (the
// adapter's `why` answer, src/engine/release/why.ts) as a nested list: each value, the statement,
// call, scenario event or setup it came from, with buttons to show the line and to step back to
// that moment; what each writer read, nested under it.

import type { FieldChangeSnapshot, WebviewToHost, WhyLinkSnapshot } from '../src/common/protocol';
import { basename, codicon, h, setText, show, toggle } from './dom';

export interface WhyCtx {
  post(m: WebviewToHost): void;
  ended: boolean;
}

type Origin = WhyLinkSnapshot['origin'];

export class WhyView {
  readonly el: HTMLElement;
  private readonly title = h('h2', { class: 'why-title' });
  private readonly stale = h('p', { class: 'why-stale' });
  private readonly body = h('div', { class: 'why-body' });
  /** the field's history: each value a chip, from the stop that first shows it */
  private readonly strip = h('ol', { class: 'why-history', 'aria-label': 'Every value the field took' });
  private chips: { stop: number; el: HTMLElement }[] = [];
  private asking = '';
  private shownStop = -1;
  private askedAt = -1;

  constructor(private readonly ctx: () => WhyCtx) {
    const close = h('button', { class: 'icon why-close', type: 'button', title: 'Close the Why? view', 'aria-label': 'Close the Why? view' }, codicon('close'));
    close.addEventListener('click', () => show(this.el, false));
    this.stale.hidden = true;
    this.strip.hidden = true;
    this.el = h('section', { class: 'why', 'aria-label': 'Why this value', 'aria-live': 'polite' }, h('header', {}, this.title, close), this.strip, this.stale, this.body);
    this.el.hidden = true;
  }

  /** The user asked: say so until the answer comes. */
  asked(socket: string, field: string): void {
    this.asking = `${socket}.${field}`;
    this.strip.replaceChildren();
    this.chips = [];
    show(this.strip, false);
    setText(this.title, `Why is ${socket}.${field} this value?`);
    this.body.replaceChildren(h('p', { class: 'why-wait', text: 'following the writers back…' }));
    show(this.stale, false);
    show(this.el, true);
  }

  answer(socket: string, field: string, stop: number, chain: WhyLinkSnapshot | undefined, error: string | undefined): void {
    this.askedAt = stop;
    show(this.stale, false);
    show(this.el, true);
    if (!chain) {
      setText(this.title, `Why is ${socket}.${field} this value?`);
      this.body.replaceChildren(h('p', { class: 'why-error', text: error ?? 'no answer' }));
      return;
    }
    setText(this.title, `Why is ${socket}.${field} ${chain.value} at stop ${stop}?`);
    this.body.replaceChildren(h('ul', { class: 'why-tree', role: 'tree' }, this.link(chain, true)));
  }

  /** The field's history: a strip of its values, the one the stop shown holds marked; each goes to its first stop. */
  history(socket: string, field: string, values: FieldChangeSnapshot[]): void {
    if (`${socket}.${field}` !== this.asking) return;
    this.chips = values.map((v) => {
      const by = v.writer ? `, written by ${v.writer.fn}:${v.writer.line}` : ' (its value at the first stop)';
      const label = `${socket}.${field} = ${v.value} from stop ${v.stop}${by}: go there`;
      const b = h('button', { class: 'chip', type: 'button', title: label, 'aria-label': label, 'data-stop': v.stop, text: v.value });
      b.disabled = this.ctx().ended;
      b.addEventListener('click', () => {
        if (!this.ctx().ended) this.ctx().post({ type: 'goto', stop: v.stop });
      });
      return { stop: v.stop, el: h('li', {}, b, h('span', { class: 'chip-stop', text: `@${v.stop}` })) };
    });
    this.strip.replaceChildren(...this.chips.map((c) => c.el));
    show(this.strip, this.chips.length > 0);
    this.markNow();
  }

  /** the chip of the value the stop shown holds: the last one from a stop at or before it */
  private markNow(): void {
    let now = -1;
    for (let i = 0; i < this.chips.length; i++) if (this.chips[i].stop <= this.shownStop) now = i;
    this.chips.forEach((c, i) => toggle(c.el, 'now', i === now));
  }

  /** The stop shown moved: the chain stays, said to be of its own stop. */
  stopShown(index: number): void {
    this.shownStop = index;
    this.markNow();
    if (this.el.hidden || this.askedAt < 0) return;
    show(this.stale, index !== this.askedAt);
    setText(this.stale, `This chain is of stop ${this.askedAt}; the debugger is at stop ${index}. Ask again with the row's Why? button.`);
  }

  private link(l: WhyLinkSnapshot, root = false): HTMLLIElement {
    const head = h('div', { class: 'why-link' });
    if (l.control) head.append(h('span', { class: 'why-control', title: l.control, text: 'test ' }));
    head.append(h('code', { class: 'why-expr', text: l.expr }), h('span', { class: 'why-eq', text: ' = ' }), h('code', { class: 'why-value', text: l.value }));
    if (l.returned) head.append(h('span', { class: 'why-note', text: ' (returned)' }));
    if (!root && l.at) head.append(h('span', { class: 'why-at', text: ` read at ${basename(l.at.file)}:${l.at.line}, stop ${l.stop}` }));
    head.append(this.origin(l.origin));
    const li = h('li', { role: 'treeitem', 'data-kind': l.origin.kind }, head);
    if (l.control) li.append(h('p', { class: 'why-note', text: l.control }));
    if (l.cut) li.append(h('p', { class: 'why-cut', text: l.cut }));
    if (l.reads.length) li.append(h('ul', { role: 'group' }, ...l.reads.map((r) => this.link(r))));
    return li;
  }

  private origin(o: Origin): HTMLElement {
    const out = h('span', { class: 'why-origin' });
    switch (o.kind) {
      case 'statement':
        out.append(h('span', { text: ' ← written by ' }), this.reveal(o.fn, o.file, o.line), this.back(o.stop, `when ${o.fn}:${o.line} wrote it`));
        if (o.during) out.append(h('span', { class: 'why-during', text: ` during ${o.during}` }));
        break;
      case 'argument':
        out.append(h('span', { text: ` ← passed to ${o.callee}() as argument ${o.index + 1} by ` }), this.reveal(o.fn, o.file, o.line), this.back(o.stop, `to the call in ${o.fn}:${o.line}`));
        break;
      case 'event':
        out.append(h('span', { class: 'why-root', text: ` ← ${o.what}` }), this.back(o.stop, `to the scenario's event (line ${o.line})`));
        break;
      case 'initial':
        out.append(h('span', { class: 'why-root', text: ` ← ${o.what}` }));
        break;
    }
    return out;
  }

  private reveal(fn: string, file: string, line: number): HTMLButtonElement {
    const b = h('button', { class: 'link why-reveal', type: 'button', title: `Show ${basename(file)}:${line}`, text: `${fn}:${line}` });
    b.addEventListener('click', () => this.ctx().post({ type: 'reveal', file, line }));
    return b;
  }

  private back(stop: number, what: string): HTMLButtonElement {
    const label = `Step back to stop ${stop}, ${what}`;
    const b = h('button', { class: 'icon goto why-goto', type: 'button', title: label, 'aria-label': label, 'data-stop': stop }, codicon('debug-step-back'));
    b.disabled = this.ctx().ended;
    b.addEventListener('click', () => {
      if (!this.ctx().ended) this.ctx().post({ type: 'goto', stop });
    });
    return b;
  }
}
