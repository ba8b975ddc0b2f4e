// The cases the release's differential tests run: every example, every case of
// test/differential/scenarios.txt, and OWN, written for what those do not show on their own.
// release.test.ts (gcc's build against what the release must do) and interpreter.test.ts (the
// interpreter against gcc's build) run the same list.

import { formatDiagnostic } from '../../../src/scenario/ast';
import { parseScenario } from '../../../src/scenario/parse';
import type { Run } from '../../../src/engine/run';
import { exampleCases, scenarioFileCases } from '../gcc';
import { scenarioCase, type PCase } from '../protocol';

/** Cases written here for what the examples do not show on their own: each a scenario text. */
export const OWN: Record<string, string> = {
  'own:fin-lost-forever': [
    '# the FIN is lost every time: the retransmit timer resends it, rto doubling',
    'socket client TCP_ESTABLISHED write_seq=1000',
    'socket server TCP_ESTABLISHED write_seq=5000',
    'link client server delay=10ms',
    ...Array(5).fill('0 drop client > F. seq=1000'),
    '0 client close',
    '60s wait',
  ].join('\n'),
  'own:data-and-fin-lost': [
    '# data in flight and the FIN behind it are both lost: each is its own skb on send_head',
    'socket client TCP_ESTABLISHED write_seq=1100 sent_seq=1000 rcv_ack_seq=1000 partial=100',
    'socket server TCP_ESTABLISHED write_seq=5000 acked_seq=1000',
    'link client server delay=10ms',
    '0 drop client > P. seq=1000',
    '0 drop client > F. seq=1100',
    '0 client close',
    '10s wait',
  ].join('\n'),
  'own:fin-in-flight': [
    '# data and the FIN in flight at the start: the skbs the kernel holds on send_head',
    'socket client TCP_FIN_WAIT1 write_seq=1011 sent_seq=1011 rcv_ack_seq=1000 acked_seq=5000',
    '1s wait',
  ].join('\n'),
  'own:fin-in-flight-acked': [
    '# the same, then the peer acknowledges everything: tcp_ack frees both skbs, FIN_WAIT2',
    'socket client TCP_FIN_WAIT1 write_seq=1011 sent_seq=1011 rcv_ack_seq=1000 acked_seq=5000',
    '10ms client < . seq=5000 ack=1011',
    '1s wait',
  ].join('\n'),
  'own:zero-window-close': [
    '# the peer closes its window, then we close with data pending: data and FIN wait on write_queue, probes go out',
    'socket client TCP_ESTABLISHED write_seq=1100 sent_seq=1000 rcv_ack_seq=1000 acked_seq=5000 partial=100',
    '0 client < . seq=5000 ack=1000 win=0',
    '1s client close',
    '30s wait',
  ].join('\n'),
};

/** Every case the oracle runs: the examples, scenarios.txt, and OWN. */
export function releaseCases(run: Run): PCase[] {
  const resolve = (n: string) => run.prog.constants.get(n);
  const own = Object.entries(OWN).map(([name, text]) => {
    const sc = parseScenario(text, `${name}.tcpscenario`);
    const errors = sc.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(errors.map(formatDiagnostic).join('\n'));
    return scenarioCase(name, sc, resolve);
  });
  return [...exampleCases(run), ...scenarioFileCases(run), ...own];
}

