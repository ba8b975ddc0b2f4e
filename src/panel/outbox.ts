// What the host still has to tell the webview, with flow control: nothing is sent before the
// webview says `ready`, one message is in flight at a time, and only the latest stop is kept
// while the webview is busy (a burst of steps sends the last one, not every one).

import type { HostToWebview, StopSnapshot } from '../common/protocol';

type SessionMessage = Extract<HostToWebview, { type: 'session' }>;

export class Outbox {
  private ready = false;
  private inFlight = false;
  private session: SessionMessage | undefined;
  private stop: StopSnapshot | undefined;
  private ended = false;
  private dirty = { session: false, stop: false, ended: false };
  /** stops replaced before they were sent (for the log and the tests) */
  dropped = 0;

  constructor(
    private readonly send: (m: HostToWebview) => PromiseLike<boolean>,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  setSession(m: SessionMessage): void {
    this.session = m;
    this.stop = undefined;
    this.ended = false;
    this.dirty = { session: true, stop: false, ended: false };
    this.flush();
  }

  setStop(s: StopSnapshot): void {
    if (this.dirty.stop) this.dropped++;
    this.stop = s;
    this.dirty.stop = true;
    this.flush();
  }

  setEnded(): void {
    this.ended = true;
    this.dirty.ended = true;
    this.flush();
  }

  get latestStop(): StopSnapshot | undefined {
    return this.stop;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The webview (re)loaded its script: it knows nothing, so everything is sent again. */
  webviewReady(): void {
    this.ready = true;
    this.dirty = { session: !!this.session, stop: !!this.stop, ended: this.ended };
    this.flush();
  }

  /** The webview went away (hidden: its context is destroyed); wait for the next `ready`. */
  webviewGone(): void {
    this.ready = false;
  }

  private next(): HostToWebview | undefined {
    if (this.dirty.session && this.session) {
      this.dirty.session = false;
      return this.session;
    }
    if (this.dirty.stop && this.stop) {
      this.dirty.stop = false;
      return { type: 'stop', stop: this.stop };
    }
    if (this.dirty.ended && this.ended) {
      this.dirty.ended = false;
      return { type: 'ended' };
    }
    return undefined;
  }

  private flush(): void {
    if (!this.ready || this.inFlight) return;
    const m = this.next();
    if (!m) return;
    this.inFlight = true;
    const done = () => {
      this.inFlight = false;
      this.flush();
    };
    let p: PromiseLike<boolean>;
    try {
      p = this.send(m);
    } catch (e) {
      this.onError(e);
      done();
      return;
    }
    Promise.resolve(p).then(done, (e) => {
      this.onError(e);
      done();
    });
  }
}
