// The TCP state machine of the close path as an SVG drawn with DOM calls: each socket's current
// state marked, the transitions taken at this step lit and labelled with the function and line
// that took them. Keyboard: the diagram is one tab stop; arrow keys move between states.

import type { StopSnapshot } from '../src/common/protocol';
import { h, s, setAttr, setText, stateName, toggle } from './dom';

interface NodeDef {
  name: string;
  col: number;
  row: number;
}

const NODES: NodeDef[] = [
  { name: 'LISTEN', col: 0, row: 0 },
  { name: 'SYN_SENT', col: 2, row: 0 },
  { name: 'SYN_RECV', col: 1, row: 1 },
  { name: 'ESTABLISHED', col: 1, row: 2 },
  { name: 'FIN_WAIT1', col: 0, row: 3 },
  { name: 'CLOSE_WAIT', col: 2, row: 3 },
  { name: 'FIN_WAIT2', col: 0, row: 4 },
  { name: 'CLOSING', col: 1, row: 4 },
  { name: 'LAST_ACK', col: 2, row: 4 },
  { name: 'TIME_WAIT', col: 0, row: 5 },
  { name: 'CLOSE', col: 1, row: 5 },
];

const W = 540;
const H = 392;
const BW = 136;
const BH = 30;
const cx = (col: number) => 90 + col * 180;
const cy = (row: number) => 34 + row * 62;
const bottom = cy(5) + BH / 2 + 26;

type Pt = [number, number];

/** The usual edges (tcp_set_state calls of the close path, plus the opening ones); others are drawn when taken. */
const EDGES: { from: string; to: string; via?: Pt[]; what: string }[] = [
  { from: 'LISTEN', to: 'SYN_RECV', what: 'SYN received' },
  { from: 'SYN_SENT', to: 'SYN_RECV', what: 'simultaneous open' },
  { from: 'SYN_SENT', to: 'ESTABLISHED', what: 'SYN+ACK received' },
  { from: 'SYN_RECV', to: 'ESTABLISHED', what: 'ACK of SYN' },
  { from: 'SYN_RECV', to: 'FIN_WAIT1', what: 'close' },
  { from: 'ESTABLISHED', to: 'FIN_WAIT1', what: 'close, FIN sent' },
  { from: 'ESTABLISHED', to: 'CLOSE_WAIT', what: 'FIN received' },
  { from: 'FIN_WAIT1', to: 'FIN_WAIT2', what: 'ACK of FIN' },
  { from: 'FIN_WAIT1', to: 'CLOSING', what: 'FIN received' },
  { from: 'FIN_WAIT2', to: 'TIME_WAIT', what: 'FIN received' },
  { from: 'CLOSING', to: 'TIME_WAIT', what: 'ACK of FIN' },
  { from: 'CLOSE_WAIT', to: 'LAST_ACK', what: 'close, FIN sent' },
  { from: 'LAST_ACK', to: 'CLOSE', what: 'ACK of FIN' },
  { from: 'TIME_WAIT', to: 'CLOSE', what: 'TIME_CLOSE timer' },
  { from: 'LISTEN', to: 'CLOSE', via: [[8, cy(0)], [8, bottom], [cx(1) - 30, bottom]], what: 'close' },
  { from: 'SYN_SENT', to: 'CLOSE', via: [[W - 8, cy(0)], [W - 8, bottom], [cx(1) + 30, bottom]], what: 'close' },
];

function border(c: Pt, toward: Pt): Pt {
  const dx = toward[0] - c[0];
  const dy = toward[1] - c[1];
  if (dx === 0 && dy === 0) return c;
  const t = Math.min(dx ? BW / 2 / Math.abs(dx) : Infinity, dy ? BH / 2 / Math.abs(dy) : Infinity);
  return [c[0] + dx * t, c[1] + dy * t];
}

interface EdgeView {
  key: string;
  g: SVGGElement;
  label: SVGTextElement;
  labelBg: SVGRectElement;
  mid: Pt;
  what: string;
}

interface NodeView {
  def: NodeDef;
  g: SVGGElement;
  tag: SVGTextElement;
}

