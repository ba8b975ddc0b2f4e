// The browser side of the live panel: receives the host's messages (checked again here), keeps
// the DOM built once and updates only what changed at each stop, in an animation frame, and posts
// `goto` / `reveal` back. Its state (the last stop) survives hiding and reloads through
// getState/setState.

import { parseFromHost } from '../src/common/check';
import { plainMarkdown } from '../src/common/plain';
import type { StopSnapshot, WebviewToHost } from '../src/common/protocol';
import { clockText } from '../src/common/clock';
import { TimeAxis } from './axis';
import { StateDiagram } from './diagram';
import { basename, codicon, h, setAttr, setText, show, toggle } from './dom';
import { SocketsView, type Ctx } from './fields';
import { SequenceView } from './sequence';
import { WhyView } from './why';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface Saved {
  v: 1;
  session?: { name: string; scenario: string };
  stop?: StopSnapshot;
  ended: boolean;
}

const vscode = acquireVsCodeApi();
const LOG = '[tcp-close panel]';
const THROTTLE_MS = 80;

let state: Saved = { v: 1, ended: false };
let rendered: StopSnapshot | undefined;
let pending: StopSnapshot | undefined;
let frame = 0;
/** the host is told once per session when its first stop is painted (it holds the debugger's first stop until then) */
let paintedSent = false;

function post(m: WebviewToHost): void {
  vscode.postMessage(m);
}

const ctx: Ctx = {
  post,
  get ended() {
    return state.ended;
  },
  why(socket, field) {
    whyView.asked(socket, field);
    post({ type: 'why', socket, field });
  },
};

// ---- the page, built once ----
const title = h('h1', { class: 'title', text: 'TCP close' });
const scenario = h('span', { class: 'scenario' });
const endedBadge = h('span', { class: 'badge ended', text: 'session ended' });
const stopLabel = h('span', { class: 'stop-label' });
const clockLabel = h('span', { class: 'clock' });
const locButton = h('button', { class: 'link location', type: 'button' });
const banner = h('div', { class: 'banner', role: 'alert' });
const scrubber = h('input', { type: 'range', class: 'scrubber', min: 0, max: 0, value: 0, step: 1, 'aria-label': 'Stop' });
const prevButton = h('button', { class: 'icon', type: 'button', title: 'Previous stop', 'aria-label': 'Previous stop' }, codicon('debug-step-back'));
const nextButton = h('button', { class: 'icon', type: 'button', title: 'Next recorded stop', 'aria-label': 'Next recorded stop' }, codicon('debug-step-over'));
const scrubLabel = h('output', { class: 'scrub-label' });
// "Debug this outcome": where the run leaves the scenario as written, a mark on the scrubber's track
const divergenceMark = h('button', { class: 'divergence-mark', type: 'button' }, codicon('git-compare'));
const scrubTrack = h('div', { class: 'scrub-track' }, scrubber, divergenceMark);
const pcapButton = h('button', { class: 'icon export-pcap', type: 'button', title: 'Save as pcap: the segments so far, as the kernel built them', 'aria-label': 'Save as pcap' }, codicon('save'));
const mermaidButton = h('button', { class: 'icon export-mermaid', type: 'button', title: 'Sequence diagram: the segments so far as Mermaid text', 'aria-label': 'Sequence diagram' }, codicon('list-flat'));
const notes = h('section', { class: 'notes', 'aria-label': 'Notes' });
const notesBody = h('div', { class: 'notes-body' });
const placeholder = h('p', { class: 'placeholder', text: 'Waiting for the debugger…' });
const sockets = new SocketsView(() => ctx);
const diagram = new StateDiagram();
const axis = new TimeAxis();
const sequence = new SequenceView();
const whyView = new WhyView(() => ctx);
const content = h('div', { class: 'content' }, sockets.el, whyView.el, diagram.el, sequence.el, axis.el);

endedBadge.hidden = true;
divergenceMark.hidden = true;
banner.hidden = true;
notes.hidden = true;
content.hidden = true;
notes.append(h('h2', {}, codicon('note'), ' Notes'), notesBody);

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
app.replaceChildren(
  h('header', { class: 'top' }, title, scenario, endedBadge, h('span', { class: 'where' }, stopLabel, clockLabel, locButton), h('span', { class: 'exports' }, pcapButton, mermaidButton)),
  banner,
  h('nav', { class: 'timeline', 'aria-label': 'Timeline' }, prevButton, scrubTrack, nextButton, scrubLabel),
  placeholder,
  notes,
  content,
);
app.removeAttribute('aria-busy');

