// The first stop of a session is shown by VS Code and by the live panel, which are told by two
// different messages: the DAP `stopped` event (the editor's arrow, Call Stack, Variables) and the
// adapter's `tcpClose/stop` event that follows it (the panel's snapshot). The panel's webview is
// created when the session starts and is still loading its page then, so on a loaded machine the
// debugger showed the stop while the panel stayed blank for seconds.
//
// FirstStopHold sits between the adapter and VS Code and holds back the first `stopped` event, and
// every message after it except the snapshot events, until the panel says it painted a stop
// (`release()`), or `maxWaitMs` have passed, so a panel that is closed, hidden or slow never
// stops the debugger. Later stops pass straight through. No `vscode` import: the wrapper of the
// adapter is in ./firstStop.ts.

/** A DAP message as the adapter sends it (only these fields are read). */
export interface SentMessage {
  type: string;
  event?: string;
}

export type Outcome = 'painted' | 'timeout' | 'ended' | 'not held';

export class FirstStopHold<M extends SentMessage> {
  private phase: 'before' | 'holding' | 'passing' = 'before';
  private held: M[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** how the hold ended, for the log: painted, timed out, the session ended first, or not held (no panel) */
  outcome: Outcome | undefined;

  constructor(
    private readonly forward: (m: M) => void,
    /** the snapshot event that must reach the panel while the `stopped` event waits */
    private readonly snapshotEvent: string,
    private readonly maxWaitMs: number,
    /** whether a panel will paint this session's stops (asked at the first stop) */
    private readonly panelExpected: () => boolean,
    /** told how the hold ended and how long the first stop waited */
    private readonly report: (outcome: Outcome, waitedMs: number) => void = () => {},
  ) {}

  private heldSince = 0;

  push(m: M): void {
    if (this.phase === 'passing') return this.forward(m);
    if (this.phase === 'before') {
      if (m.type === 'event' && m.event === 'stopped') {
        if (!this.panelExpected()) {
          this.outcome = 'not held';
          this.phase = 'passing';
          return this.forward(m);
        }
        this.phase = 'holding';
        this.heldSince = Date.now();
        this.held.push(m);
        this.timer = setTimeout(() => this.end('timeout'), this.maxWaitMs);
        return;
      }
      return this.forward(m);
    }
    // holding: the panel's snapshot goes on (it is what the panel waits for), the rest waits in order
    if (m.type === 'event' && m.event === this.snapshotEvent) return this.forward(m);
    if (m.type === 'event' && m.event === 'terminated') return this.end('ended', m);
    this.held.push(m);
  }

  /** The panel painted a stop: let the held messages go. */
  release(): void {
    if (this.phase === 'holding') this.end('painted');
  }

  /** Whether the first `stopped` event is being held now. */
  get holding(): boolean {
    return this.phase === 'holding';
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.phase = 'passing';
    this.held = [];
  }

  private end(outcome: Outcome, also?: M): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.outcome = outcome;
    this.phase = 'passing';
    this.report(outcome, Date.now() - this.heldSince);
    const held = this.held;
    this.held = [];
    for (const m of held) this.forward(m);
    if (also) this.forward(also);
  }
}
