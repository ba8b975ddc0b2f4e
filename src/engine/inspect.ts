// Reading the sockets for people: the fields shown first, and a timer with its expiry.

import { seconds } from '../common/clock';

export interface TimerView {
  reason: string;
  /** absolute jiffies */
  expires: number;
}

/** Fields shown first, in this order (the rest of struct sock's integer fields follow). */
export const KEY_FIELDS = ['state', 'shutdown', 'fin_seq', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'copied_seq', 'dead', 'inuse', 'keepopen', 'rto', 'retransmits', 'timeout', 'ip_xmit_timeout'];

export function displayTimer(t: TimerView | null, now: number): string {
  if (!t) return 'not pending';
  const left = (t.expires - now) | 0;
  return `${t.reason}, expires at ${t.expires} (in ${left} jiffies = ${seconds(left)})`;
}