locButton.addEventListener('click', () => {
  const s = rendered;
  if (s?.file && s.line) post({ type: 'reveal', file: s.file, line: s.line });
});

// ---- the scrubber: goto, throttled while dragging ----
let dragging = false;
let lastPosted = -1;
let lastPostTime = 0;
let trailing = 0;

function postGoto(stop: number): void {
  if (state.ended || stop === lastPosted) return;
  lastPosted = stop;
  lastPostTime = performance.now();
  post({ type: 'goto', stop });
}

scrubber.addEventListener('pointerdown', () => (dragging = true));
window.addEventListener('pointerup', () => (dragging = false));
scrubber.addEventListener('input', () => {
  const v = scrubber.valueAsNumber;
  setText(scrubLabel, `stop ${v} / ${Number(scrubber.max)}`);
  clearTimeout(trailing);
  const wait = THROTTLE_MS - (performance.now() - lastPostTime);
  if (wait <= 0) postGoto(v);
  else trailing = window.setTimeout(() => postGoto(scrubber.valueAsNumber), wait);
});
scrubber.addEventListener('change', () => {
  dragging = false;
  clearTimeout(trailing);
  postGoto(scrubber.valueAsNumber);
});
pcapButton.addEventListener('click', () => !state.ended && post({ type: 'export', what: 'pcap' }));
mermaidButton.addEventListener('click', () => !state.ended && post({ type: 'export', what: 'mermaid' }));
divergenceMark.addEventListener('click', () => rendered?.divergence && postGoto(rendered.divergence.stop));
prevButton.addEventListener('click', () => rendered && rendered.index > 0 && postGoto(rendered.index - 1));
nextButton.addEventListener('click', () => rendered && rendered.index < rendered.stopCount - 1 && postGoto(rendered.index + 1));

// ---- rendering ----
function renderHeader(): void {
  setText(title, state.session ? state.session.name : 'TCP close');
  setText(scenario, state.session?.scenario ? basename(state.session.scenario) : '');
  show(endedBadge, state.ended);
  toggle(document.body, 'ended', state.ended);
  scrubber.disabled = state.ended || !rendered;
  pcapButton.disabled = mermaidButton.disabled = state.ended || !rendered;
  prevButton.disabled = state.ended || !rendered || rendered.index === 0;
  nextButton.disabled = state.ended || !rendered || rendered.index >= rendered.stopCount - 1;
  document.querySelectorAll<HTMLButtonElement>('button.goto').forEach((b) => (b.disabled = state.ended));
}

function renderNotes(list: string[] | undefined): void {
  const has = !!list && list.length > 0;
  show(notes, has);
  if (!has) {
    if (notesBody.childElementCount) notesBody.replaceChildren();
    return;
  }
  const text = list!.join('\n\n');
  if (notesBody.dataset.text === text) return;
  notesBody.dataset.text = text;
  // markdown shown as plain text: paragraphs, with emphasis and code markers removed
  notesBody.replaceChildren(...list!.map((n) => h('p', { text: plainMarkdown(n) })));
}

/** What the scrubber's extent is: the whole run (recorded ahead), as far as the look-ahead's budget went, or the stops recorded so far. */
const TIMELINE_SAYS = { whole: ' · whole run', capped: ' · so far (budget)', part: '' } as const;
const TIMELINE_TITLE = {
  whole: 'The whole run is recorded: the timeline reaches its end, and going anywhere in it is a jump.',
  capped: 'The run was recorded ahead up to the launch configuration\'s lookaheadStops or lookaheadSeconds; what follows is run when you step into it.',
  part: 'The stops recorded so far.',
} as const;

