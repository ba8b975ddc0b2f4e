// The panel's browser side in a real Chromium: the real page (src/panel/html.ts, its CSP) with
// media/dist/panel.js, fed with snapshots recorded from the engine running the examples.
// Run: node --import tsx --test test/panel/panel.test.ts

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { StopSnapshot } from '../../src/common/protocol';
import { launch, openPanel, recordSnapshots, root, serveFixture, setTheme, whyChain, type Fixture, type PanelPage } from './harness';

const SESSION = { type: 'session', name: 'passive close', sockets: ['server'], scenario: join(root, 'examples/passive-close.tcpscenario') };
const shots = join(root, 'test-results', 'panel');

let browser: Browser;
let fixture: Fixture;
let passive: StopSnapshot[];
let fourWay: StopSnapshot[];
let lostFin: StopSnapshot[];

const stateOf = (s: StopSnapshot, sock = 'server') => s.sockets[sock].display.state;
/** the first stop where `sock` is in `state` */
function firstIn(all: StopSnapshot[], state: string, sock = 'server'): StopSnapshot {
  const s = all.find((x) => stateOf(x, sock).startsWith(state + ' '));
  assert.ok(s, `no stop with ${sock} in ${state}`);
  return s;
}

before(async () => {
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  [passive, fourWay, lostFin] = await Promise.all([
    recordSnapshots('examples/passive-close.tcpscenario'),
    recordSnapshots('examples/four-way.tcpscenario'),
    recordSnapshots('examples/lost-fin.tcpscenario'),
  ]);
  fixture = await serveFixture();
  browser = await launch();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await fixture?.close();
});

async function panel(theme: 'light' | 'dark' = 'dark'): Promise<PanelPage> {
  const p = await openPanel(browser, fixture, theme);
  await p.send(SESSION);
  return p;
}

/** Plays the recorded stops up to `target` the way a user stepping would: each one painted. */
async function stepTo(p: PanelPage, all: StopSnapshot[], target: number, from = 0): Promise<void> {
  for (let i = from; i <= target; i++) await p.showStop(all[i]);
}

