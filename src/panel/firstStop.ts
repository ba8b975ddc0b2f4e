// The inline adapter of each tcp-close session, wrapped so that its first stop waits (at most
// FIRST_STOP_MAX_WAIT_MS) until the live panel painted it (./hold.ts says why). The panel tells
// `firstStopMayGo` when it painted its first stop, was hidden or closed.

import * as vscode from 'vscode';
import { FirstStopHold, type Outcome, type SentMessage } from './hold';

/**
 * Long enough for a first webview to load on a loaded machine (3 s was not, in .ci/run's e2e at load
 * average 17); only a visible, loading panel is waited for: a hidden or closed one releases at once.
 */
export const FIRST_STOP_MAX_WAIT_MS = 10_000;

const holds = new Map<string, FirstStopHold<SentMessage>>();

/** The panel of session `id` painted its first stop, or will not (hidden, closed). */
export function firstStopMayGo(id: string): void {
  holds.get(id)?.release();
}

class HoldingAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private readonly hold: FirstStopHold<SentMessage>;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly inner: vscode.DebugAdapter,
    private readonly id: string,
    snapshotEvent: string,
    report: (outcome: Outcome, waitedMs: number) => void,
  ) {
    this.hold = new FirstStopHold<SentMessage>(
      (m) => this.sent.fire(m as vscode.DebugProtocolMessage),
      snapshotEvent,
      FIRST_STOP_MAX_WAIT_MS,
      () => vscode.workspace.getConfiguration('tcpCloseDebugger').get<boolean>('panel.openOnStart', true),
      report,
    );
    holds.set(id, this.hold);
    this.subscription = inner.onDidSendMessage((m) => this.hold.push(m as SentMessage));
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    this.inner.handleMessage(message);
  }

  dispose(): void {
    if (holds.get(this.id) === this.hold) holds.delete(this.id);
    this.hold.dispose();
    this.subscription.dispose();
    this.inner.dispose();
    this.sent.dispose();
  }
}

/** `adapter` for `session`, its first `stopped` event held until the panel painted that stop. */
export function holdFirstStop(
  adapter: vscode.DebugAdapter,
  session: vscode.DebugSession,
  snapshotEvent: string,
  report: (outcome: Outcome, waitedMs: number) => void = () => {},
): vscode.DebugAdapter {
  return new HoldingAdapter(adapter, session.id, snapshotEvent, report);
}