function render(stop: StopSnapshot): void {
  rendered = stop;
  placeholder.hidden = true;
  content.hidden = false;
  setText(stopLabel, `stop ${stop.index} of ${stop.stopCount - 1} · ${stop.kind}`);
  setText(clockLabel, clockText(stop.clock));
  show(locButton, !!(stop.file && stop.line));
  if (stop.file && stop.line) {
    setText(locButton, `${stop.fn ? `${stop.fn} · ` : ''}${basename(stop.file)}:${stop.line}`);
    setAttr(locButton, 'title', `Show ${stop.file}:${stop.line}`);
  }
  const problem = stop.kind === 'failure' || stop.kind === 'error';
  show(banner, problem);
  toggle(banner, 'error', stop.kind === 'error');
  if (problem) {
    const head = stop.kind === 'failure' ? 'Expectation failed' : 'Error in the kernel C';
    const text = `${head}: ${stop.message ?? '(no message)'}`;
    if (banner.dataset.text !== text) {
      banner.dataset.text = text;
      banner.replaceChildren(codicon(stop.kind === 'error' ? 'error' : 'warning'), h('span', { text }));
    }
  }
  setAttr(scrubber, 'max', Math.max(0, stop.stopCount - 1));
  if (!dragging) {
    scrubber.value = String(stop.index);
    lastPosted = stop.index;
  }
  setText(scrubLabel, `stop ${dragging ? scrubber.valueAsNumber : stop.index} / ${stop.stopCount - 1}${TIMELINE_SAYS[stop.timeline ?? 'part']}`);
  setAttr(scrubLabel, 'title', TIMELINE_TITLE[stop.timeline ?? 'part']);
  const d = stop.divergence;
  show(divergenceMark, !!d && d.stop < stop.stopCount);
  if (d) {
    divergenceMark.style.left = `${(100 * d.stop) / Math.max(1, stop.stopCount - 1)}%`;
    setAttr(divergenceMark, 'title', `stop ${d.stop}: ${d.text}`);
    setAttr(divergenceMark, 'aria-label', `Go to stop ${d.stop}, where the run ${d.text}`);
  }
  renderNotes(stop.notes);
  sockets.update(stop);
  diagram.update(stop);
  axis.update(stop);
  sequence.update(stop);
  whyView.stopShown(stop.index);
  renderHeader();
}

function frameCallback(): void {
  frame = 0;
  const stop = pending;
  const fromHost = pendingFromHost;
  pending = undefined;
  if (!stop) return;
  try {
    performance.mark('render-start');
    render(stop);
    performance.measure('stop-render', 'render-start');
  } catch (e) {
    console.error(LOG, 'render failed', e);
  }
  // measure once the frame has been painted (a task queued from rAF runs after the paint)
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    if (!paintedSent && fromHost) {
      paintedSent = true;
      post({ type: 'painted', stop: stop.index });
    }
    try {
      performance.measure('stop-to-paint', 'stop-received');
    } catch {
      // no mark: a restored state
    }
    ch.port1.close();
    save(); // after the paint: serialising the snapshot should not delay it
  };
  ch.port2.postMessage(null);
}

/** whether the stop waiting for a frame came from the host (not restored from the saved state) */
let pendingFromHost = false;

function schedule(stop: StopSnapshot, fromHost = true): void {
  pending = stop;
  pendingFromHost = fromHost;
  if (!frame) frame = requestAnimationFrame(frameCallback);
}

function save(): void {
  vscode.setState({ v: 1, session: state.session, stop: rendered, ended: state.ended } satisfies Saved);
}

window.addEventListener('message', (ev: MessageEvent) => {
  try {
    const m = parseFromHost(ev.data);
    if (typeof m === 'string') {
      console.warn(LOG, `ignored a message: ${m}`);
      return;
    }
    switch (m.type) {
      case 'session':
        state = { v: 1, session: { name: m.name, scenario: m.scenario }, ended: false };
        if (rendered || pending) diagram.reset();
        rendered = undefined;
        pending = undefined;
        paintedSent = false;
        placeholder.hidden = false;
        content.hidden = true;
        renderHeader();
        save();
        return;
      case 'stop':
        performance.mark('stop-received');
        schedule(m.stop);
        return;
      case 'ended':
        state.ended = true;
        renderHeader();
        save();
        return;
      case 'history':
        whyView.history(m.socket, m.field, m.values);
        return;
      case 'why':
        whyView.answer(m.socket, m.field, m.stop, m.chain, m.error);
        if (rendered) whyView.stopShown(rendered.index);
        return;
    }
  } catch (e) {
    console.error(LOG, 'message handling failed', e);
  }
});

// ---- restore, then tell the host we are listening ----
const saved = vscode.getState() as Partial<Saved> | undefined;
if (saved && saved.v === 1) {
  state = { v: 1, session: saved.session, ended: !!saved.ended };
  const again = saved.stop ? parseFromHost({ type: 'stop', stop: saved.stop }) : undefined;
  if (again && typeof again !== 'string' && again.type === 'stop') schedule(again.stop, false);
}
renderHeader();
post({ type: 'ready' });