export class StateDiagram {
  readonly el: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly edgeLayer = s('g', { class: 'edges' });
  private readonly labelLayer = s('g', { class: 'edge-labels' });
  private readonly nodes = new Map<string, NodeView>();
  private readonly edges = new Map<string, EdgeView>();
  private readonly caption = h('p', { class: 'diagram-caption', 'aria-live': 'polite' });
  private focused = 'ESTABLISHED';
  private lit = new Set<string>();
  private current = new Map<string, string[]>();

  constructor() {
    this.svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'state-diagram', role: 'group', 'aria-label': 'TCP state diagram of the close path; use the arrow keys to move between states' });
    const defs = s('defs', {});
    for (const id of ['arrow', 'arrow-lit']) {
      defs.append(s('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse', class: id }, s('path', { d: 'M0,0 L10,5 L0,10 z' })));
    }
    const nodeLayer = s('g', { class: 'nodes' });
    this.svg.append(defs, this.edgeLayer, nodeLayer, this.labelLayer);
    for (const d of NODES) {
      const x = cx(d.col);
      const y = cy(d.row);
      const tag = s('text', { class: 'socket-tag', x: x + BW / 2, y: y - BH / 2 - 4, 'text-anchor': 'end' });
      const g = s(
        'g',
        { class: 'node', 'data-state': d.name, tabindex: d.name === this.focused ? 0 : -1, role: 'img', 'aria-label': d.name },
        s('rect', { x: x - BW / 2, y: y - BH / 2, width: BW, height: BH, rx: 6 }),
        s('text', { x, y: y + 4, 'text-anchor': 'middle', class: 'node-name', text: d.name }),
        tag,
      );
      g.addEventListener('focus', () => this.describe(d.name));
      g.addEventListener('keydown', (e) => this.key(e, d));
      g.addEventListener('click', () => this.focus(d.name));
      nodeLayer.append(g);
      this.nodes.set(d.name, { def: d, g, tag });
    }
    for (const e of EDGES) this.addEdge(e.from, e.to, e.via, e.what, false);
    this.el = h('section', { class: 'diagram', 'aria-label': 'State diagram' }, h('h2', { text: 'State machine' }), this.svg, this.caption);
  }

  private addEdge(from: string, to: string, via: Pt[] | undefined, what: string, extra: boolean): EdgeView | undefined {
    const a = this.nodes.get(from);
    const b = this.nodes.get(to);
    if (!a || !b) return undefined;
    const key = `${from}>${to}`;
    const ca: Pt = [cx(a.def.col), cy(a.def.row)];
    const cb: Pt = [cx(b.def.col), cy(b.def.row)];
    const pts: Pt[] = [border(ca, via?.[0] ?? cb), ...(via ?? []), border(cb, via?.[via.length - 1] ?? ca)];
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' ');
    const mid: Pt = via ? via[Math.floor(via.length / 2)] : [(pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2];
    const g = s('g', { class: extra ? 'edge extra' : 'edge', 'data-edge': key }, s('path', { d, 'marker-end': 'url(#arrow)' }), s('title', { text: `${from} → ${to}: ${what}` }));
    const labelBg = s('rect', { class: 'edge-label-bg', height: 16, rx: 3 });
    const label = s('text', { class: 'edge-label', x: mid[0], y: mid[1] + 4, 'text-anchor': 'middle' });
    const lg = s('g', { class: 'edge-label-group', 'data-edge': key }, labelBg, label);
    lg.classList.add('off');
    this.edgeLayer.append(g);
    this.labelLayer.append(lg);
    const v = { key, g, label, labelBg, mid, what };
    this.edges.set(key, v);
    return v;
  }

  update(stop: StopSnapshot): void {
    // which socket is in which state
    const current = new Map<string, string[]>();
    const names = Object.keys(stop.sockets);
    names.forEach((n) => {
      const st = stateName(stop.sockets[n].display.state);
      current.set(st, [...(current.get(st) ?? []), n]);
    });
    for (const [name, v] of this.nodes) {
      const here = current.get(name) ?? [];
      toggle(v.g, 'current', here.length > 0);
      for (let i = 0; i < 4; i++) toggle(v.g, `cur-sock-${i}`, here.some((n) => names.indexOf(n) % 4 === i));
      setText(v.tag, here.join(', '));
      setAttr(v.g, 'aria-label', this.nodeLabel(name, here));
    }
    this.current = current;
    // the transitions of this step
    const lit = new Map<string, string[]>();
    for (const t of stop.transitions) {
      const from = stateName(t.from);
      const to = stateName(t.to);
      const key = `${from}>${to}`;
      if (!this.edges.has(key)) this.addEdge(from, to, undefined, 'taken in this run', true);
      const where = t.fn ? `${t.fn}:${t.line ?? '?'}` : 'unknown line';
      lit.set(key, [...(lit.get(key) ?? []), names.length > 1 ? `${t.socket}: ${where}` : where]);
    }
    for (const [key, v] of this.edges) {
      const labels = lit.get(key);
      toggle(v.g, 'lit', !!labels);
      setAttr(v.g.firstElementChild!, 'marker-end', labels ? 'url(#arrow-lit)' : 'url(#arrow)');
      const lg = v.label.parentNode as SVGGElement;
      if (labels) {
        const text = labels.join('; ');
        setText(v.label, text);
        const w = text.length * 6.6 + 10;
        const x = Math.min(Math.max(v.mid[0], w / 2 + 2), W - w / 2 - 2);
        setAttr(v.label, 'x', x.toFixed(1));
        setAttr(v.labelBg, 'x', (x - w / 2).toFixed(1));
        setAttr(v.labelBg, 'y', v.mid[1] - 9);
        setAttr(v.labelBg, 'width', w.toFixed(1));
        setAttr(lg, 'aria-label', `transition ${key.replace('>', ' to ')} taken by ${text}`);
        setAttr(lg, 'role', 'img');
      }
      toggle(lg, 'off', !labels);
    }
    this.lit = new Set(lit.keys());
    const caption = stop.transitions.map((t) => `${t.socket}: ${stateName(t.from)} → ${stateName(t.to)}${t.fn ? ` by ${t.fn}:${t.line ?? '?'}` : ''}`).join('; ');
    setText(this.caption, caption ? `Transition: ${caption}` : '');
  }

  private nodeLabel(name: string, here: string[]): string {
    const out = [...this.edges.values()].filter((e) => e.key.startsWith(`${name}>`)).map((e) => e.key.split('>')[1]);
    let l = name;
    if (here.length) l += `, current state of ${here.join(' and ')}`;
    if (out.length) l += `; leads to ${out.join(', ')}`;
    return l;
  }

  private describe(name: string): void {
    const lit = [...this.lit].filter((k) => k.split('>').includes(name));
    setText(this.caption, this.nodeLabel(name, this.current.get(name) ?? []) + (lit.length ? `; just taken: ${lit.join(', ').replace(/>/g, ' → ')}` : ''));
  }

  private focus(name: string): void {
    const v = this.nodes.get(name);
    if (!v) return;
    const old = this.nodes.get(this.focused);
    if (old) setAttr(old.g, 'tabindex', -1);
    this.focused = name;
    setAttr(v.g, 'tabindex', 0);
    v.g.focus();
  }

  private key(e: KeyboardEvent, d: NodeDef): void {
    const dir: Record<string, Pt> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    let target: NodeDef | undefined;
    if (e.key === 'Home') target = NODES[0];
    else if (e.key === 'End') target = NODES[NODES.length - 1];
    else if (dir[e.key]) {
      const [dx, dy] = dir[e.key];
      let best = Infinity;
      for (const n of NODES) {
        const ddx = n.col - d.col;
        const ddy = n.row - d.row;
        const along = ddx * dx + ddy * dy;
        if (along <= 0) continue;
        const score = along + 2 * Math.abs(dx ? ddy : ddx);
        if (score < best) {
          best = score;
          target = n;
        }
      }
    } else return;
    e.preventDefault();
    if (target) this.focus(target.name);
  }

  reset(): void {
    for (const v of [...this.edges.values()]) if (v.g.classList.contains('extra')) {
      v.g.remove();
      (v.label.parentNode as Element).remove();
      this.edges.delete(v.key);
    }
  }
}