describe('panel (Chromium)', () => {
  test('Why?: a row\'s button asks for its field; the answer is a tree of writers back to the scenario, whose buttons step back and show the lines; a stale or malformed answer is said so', async () => {
    const p = await panel();
    // LAST_ACK (9): tcp_set_state, passed by tcp_close_state, after its switch read CLOSE_WAIT
    const { stop, chain, history } = await whyChain('examples/passive-close.tcpscenario', 'state', 9);
    await p.showStop(passive[stop]);
    const row = p.page.locator('article[data-socket="server"] tr[data-field="state"]');
    await row.locator('button.why').click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'why', socket: 'server', field: 'state' });
    const view = p.page.locator('section.why');
    assert.equal(await view.isVisible(), true);
    assert.match((await view.locator('.why-wait').textContent()) ?? '', /following the writers/);
    await p.send({ type: 'why', socket: 'server', field: 'state', stop, chain });
    await view.locator('ul.why-tree').waitFor();
    assert.equal(await view.locator('h2').textContent(), `Why is server.state 9 at stop ${stop}?`);
    const top = view.locator('ul.why-tree > li').first();
    assert.match((await top.locator('.why-link').first().textContent()) ?? '', /server\.state = 9 ← written by tcp_set_state:\d+/);
    assert.match((await top.locator('.why-during').first().textContent()) ?? '', /close\(\) of server \(scenario line 11\)/);
    // every link of the chain is in the tree, nested as the chain is
    const count = (l: typeof chain): number => 1 + l.reads.reduce((n, r) => n + count(r), 0);
    assert.equal(await view.locator('li[role="treeitem"]').count(), count(chain));
    assert.ok((await view.locator('li[data-kind="argument"]').count()) > 0, 'a parameter passed by a caller');
    assert.ok((await view.locator('.why-control').count()) > 0, 'a test that led to a writer');
    // the field's history beside its chain: a chip per value, the one now held marked; a chip goes to its first stop
    await p.send({ type: 'history', socket: 'server', field: 'state', values: history });
    const chips = view.locator('ol.why-history li');
    await chips.first().waitFor();
    assert.deepEqual(await view.locator('ol.why-history button.chip').allTextContents(), history.map((v) => v.value));
    assert.deepEqual(await view.locator('ol.why-history li.now button.chip').allTextContents(), ['9']);
    assert.match((await view.locator('ol.why-history button.chip').nth(1).getAttribute('title')) ?? '', /from stop \d+, written by tcp_set_state:\d+: go there/);
    await view.locator('ol.why-history button.chip').first().click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'goto', stop: 0 });
    // a history of another field than the one asked about is not shown
    await p.send({ type: 'history', socket: 'server', field: 'rto', values: [{ stop: 0, value: '300' }] });
    await p.page.waitForTimeout(50);
    assert.equal(await chips.count(), history.length);
    await view.screenshot({ path: join(shots, 'why.png') });
    // the root's step back goes to its writer's stop; its name shows the line
    const origin = chain.origin as { stop: number; file: string; line: number };
    await top.locator('button.why-goto').first().click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'goto', stop: origin.stop });
    await top.locator('button.why-reveal').first().click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'reveal', file: origin.file, line: origin.line });
    // another stop shown: the chain stays, said to be of its own stop
    await p.showStop(passive[0]);
    assert.deepEqual(await view.locator('ol.why-history li.now button.chip').allTextContents(), [history[0].value], 'the value the stop shown holds');
    await p.showStop(passive[stop + 1]);
    assert.match((await view.locator('.why-stale').textContent()) ?? '', new RegExp(`chain is of stop ${stop}; the debugger is at stop ${stop + 1}`));
    // a malformed history is refused by the page's check (the strip stays)
    await p.send({ type: 'history', socket: 'server', field: 'state', values: [{ stop: 5, value: '1' }, { stop: 2, value: '2' }] });
    await p.page.waitForTimeout(50);
    assert.equal(await chips.count(), history.length);
    // an error answer, then a malformed chain (ignored: the error stays)
    await p.send({ type: 'why', socket: 'server', field: 'timer', stop, error: 'server.timer is not an integer or a pointer' });
    await view.locator('.why-error').waitFor();
    await p.send({ type: 'why', socket: 'server', field: 'state', stop, chain: { ...chain, origin: { kind: 'statement' } } });
    await p.page.waitForTimeout(100);
    assert.match((await view.locator('.why-error').textContent()) ?? '', /not an integer/);
    await view.locator('button.why-close').click();
    assert.equal(await view.isVisible(), false);
    await p.page.context().close();
  });

  test('the page says ready, loads its script under the CSP, and shows the first stop', async () => {
    const p = await panel();
    const posted = await p.posted();
    assert.deepEqual(posted[0], { type: 'ready' });
    await p.showStop(passive[0]);
    assert.equal(await p.page.locator('article[data-socket="server"] .state-name').textContent(), 'ESTABLISHED');
    assert.equal(await p.page.locator('article[data-socket="server"] .state-num').textContent(), '(1)');
    assert.equal(await p.page.locator('.title').textContent(), 'passive close');
    // the host holds the debugger's first stop until the panel says it painted one (once a session)
    const painted = async () => (await p.posted()).filter((m) => (m as { type: string }).type === 'painted');
    assert.deepEqual(await painted(), [{ type: 'painted', stop: passive[0].index }]);
    await p.showStop(passive[1]);
    assert.deepEqual(await painted(), [{ type: 'painted', stop: passive[0].index }]);
    await p.send(SESSION);
    await p.showStop(passive[2]);
    assert.deepEqual((await painted()).at(-1), { type: 'painted', stop: passive[2].index }, 'a new session is told again');
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  test('after the FIN: CLOSE_WAIT, the changed field with its previous value, the writer, the lit transition', async () => {
    const p = await panel();
    const s = passive.find((x) => x.transitions.length > 0)!;
    assert.equal(s.transitions[0].to, 'TCP_CLOSE_WAIT');
    await stepTo(p, passive, s.index, s.index - 3);
    const card = p.page.locator('article[data-socket="server"]');
    assert.equal(await card.locator('.state-name').textContent(), 'CLOSE_WAIT');
    assert.equal(await card.locator('.state-num').textContent(), '(8)');
    const row = card.locator('tr[data-field="state"]');
    assert.match((await row.getAttribute('class')) ?? '', /\bchanged\b/);
    assert.equal(await row.locator('.value-now').textContent(), 'TCP_CLOSE_WAIT (8)');
    assert.equal(await row.locator('.was').textContent(), 'was TCP_ESTABLISHED (1)');
    const w = s.sockets.server.writers.state;
    assert.equal(await row.locator('button.reveal').textContent(), `${w.fn}:${w.line}`);
    // unchanged fields are not highlighted
    assert.doesNotMatch((await card.locator('tr[data-field="write_seq"]').getAttribute('class')) ?? '', /changed/);
    assert.equal(await card.locator('tr[data-field="write_seq"] .was').isVisible(), false);
    // the diagram
    assert.match((await p.page.locator('.node[data-state="CLOSE_WAIT"]').getAttribute('class')) ?? '', /\bcurrent\b/);
    assert.doesNotMatch((await p.page.locator('.node[data-state="ESTABLISHED"]').getAttribute('class')) ?? '', /\bcurrent\b/);
    assert.match((await p.page.locator('.node[data-state="CLOSE_WAIT"]').getAttribute('aria-label')) ?? '', /current state of server/);
    assert.match((await p.page.locator('.edge[data-edge="ESTABLISHED>CLOSE_WAIT"]').getAttribute('class')) ?? '', /\blit\b/);
    const label = p.page.locator('.edge-label-group[data-edge="ESTABLISHED>CLOSE_WAIT"]');
    assert.equal(await label.locator('text').textContent(), `${s.transitions[0].fn}:${s.transitions[0].line}`);
    assert.equal(await label.isVisible(), true);
    assert.match((await p.page.locator('.diagram-caption').textContent()) ?? '', /server: ESTABLISHED → CLOSE_WAIT by tcp_fin:\d+/);
    // one step later the transition is no longer "just taken"; the highlight follows the changes of that step
    await p.showStop(passive[s.index + 1]);
    assert.doesNotMatch((await p.page.locator('.edge[data-edge="ESTABLISHED>CLOSE_WAIT"]').getAttribute('class')) ?? '', /\blit\b/);
    assert.equal(await label.isVisible(), false);
    assert.match((await p.page.locator('.node[data-state="CLOSE_WAIT"]').getAttribute('class')) ?? '', /\bcurrent\b/);
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  test('updates are incremental: the same DOM nodes are kept from stop to stop', async () => {
    const p = await panel();
    // from the first stop with two segments on the wire to the end (the FIN's LAST_ACK on the way)
    const from = passive.findIndex((x) => x.segments.length >= 2);
    assert.ok(from > 0);
    await p.showStop(passive[from]);
    await p.page.evaluate(() => {
      const d = (globalThis as any).document;
      d.querySelector('[data-socket="server"]').__kept = 1;
      d.querySelector('tr[data-field="fin_seq"]').__kept = 1;
      d.querySelector('.node[data-state="LAST_ACK"]').__kept = 1;
      d.querySelector('.segment[data-seg-id="1"]').__kept = 1;
    });
    await stepTo(p, passive, passive.length - 1, from + 1);
    const kept = await p.page.evaluate(() => {
      const d = (globalThis as any).document;
      return ['[data-socket="server"]', 'tr[data-field="fin_seq"]', '.node[data-state="LAST_ACK"]', '.segment[data-seg-id="1"]'].map((q) => d.querySelector(q)?.__kept === 1);
    });
    assert.deepEqual(kept, [true, true, true, true]);
    await p.page.context().close();
  });

  test('timers: reason, expiry in jiffies and the time left on the virtual clock', async () => {
    const p = await panel();
    const s = firstIn(passive, 'TCP_LAST_ACK');
    const later = passive.find((x) => x.index > s.index && x.sockets.server.retransmit_timer)!;
    await p.showStop(later);
    const t = later.sockets.server.retransmit_timer!;
    const row = p.page.locator('article[data-socket="server"] .timer[data-timer="retransmit_timer"]');
    assert.equal(await row.locator('.timer-status').textContent(), t.reason);
    assert.equal(t.reason, 'TIME_WRITE');
    const left = t.expires - later.clock;
    assert.equal(await row.locator('.timer-when').textContent(), `expires at ${t.expires} jiffies (in ${left} jiffies = ${(left / 100).toFixed(2)} s)`);
    assert.match((await row.getAttribute('class')) ?? '', /\barmed\b/);
    // on the axis too, with the scenario's events
    const axisRow = p.page.locator('.timer-row[data-socket="server"][data-timer="retransmit_timer"]');
    assert.equal(await axisRow.locator('.timer-text').textContent(), `TIME_WRITE @${t.expires}`);
    assert.equal(await p.page.locator('.timeaxis .event').count(), new Set(later.events.map((e) => e.time)).size);
    assert.equal(await p.page.locator('.now-label').textContent(), `now ${(later.clock / 100).toFixed(2)} s`);
    const other = p.page.locator('article[data-socket="server"] .timer[data-timer="timer"]');
    if (!later.sockets.server.timer) assert.equal(await other.locator('.timer-status').textContent(), 'not armed');
    await p.page.context().close();
  });

  test('segments: one row each, the current one highlighted, dropped ones marked', async () => {
    const p = await panel();
    const end = passive[passive.length - 1];
    const cur = [...passive].reverse().find((x) => x.currentSegment !== undefined)!;
    await p.showStop(cur);
    assert.equal(await p.page.locator('.segment').count(), cur.segments.length);
    assert.match((await p.page.locator(`.segment[data-seg-id="${cur.currentSegment}"]`).getAttribute('class')) ?? '', /\bcurrent\b/);
    assert.equal(await p.page.locator('.segment.current').count(), 1);
    await p.showStop(end);
    assert.equal(await p.page.locator('.segment').count(), 4);
    assert.equal(await p.page.locator('.segment.dropped').count(), 0);
    assert.deepEqual(await p.page.locator('.lane-name').allTextContents(), ['server', 'peer']);
    const fin = end.segments.find((x) => x.from === 'server' && x.flags.includes('F'))!;
    assert.equal(await p.page.locator(`.segment[data-seg-id="${fin.id}"] .seg-label`).textContent(), 'F. seq=5000 ack=1001');
    // its hover: the IP and TCP headers the kernel built, byte by byte; the peer's too, as tcp_rcv received them
    const peer = end.segments.find((x) => x.from === 'peer')!;
    for (const seg of [fin, peer]) {
      const hover = (await p.page.locator(`.segment[data-seg-id="${seg.id}"] > title`).textContent()) ?? '';
      const hex = seg.bytes!.match(/../g)!;
      const ihl = (parseInt(hex[0], 16) & 0x0f) * 4;
      assert.ok(hover.includes(`\nIP header (${ihl} bytes): ${hex.slice(0, ihl).join(' ')}\nTCP header (${hex.length - ihl} bytes): ${hex.slice(ihl).join(' ')}`), hover);
    }
    // going back in time removes the segments not sent yet
    await p.showStop(passive[5]);
    assert.equal(await p.page.locator('.segment').count(), passive[5].segments.length);
    // a lost FIN (two linked sockets, no peer lane)
    await p.send({ ...SESSION, name: 'lost fin', sockets: ['client', 'server'] });
    const last = lostFin[lostFin.length - 1];
    await p.showStop(last);
    const dropped = last.segments.filter((x) => x.dropped);
    assert.equal(dropped.length, 1);
    assert.equal(await p.page.locator('.segment.dropped').count(), 1);
    assert.equal(await p.page.locator(`.segment[data-seg-id="${dropped[0].id}"]`).getAttribute('class'), 'segment dropped');
    assert.match((await p.page.locator('.segment.dropped .seg-label').textContent()) ?? '', /\(dropped\)$/);
    assert.deepEqual(await p.page.locator('.lane-name').allTextContents(), ['client', 'server']);
    assert.match((await p.page.locator('.segments h2 .count').textContent()) ?? '', /1 dropped/);
    await p.page.context().close();
  });

  test('two sockets side by side, each state marked in the diagram', async () => {
    const p = await panel();
    await p.send({ ...SESSION, name: 'four-way', sockets: ['client', 'server'] });
    const s = fourWay.find((x) => stateOf(x, 'client').startsWith('TCP_FIN_WAIT2') && stateOf(x, 'server').startsWith('TCP_CLOSE_WAIT'))!;
    await p.showStop(s);
    assert.deepEqual(await p.page.locator('.socket h2').allTextContents(), ['client', 'server']);
    assert.deepEqual(await p.page.locator('.socket .state-name').allTextContents(), ['FIN_WAIT2', 'CLOSE_WAIT']);
    const boxes = await Promise.all(['client', 'server'].map((n) => p.page.locator(`article[data-socket="${n}"]`).boundingBox()));
    assert.ok(boxes[0]!.x < boxes[1]!.x && Math.abs(boxes[0]!.y - boxes[1]!.y) < 2, 'side by side');
    assert.match((await p.page.locator('.node[data-state="FIN_WAIT2"]').getAttribute('class')) ?? '', /current cur-sock-0/);
    assert.match((await p.page.locator('.node[data-state="CLOSE_WAIT"]').getAttribute('class')) ?? '', /current.*cur-sock-1/);
    assert.equal(await p.page.locator('.node[data-state="FIN_WAIT2"] .socket-tag').textContent(), 'client');
    assert.equal(await p.page.locator('.node.current').count(), 2);
    await p.page.context().close();
  });

  test('the scrubber posts goto (throttled while dragging), and prev/next', async () => {
    const p = await panel();
    await stepTo(p, passive, 40, 30);
    const scrubber = p.page.locator('input.scrubber');
    assert.equal(await scrubber.getAttribute('max'), '40');
    assert.equal(await scrubber.inputValue(), '40');
    await scrubber.fill('12');
    assert.deepEqual((await p.posted()).at(-1), { type: 'goto', stop: 12 });
    await p.showStop({ ...passive[12], stopCount: 41 }); // the host answers: the timeline keeps its length
    assert.equal(await scrubber.inputValue(), '12');
    await scrubber.focus();
    await p.page.keyboard.press('ArrowRight');
    assert.deepEqual((await p.posted()).at(-1), { type: 'goto', stop: 13 });
    // a drag: many input events in a burst post few gotos, the last value always
    const n0 = (await p.posted()).length;
    await p.page.evaluate(() => {
      const el = (globalThis as any).document.querySelector('input.scrubber');
      el.dispatchEvent(new (globalThis as any).PointerEvent('pointerdown', { bubbles: true }));
      for (let v = 14; v <= 40; v++) {
        el.value = String(v);
        el.dispatchEvent(new (globalThis as any).Event('input', { bubbles: true }));
      }
    });
    await p.page.waitForTimeout(250);
    const drag = (await p.posted()).slice(n0) as { type: string; stop: number }[];
    assert.ok(drag.length >= 1 && drag.length <= 3, `throttled: ${JSON.stringify(drag)}`);
    assert.ok(drag.every((m) => m.type === 'goto'));
    assert.equal(drag.at(-1)!.stop, 40);
    await p.page.evaluate(() => (globalThis as any).document.querySelector('input.scrubber').dispatchEvent(new (globalThis as any).Event('change', { bubbles: true })));
    assert.equal((await p.posted()).length, n0 + drag.length, 'change does not post the same stop again');
    await p.page.dispatchEvent('body', 'pointerup');
    await p.showStop(passive[40]);
    await p.page.getByRole('button', { name: 'Previous stop' }).click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'goto', stop: 39 });
    await p.page.context().close();
  });

  test('"Debug this outcome": the moment the run leaves the scenario is marked on the scrubber, and the mark goes there', async () => {
    const p = await panel();
    await stepTo(p, passive, 2);
    const mark = p.page.locator('button.divergence-mark');
    assert.equal(await mark.isVisible(), false, 'no mark without a divergence');
    await p.showStop({ ...passive[3], stopCount: 41, divergence: { stop: 20, text: 'leaves the scenario as written: the fate on line 4' } });
    assert.equal(await mark.isVisible(), true);
    assert.equal(await mark.getAttribute('title'), 'stop 20: leaves the scenario as written: the fate on line 4');
    // halfway along the track: stop 20 of 0..40
    const track = (await p.page.locator('.scrub-track').boundingBox())!;
    const at = (await mark.boundingBox())!;
    assert.ok(Math.abs(at.x + at.width / 2 - (track.x + track.width / 2)) < 3, `mark at ${at.x + at.width / 2}, track centre ${track.x + track.width / 2}`);
    await mark.click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'goto', stop: 20 });
    // a malformed mark is refused with the rest of the stop
    const warned = p.console.filter((m) => m.text.includes('ignored a message')).length;
    await p.send({ type: 'stop', stop: { ...passive[4], divergence: { stop: -1, text: 'x' } } });
    await p.page.waitForTimeout(100);
    assert.equal(p.console.filter((m) => m.text.includes('ignored a message')).length, warned + 1, JSON.stringify(p.console));
    await p.page.context().close();
  });

  test('a narrow panel (beside the editor in a debug session): the two sockets\' cards stack, and no card paints over another', async () => {
    const p = await panel();
    await p.page.setViewportSize({ width: 640, height: 1300 });
    await p.send({ ...SESSION, name: 'four-way', sockets: ['client', 'server'] });
    // a late stop: every row has its writer, the widest the cards get
    await p.showStop(fourWay[fourWay.length - 1]);
    const cards = await p.page.locator('article[data-socket]').evaluateAll((els) =>
      els.map((e) => {
        const el = e as any;
        const r = el.getBoundingClientRect();
        const scrolls = ['auto', 'scroll'].includes((globalThis as any).getComputedStyle(el).overflowX);
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, scrolls, table: el.querySelector('table.fields').getBoundingClientRect().right };
      }),
    );
    assert.equal(cards.length, 2);
    const [a, b] = cards;
    const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
    assert.ok(apart, `the cards overlap: ${JSON.stringify(cards)}`);
    for (const c of cards) assert.ok(c.table <= c.right + 1 || c.scrolls, `a card's table runs past its edge, over what is beside it: ${JSON.stringify(c)}`);
    // at this width they stack, each the panel's width
    assert.ok(b.top >= a.bottom - 1, `stacked: ${JSON.stringify(cards)}`);
    await p.page.context().close();
  });

  test('segments still to come, once the whole run is known: dimmed below the rule that is now, and counted', async () => {
    const p = await panel();
    const end = passive[passive.length - 1];
    const mid = passive.find((x) => x.segments.length === 2)!;
    assert.ok(end.segments.length === 4 && mid, 'four segments, two of them sent by the middle stop');
    await p.showStop({ ...mid, later: end.segments.slice(2) });
    assert.equal(await p.page.locator('.segment').count(), 4);
    assert.equal(await p.page.locator('.segment.later').count(), 2);
    assert.deepEqual(await p.page.locator('.segment.later').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seg-id')))), [end.segments[2].id, end.segments[3].id]);
    assert.equal(await p.page.locator('.segments .count').textContent(), '(2; 2 later)');
    assert.match((await p.page.locator('.segment.later').first().getAttribute('aria-label')) ?? '', /later in the run/);
    const rule = await p.page.locator('.later-rule').boundingBox();
    const lastSent = await p.page.locator(`.segment[data-seg-id="${end.segments[1].id}"]`).boundingBox();
    const firstLater = await p.page.locator(`.segment[data-seg-id="${end.segments[2].id}"]`).boundingBox();
    assert.ok(rule && lastSent && firstLater && lastSent.y < rule.y && rule.y < firstLater.y, 'the rule between sent and to come');
    // at the end nothing is to come: no rule, the rows are the sent ones
    await p.showStop({ ...end, later: [] });
    assert.equal(await p.page.locator('.segment.later').count(), 0);
    assert.equal(await p.page.locator('.later-rule').count(), 0);
    assert.equal(await p.page.locator('.segments .count').textContent(), '(4)');
    await p.page.context().close();
  });

  test('timers still to run, once the whole run is known: a hollow mark on the timer\'s row where it runs, its reason on hover', async () => {
    const p = await panel();
    await p.send({ ...SESSION, name: 'lost fin', sockets: ['client', 'server'] });
    const laterTimers = [
      { time: 301, socket: 'client', timer: 'retransmit_timer' as const, reason: 'TIME_WRITE' },
      { time: 6302, socket: 'client', timer: 'timer' as const, reason: 'TIME_CLOSE' },
    ];
    await p.showStop({ ...lostFin[0], laterTimers });
    const runs = (socket: string, timer: string) => p.page.locator(`.timer-row[data-socket="${socket}"][data-timer="${timer}"] .timer-run`);
    assert.equal(await runs('client', 'retransmit_timer').count(), 1);
    assert.equal(await runs('client', 'timer').count(), 1);
    assert.equal(await runs('server', 'timer').count(), 0);
    assert.equal(await runs('client', 'retransmit_timer').locator('title').textContent(), 'client retransmit timer runs at 3.01 s (jiffy 301, TIME_WRITE)');
    const a = await runs('client', 'retransmit_timer').boundingBox();
    const b = await runs('client', 'timer').boundingBox();
    assert.ok(a && b && a.x < b.x, 'in time order on the axis');
    assert.match((await p.page.locator('svg.axis').getAttribute('aria-label')) ?? '', /client retransmit_timer runs later at 301/);
    // a stop of a branch whose future is not known yet: no marks
    await p.showStop(lostFin[1]);
    assert.equal(await p.page.locator('.timer-run').count(), 0);
    await p.page.context().close();
  });

  test('the timeline recorded ahead: at the first stop the scrubber spans the whole run and says so, or the budget it reached', async () => {
    const p = await panel();
    const last = passive[passive.length - 1];
    await p.showStop({ ...passive[0], stopCount: 1 });
    const scrubber = p.page.locator('input.scrubber');
    const label = p.page.locator('.scrub-label');
    assert.equal(await scrubber.getAttribute('max'), '0');
    assert.equal(await label.textContent(), 'stop 0 / 0');
    // the host's stop once the adapter has recorded the run ahead: the same stop, the whole timeline
    await p.showStop({ ...passive[0], stopCount: last.stopCount, timeline: 'whole' });
    assert.equal(await scrubber.getAttribute('max'), String(last.stopCount - 1));
    assert.equal(await scrubber.inputValue(), '0');
    assert.equal(await label.textContent(), `stop 0 / ${last.stopCount - 1} · whole run`);
    assert.match((await label.getAttribute('title')) ?? '', /whole run is recorded/);
    await scrubber.fill(String(last.stopCount - 1));
    assert.deepEqual((await p.posted()).at(-1), { type: 'goto', stop: last.stopCount - 1 });
    await p.showStop({ ...passive[0], stopCount: 40, timeline: 'capped' });
    assert.equal(await label.textContent(), 'stop 0 / 39 · so far (budget)');
    assert.match((await label.getAttribute('title')) ?? '', /lookaheadStops/);
    // a message with another timeline word is refused, the stop shown stays
    await p.send({ type: 'stop', stop: { ...passive[3], timeline: 'everything' } });
    await p.page.waitForTimeout(100);
    assert.equal(await label.textContent(), 'stop 0 / 39 · so far (budget)');
    await p.page.context().close();
  });

  test('a field\'s previous and next change: each row\'s arrows post fieldChange for its socket and field', async () => {
    const p = await panel();
    await p.showStop(passive[10]);
    const row = p.page.locator('article[data-socket="server"] tr[data-field="state"]');
    await row.locator('button.change.next').click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'fieldChange', socket: 'server', field: 'state', direction: 'next' });
    await row.locator('button.change.previous').click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'fieldChange', socket: 'server', field: 'state', direction: 'previous' });
    assert.equal(await row.locator('button.change.previous').getAttribute('aria-label'), 'Go to the previous change of server.state');
    // once the session ended the arrows post nothing
    await p.send({ type: 'ended' });
    await p.showStop(passive[11]);
    const n = (await p.posted()).length;
    await row.locator('button.change.next').click({ force: true });
    assert.equal((await p.posted()).length, n);
    await p.page.context().close();
  });

  test('a field\'s writer: reveal the line, and step back to when it was written', async () => {
    const p = await panel();
    const s = passive.find((x) => stateOf(x).startsWith('TCP_LAST_ACK') && x.sockets.server.writers.write_seq)!;
    await p.showStop(s);
    const w = s.sockets.server.writers.write_seq;
    assert.ok(w, 'write_seq has a writer');
    const row = p.page.locator('article[data-socket="server"] tr[data-field="write_seq"]');
    await row.locator('button.reveal').click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'reveal', file: w.file, line: w.line });
    assert.match(w.file, /tcp\.c$/);
    await row.locator('button.goto').click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'goto', stop: w.stop });
    assert.match((await row.locator('button.goto').getAttribute('aria-label')) ?? '', new RegExp(`Step back to stop ${w.stop}, when ${w.fn} wrote write_seq`));
    // the current location reveals too
    await p.page.locator('button.location').click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'reveal', file: s.file, line: s.line });
    await p.page.context().close();
  });

  test('"written by" names the statement that wrote the field, and the stop before its change', async () => {
    // the release's own text says where the state is written: tcp_set_state's `sk->state=state;`
    const kernel = readFileSync(join(root, 'src/kernel/linux-1.2.13/net/inet/tcp.c'), 'utf8').split('\n');
    const stateLine = kernel.findIndex((l) => l.trim() === 'sk->state=state;') + 1;
    const finLine = kernel.findIndex((l, i) => /^static int tcp_fin\(/.test(l) && kernel[i + 1]?.trim() === '{');
    const finSeqLine = kernel.findIndex((l, i) => i > finLine && l.includes('sk->fin_seq = ')) + 1;
    assert.ok(stateLine > 0 && finSeqLine > 0);
    const p = await panel();
    const s = passive.find((x) => x.transitions.length > 0)!;
    await stepTo(p, passive, s.index, s.index - 2);
    const card = p.page.locator('article[data-socket="server"]');
    for (const [field, fn, line, before, now] of [
      ['state', 'tcp_set_state', stateLine, 'TCP_ESTABLISHED (1)', 'TCP_CLOSE_WAIT (8)'],
      ['fin_seq', 'tcp_fin', finSeqLine, '0', '1001'],
    ] as const) {
      const row = card.locator(`tr[data-field="${field}"]`);
      assert.equal(await row.locator('button.reveal').textContent(), `${fn}:${line}`, `${field} written by`);
      await row.locator('button.goto').click();
      const goto = (await p.posted()).at(-1) as { type: string; stop: number };
      assert.equal(goto.type, 'goto');
      // that stop is the writing statement, the field still holding its old value; the next has the new one
      const at = passive[goto.stop];
      assert.deepEqual([at.fn, at.line, at.sockets.server.display[field]], [fn, line, before]);
      assert.equal(passive[goto.stop + 1].sockets.server.display[field], now);
    }
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  test('invalid messages are ignored and logged, without an exception', async () => {
    const p = await panel();
    await p.showStop(passive[20]);
    const html = await p.page.locator('.content').innerHTML();
    for (const bad of [42, null, 'stop', { type: 'bogus' }, { type: 'stop' }, { type: 'stop', stop: { index: 'x' } }, { type: 'stop', stop: { ...passive[30], sockets: { server: { fields: 3 } } } }, { type: 'session', name: 1 }]) await p.send(bad);
    await p.page.waitForTimeout(100);
    assert.deepEqual(p.errors, []);
    const warnings = p.console.filter((m) => m.type === 'warning' && m.text.includes('ignored a message'));
    assert.equal(warnings.length, 8, JSON.stringify(p.console));
    assert.equal(await p.page.locator('.content').innerHTML(), html, 'nothing changed');
    assert.equal(await p.page.locator('input.scrubber').inputValue(), '20');
    await p.page.context().close();
  });

  test('the CSP blocks an inline script without the nonce', async () => {
    const p = await panel();
    const r = await p.page.evaluate(async () => {
      const g = globalThis as any;
      const violations: string[] = [];
      g.document.addEventListener('securitypolicyviolation', (e: any) => violations.push(e.violatedDirective));
      const s = g.document.createElement('script');
      s.textContent = 'window.x = 1';
      g.document.body.append(s);
      const st = g.document.createElement('style');
      st.textContent = 'body { background: red }';
      g.document.head.append(st);
      await new Promise((res) => setTimeout(res, 50));
      return { x: g.x, violations, bg: g.getComputedStyle(g.document.body).backgroundColor };
    });
    assert.equal(r.x, undefined);
    assert.ok(r.violations.some((v) => v.startsWith('script-src')), JSON.stringify(r.violations));
    assert.ok(r.violations.some((v) => v.startsWith('style-src')), JSON.stringify(r.violations));
    assert.notEqual(r.bg, 'rgb(255, 0, 0)');
    const csp = await p.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp!, /^default-src 'none'; style-src http:\/\/127\.0\.0\.1:\d+; font-src http:\/\/127\.0\.0\.1:\d+; script-src 'nonce-[A-Za-z0-9+/=]+'; img-src http:\/\/127\.0\.0\.1:\d+$/);
    await p.page.context().close();
  });

  test('Save as pcap and Sequence diagram: the header\'s buttons post export, labelled; disabled once the session ended', async () => {
    const p = await panel();
    const pcap = p.page.locator('header button.export-pcap');
    const mermaid = p.page.locator('header button.export-mermaid');
    assert.equal(await pcap.getAttribute('aria-label'), 'Save as pcap');
    assert.equal(await mermaid.getAttribute('aria-label'), 'Sequence diagram');
    await p.showStop(passive[10]);
    await pcap.click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'export', what: 'pcap' });
    await mermaid.click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'export', what: 'mermaid' });
    await p.send({ type: 'ended' });
    await p.page.locator('.badge.ended').waitFor({ state: 'visible' });
    assert.equal(await pcap.isDisabled(), true);
    assert.equal(await mermaid.isDisabled(), true);
    const n = (await p.posted()).length;
    await pcap.click({ force: true });
    assert.equal((await p.posted()).length, n);
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  test('the last stop comes back after a reload (getState), and ended sessions disable goto', async () => {
    const p = await panel();
    const s = firstIn(passive, 'TCP_LAST_ACK');
    await p.showStop(s);
    await p.send({ type: 'ended' });
    await p.page.locator('.badge.ended').waitFor({ state: 'visible' });
    assert.equal(await p.page.locator('input.scrubber').isDisabled(), true);
    assert.equal(await p.page.locator('article[data-socket="server"] tr[data-field="write_seq"] button.goto').isDisabled(), true);
    await p.page.reload();
    await p.page.waitForFunction('window.__posted.some((m) => m.type === "ready")');
    await p.page.locator('article[data-socket="server"] .state-name').filter({ hasText: 'LAST_ACK' }).waitFor();
    assert.equal(await p.page.locator('.title').textContent(), 'passive close');
    assert.equal(await p.page.locator('.badge.ended').isVisible(), true);
    assert.equal(await p.page.locator('input.scrubber').inputValue(), String(s.index));
    // a new session takes the panel over
    await p.send(SESSION);
    assert.equal(await p.page.locator('.badge.ended').isVisible(), false);
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  test('failures and errors are shown prominently', async () => {
    const text = readFileSync(join(root, 'examples/passive-close.tcpscenario'), 'utf8').replace('fin_seq=1001', 'fin_seq=999');
    const failing = await recordSnapshots('examples/passive-close-failing.tcpscenario', text);
    const f = failing.find((x) => x.kind === 'failure');
    assert.ok(f, 'the changed expectation fails');
    const p = await panel();
    await p.showStop(f);
    const banner = p.page.getByRole('alert');
    assert.equal(await banner.isVisible(), true);
    assert.equal(await banner.textContent(), `Expectation failed: ${f.message}`);
    await p.showStop({ ...f, kind: 'error', message: 'NULL pointer dereference' });
    assert.equal(await banner.textContent(), 'Error in the kernel C: NULL pointer dereference');
    assert.match((await banner.getAttribute('class')) ?? '', /\berror\b/);
    await p.showStop(passive[3]);
    assert.equal(await banner.isVisible(), false);
    await p.showStop({ ...passive[4], notes: ['**tcp_fin** moves the socket to `CLOSE_WAIT`'] });
    assert.equal(await p.page.locator('.notes-body').textContent(), 'tcp_fin moves the socket to CLOSE_WAIT');
    await p.page.context().close();
  });

  test('the state diagram is keyboard-navigable and labelled', async () => {
    const p = await panel();
    await p.showStop(firstIn(passive, 'TCP_CLOSE_WAIT'));
    assert.equal(await p.page.locator('svg.state-diagram').getAttribute('role'), 'group');
    assert.ok(await p.page.locator('svg.state-diagram').getAttribute('aria-label'));
    assert.equal(await p.page.locator('.node[tabindex="0"]').count(), 1, 'one tab stop');
    await p.page.locator('.node[data-state="ESTABLISHED"]').focus();
    const focused = () => p.page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-state'));
    for (const [key, state] of [['ArrowDown', 'CLOSING'], ['ArrowLeft', 'FIN_WAIT2'], ['ArrowUp', 'FIN_WAIT1'], ['ArrowRight', 'CLOSE_WAIT'], ['ArrowDown', 'LAST_ACK'], ['ArrowUp', 'CLOSE_WAIT']]) {
      await p.page.keyboard.press(key);
      assert.equal(await focused(), state, key);
    }
    assert.match((await p.page.locator('.diagram-caption').textContent()) ?? '', /CLOSE_WAIT, current state of server; leads to LAST_ACK/);
    assert.equal(await p.page.locator('.node[tabindex="0"]').getAttribute('data-state'), 'CLOSE_WAIT');
    await p.page.context().close();
  });

  test('screenshots: light and dark at three moments of passive-close (not asserted)', async () => {
    const moments = [
      ['fin-arrived', passive.find((x) => x.transitions.length > 0)!],
      ['last-ack', firstIn(passive, 'TCP_LAST_ACK')],
      ['close', passive[passive.length - 1]],
    ] as const;
    for (const theme of ['light', 'dark'] as const) {
      const p = await panel(theme);
      for (const [name, s] of moments) {
        await p.showStop(s);
        await setTheme(p.page, theme);
        await p.page.screenshot({ path: join(shots, `passive-close-${name}-${theme}.png`), fullPage: true });
      }
      await p.page.context().close();
    }
  });
});
