// The segments as a sequence diagram: one lane per socket (plus 'peer', the scenario's side of a
// socket without a link), one arrow per segment in the order sent, dropped ones marked, the one
// being processed at this stop highlighted; once the whole run is known, the segments still to
// come follow, dimmed, below a rule that is now. Rows are kept by segment id between stops.

import type { SegmentSnapshot, StopSnapshot } from '../src/common/protocol';
import { seconds } from '../src/common/clock';
import { h, s, setAttr, setText, toggle } from './dom';

const W = 540;
const TOP = 34;
const ROW = 40;
const LEFT = 70;

interface Row {
  g: SVGGElement;
  line: SVGLineElement;
  label: SVGTextElement;
  time: SVGTextElement;
  cross: SVGTextElement;
  title: SVGTitleElement;
}

export class SequenceView {
  readonly el: HTMLElement;
  private readonly svg = s('svg', { class: 'sequence', role: 'list', 'aria-label': 'Segments exchanged' });
  private readonly laneLayer = s('g', { class: 'lanes' });
  private readonly rowLayer = s('g', { class: 'rows' });
  private readonly count = h('span', { class: 'count' });
  private readonly empty = h('p', { class: 'empty', text: 'No segment yet.' });
  private lanesKey = '';
  private lanes: string[] = [];
  private lifelines: SVGLineElement[] = [];
  private readonly rows = new Map<number, Row>();
  private readonly nowRule = s('line', { class: 'later-rule', x1: LEFT, x2: W });
  private readonly nowNote = s('text', { class: 'later-note', x: W, 'text-anchor': 'end', text: 'later in the run' });

  constructor() {
    const defs = s('defs', {});
    for (const id of ['seg-arrow', 'seg-arrow-current']) defs.append(s('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto', class: id }, s('path', { d: 'M0,0 L10,5 L0,10 z' })));
    this.svg.append(defs, this.laneLayer, this.rowLayer);
    this.el = h('section', { class: 'segments', 'aria-label': 'Segments' }, h('h2', {}, 'Segments ', this.count), this.empty, this.svg);
  }

  private laneX(name: string): number {
    const i = this.lanes.indexOf(name);
    const n = this.lanes.length;
    return n <= 1 ? (LEFT + W) / 2 : LEFT + 40 + (i * (W - LEFT - 80)) / (n - 1);
  }

  private setLanes(stop: StopSnapshot): void {
    const lanes = Object.keys(stop.sockets);
    for (const seg of stop.segments) for (const e of [seg.from, seg.to]) if (!lanes.includes(e)) lanes.push(e);
    const key = lanes.join('\0');
    if (key === this.lanesKey) return;
    this.lanesKey = key;
    this.lanes = lanes;
    this.rows.clear();
    this.rowLayer.replaceChildren();
    this.laneLayer.replaceChildren();
    this.lifelines = [];
    lanes.forEach((name, i) => {
      const x = this.laneX(name);
      const sock = name in stop.sockets ? `sock-${i % 4}` : 'peer';
      const line = s('line', { class: `lifeline ${sock}`, x1: x, x2: x, y1: 24, y2: TOP });
      this.lifelines.push(line);
      this.laneLayer.append(s('text', { class: `lane-name ${sock}`, x, y: 16, 'text-anchor': 'middle', text: name }), line);
    });
  }

  private row(seg: SegmentSnapshot): Row {
    let r = this.rows.get(seg.id);
    if (r) return r;
    const title = s('title', {});
    r = {
      g: s('g', { class: 'segment', 'data-seg-id': seg.id, role: 'listitem' }, title),
      line: s('line', { 'marker-end': 'url(#seg-arrow)' }),
      label: s('text', { class: 'seg-label', 'text-anchor': 'middle' }),
      time: s('text', { class: 'seg-time', x: 4 }),
      cross: s('text', { class: 'seg-cross', 'text-anchor': 'middle', text: '✕' }),
      title,
    };
    r.g.append(r.line, r.label, r.time, r.cross);
    this.rowLayer.append(r.g);
    this.rows.set(seg.id, r);
    return r;
  }

  update(stop: StopSnapshot): void {
    this.setLanes(stop);
    const seen = new Set<number>();
    const later = stop.later ?? [];
    const all = later.length ? [...stop.segments, ...later] : stop.segments;
    all.forEach((seg, i) => {
      seen.add(seg.id);
      const r = this.row(seg);
      const isLater = i >= stop.segments.length;
      const y = TOP + 22 + i * ROW + (isLater ? ROW / 2 : 0);
      const x1 = this.laneX(seg.from);
      let x2 = this.laneX(seg.to);
      if (seg.dropped) x2 = x1 + (x2 - x1) * 0.6;
      const current = seg.id === stop.currentSegment;
      const text = `${seg.flags} seq=${seg.seq} ack=${seg.ack}${seg.len ? ` len=${seg.len}` : ''}`;
      setAttr(r.line, 'x1', x1);
      setAttr(r.line, 'x2', x2.toFixed(1));
      setAttr(r.line, 'y1', y);
      setAttr(r.line, 'y2', y + 10);
      setAttr(r.line, 'marker-end', seg.dropped ? null : current ? 'url(#seg-arrow-current)' : 'url(#seg-arrow)');
      setAttr(r.label, 'x', ((x1 + this.laneX(seg.to)) / 2).toFixed(1));
      setAttr(r.label, 'y', y - 5);
      setText(r.label, seg.dropped ? `${text} (dropped)` : text);
      setAttr(r.time, 'y', y + 4);
      setText(r.time, seconds(seg.time));
      setAttr(r.cross, 'x', x2.toFixed(1));
      setAttr(r.cross, 'y', y + 10);
      toggle(r.g, 'dropped', seg.dropped);
      toggle(r.g, 'current', current);
      toggle(r.g, 'later', isLater);
      setAttr(r.g, 'aria-current', current ? 'true' : null);
      const desc = `segment ${seg.id}: ${seg.from} to ${seg.to} at ${seconds(seg.time)}, ${text}${seg.dropped ? ', dropped' : ''}${current ? ', being processed' : ''}${isLater ? ', later in the run' : ''}`;
      // on hover, the header bytes the kernel built (a segment it sent)
      setText(r.title, seg.bytes ? `${desc}\n${headerLines(seg.bytes)}` : desc);
      setAttr(r.g, 'aria-label', desc);
    });
    for (const [id, r] of this.rows) if (!seen.has(id)) {
      r.g.remove();
      this.rows.delete(id);
    }
    const height = TOP + 22 + all.length * ROW + (later.length ? ROW / 2 : 0);
    setAttr(this.svg, 'viewBox', `0 0 ${W} ${height}`);
    setAttr(this.svg, 'height', height);
    for (const l of this.lifelines) setAttr(l, 'y2', height - 6);
    // now: the rule between the segments sent so far and those to come
    if (later.length) {
      const y = TOP + 22 + stop.segments.length * ROW - ROW / 4;
      setAttr(this.nowRule, 'y1', y);
      setAttr(this.nowRule, 'y2', y);
      setAttr(this.nowNote, 'y', y + 12);
      this.rowLayer.append(this.nowRule, this.nowNote);
    } else {
      this.nowRule.remove();
      this.nowNote.remove();
    }
    const dropped = stop.segments.filter((x) => x.dropped).length;
    setText(this.count, `(${stop.segments.length}${dropped ? `, ${dropped} dropped` : ''}${later.length ? `; ${later.length} later` : ''})`);
    this.empty.hidden = all.length > 0;
  }
}

/** `IP header (20 bytes): 45 00 …` and `TCP header (20 bytes): 13 88 …`: the hex split where the IP header's length (IHL) says. */
export function headerLines(hex: string): string {
  const bytes = hex.match(/../g) ?? [];
  const ihl = Math.min(bytes.length, (parseInt(bytes[0] ?? '0', 16) & 0x0f) * 4);
  const ip = bytes.slice(0, ihl);
  const tcp = bytes.slice(ihl);
  return `IP header (${ip.length} bytes): ${ip.join(' ')}\nTCP header (${tcp.length} bytes): ${tcp.join(' ')}`;
}
