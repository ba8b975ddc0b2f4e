// The kernel vocabulary a scenario uses (states, timer reasons, flags, sk fields, units, keywords, functions), explained; pure, shared by hover and completion.
//
// Every `doc` is the English source text and, unchanged, the key of its translation in l10n/bundle.l10n*.json:
// the VS Code side shows it through vscode.l10n.t(doc). Facts follow /work/shared/kernel-facts.md and src/kernel/linux-1.2.13/net/inet/tcp.c.

export type EntryKind =
  | 'state'
  | 'timer'
  | 'flag'
  | 'field'
  | 'segmentField'
  | 'option'
  | 'unit'
  | 'keyword'
  | 'function'
  | 'constant';

export interface GlossaryEntry {
  kind: EntryKind;
  /** as written in a scenario: TCP_CLOSE_WAIT, TIME_CLOSE, F, write_seq, tcp_fin, ms */
  name: string;
  /** the value of a kernel constant (tcp.h) */
  value?: number;
  /** English text, also the l10n key */
  doc: string;
  /** states: the kernel functions that move a socket into the state */
  enteredBy?: readonly string[];
  /** sk fields: the C type in struct sock */
  type?: string;
  /** functions: integer parameters a `call` can give as name=value */
  params?: readonly string[];
  /** functions: false when a scenario cannot supply the parameters (timer handlers take the socket as an integer) */
  callable?: boolean;
}

const e = (kind: EntryKind, name: string, doc: string, extra: Partial<GlossaryEntry> = {}): GlossaryEntry => ({ kind, name, doc, ...extra });

// ---- states (include/linux/tcp.h; there is no state 0) ----

export const STATES: readonly GlossaryEntry[] = [
  e('state', 'TCP_ESTABLISHED', 'The connection is open in both directions. Both closes start here: close() goes to FIN_WAIT1 and sends a FIN (tcp_close_state); a FIN from the peer goes to CLOSE_WAIT (tcp_fin).', { value: 1, enteredBy: ['tcp_rcv', 'tcp_ack'] }),
  e('state', 'TCP_SYN_SENT', 'connect() sent a SYN and waits for the SYN+ACK. close() here goes straight to CLOSE without sending a FIN.', { value: 2, enteredBy: [] }),
  e('state', 'TCP_SYN_RECV', 'A SYN was received and answered; the final ACK of the three-way handshake is awaited. close() treats it like ESTABLISHED: FIN_WAIT1 and a FIN.', { value: 3, enteredBy: ['tcp_rcv'] }),
  e('state', 'TCP_FIN_WAIT1', 'We closed first and sent our FIN, which is not yet acknowledged. Its ACK moves the socket to FIN_WAIT2 (tcp_ack); a FIN from the peer before that moves it to CLOSING (simultaneous close).', { value: 4, enteredBy: ['tcp_close_state'] }),
  e('state', 'TCP_FIN_WAIT2', "Our FIN is acknowledged; the peer's FIN is awaited. The peer's FIN moves the socket to TIME_WAIT (tcp_fin). A closed (dead) socket gets a TIME_CLOSE timer of TCP_FIN_TIMEOUT (3 minutes), the BSD-style deadlock breaker.", { value: 5, enteredBy: ['tcp_ack'] }),
  e('state', 'TCP_TIME_WAIT', 'Both FINs are sent and acknowledged. The socket waits TCP_TIMEWAIT_LEN (60 s, the MSL timer with reason TIME_CLOSE) in case the peer repeats its FIN because our last ACK was lost; a repeated FIN restarts the 60 s. Then net_timer closes it.', { value: 6, enteredBy: ['tcp_fin', 'tcp_time_wait'] }),
  e('state', 'TCP_CLOSE', "The connection is closed. tcp_ack sets it when the ACK of our FIN arrives in LAST_ACK; net_timer sets it directly (not through tcp_set_state) when a TIME_CLOSE timer fires; close() sets it in states that need no FIN.", { value: 7, enteredBy: ['tcp_ack', 'tcp_close_state', 'tcp_close', 'net_timer', 'tcp_std_reset'] }),
  e('state', 'TCP_CLOSE_WAIT', "The peer closed (its FIN arrived) but our application has not yet; we may still send. close() moves the socket to LAST_ACK and sends our FIN (the seed's passive close).", { value: 8, enteredBy: ['tcp_fin'] }),
  e('state', 'TCP_LAST_ACK', "We closed after the peer and sent our FIN; its ACK is awaited. When rcv_ack_seq == write_seq, tcp_ack moves the socket to CLOSE with shutdown = SHUTDOWN_MASK (its acked_seq == fin_seq test is commented out in 1.2).", { value: 9, enteredBy: ['tcp_close_state', 'tcp_fin'] }),
  e('state', 'TCP_LISTEN', 'A listening socket. close() moves it straight to CLOSE and closes every connection not yet accepted (tcp_close_pending): the special case at the top of tcp_close.', { value: 10, enteredBy: [] }),
  e('state', 'TCP_CLOSING', "Simultaneous close: we sent our FIN and received the peer's before ours was acknowledged. The ACK of our FIN moves the socket to TIME_WAIT (tcp_ack calls tcp_time_wait).", { value: 11, enteredBy: ['tcp_fin'] }),
];

// ---- timer reasons (net/inet/sock.h): sk->timeout for sk->timer, sk->ip_xmit_timeout for sk->retransmit_timer ----

export const TIMER_REASONS: readonly GlossaryEntry[] = [
  e('timer', 'TIME_WRITE', 'Retransmit timer: something sent (such as our FIN) is not yet acknowledged. When it fires, retransmit_timer resends from rcv_ack_seq and doubles rto.', { value: 1 }),
  e('timer', 'TIME_CLOSE', 'MSL timer: the end of TIME_WAIT (TCP_TIMEWAIT_LEN, 60 s) or the FIN_WAIT2 deadline (TCP_FIN_TIMEOUT, 3 minutes). When it fires, net_timer sets state = TCP_CLOSE directly and arms TIME_DESTROY.', { value: 2 }),
  e('timer', 'TIME_KEEPOPEN', 'Keepalive on the retransmit timer: nothing is unacknowledged and keepopen is set (tcp_close sets it). When it fires, retransmit_timer probes the peer.', { value: 3 }),
  e('timer', 'TIME_DESTROY', 'MSL timer armed once a socket is closed; when it fires, net_timer destroys the socket.', { value: 4 }),
  e('timer', 'TIME_DONE', 'MSL timer that absorbs the last segments: release_sock arms it for a dead socket in CLOSE, for min(2*rtt, TCP_DONE_TIME); when it fires, the socket is destroyed.', { value: 5 }),
  e('timer', 'TIME_PROBE0', "Retransmit timer used as a zero-window probe: the peer's window is closed while we have data to send; tcp_send_probe0 sends a probe.", { value: 6 }),
];

// ---- tcpdump flag letters ----

export const FLAGS: readonly GlossaryEntry[] = [
  e('flag', 'S', 'SYN: opens a connection; takes one sequence number.'),
  e('flag', 'F', "FIN: the sender has no more data; takes one sequence number, so fin_seq is the number just after it."),
  e('flag', 'R', 'RST: aborts the connection; tcp_rcv handles it before tcp_data (tcp_std_reset: state CLOSE).'),
  e('flag', 'P', 'PSH: deliver the data to the application without delay.'),
  e('flag', '.', 'ACK: the ack field is valid: everything before it was received. tcp_rcv calls tcp_ack only for segments with this flag.'),
];

/** Flag combinations worth proposing, most common first. */
export const FLAG_COMBINATIONS: readonly string[] = ['F.', '.', 'S', 'S.', 'R', 'R.', 'P.', 'FP.', 'FR.', 'F'];

// ---- integer fields of struct sock (tcp.h) ----

export const SK_FIELDS: readonly GlossaryEntry[] = [
  e('field', 'write_seq', 'Sequence number of the next byte the application writes: one past the last byte queued. tcp_send_fin gives the FIN seq = write_seq and then increments it, so after close() write_seq counts the FIN.', { type: 'unsigned long' }),
  e('field', 'sent_seq', 'One past the last sequence number actually sent. Default: write_seq (nothing in flight).', { type: 'unsigned long' }),
  e('field', 'acked_seq', "The sequence number expected next from the peer, which our ACKs carry (ack = acked_seq). tcp_data advances it past in-order data and a FIN. Default: the linked peer's write_seq.", { type: 'unsigned long' }),
  e('field', 'copied_seq', 'How far the application has read the received data. Default: acked_seq.', { type: 'unsigned long' }),
  e('field', 'rcv_ack_seq', 'The last ACK received from the peer (tcp_ack sets it first). Our FIN is acknowledged when rcv_ack_seq == write_seq. Default: write_seq.', { type: 'unsigned long' }),
  e('field', 'fin_seq', "Set by tcp_fin to the sequence number just after the peer's FIN: th->seq + skb->len + th->syn + th->fin.", { type: 'unsigned long' }),
  e('field', 'inuse', 'The socket lock: 1 while kernel code owns the socket. Segments that arrive meanwhile wait on back_log until release_sock replays them.', { type: 'char' }),
  e('field', 'dead', 'No process owns the socket any more (set after close(), and on children closed by tcp_close_pending). Wake-ups are skipped, and a dead socket in FIN_WAIT2 gets the 3 minute TIME_CLOSE timer.', { type: 'char' }),
  e('field', 'blog', 'Set while release_sock replays the back_log, so that it is not entered twice.', { type: 'char' }),
  e('field', 'keepopen', 'Keepalive (SO_KEEPALIVE). tcp_close sets it, so the retransmit timer keeps running as TIME_KEEPOPEN once everything is acknowledged.', { type: 'char' }),
  e('field', 'zapped', 'Set by tcp_std_reset when an RST killed the connection; later segments are answered with a reset.', { type: 'char' }),
  e('field', 'retransmits', 'How many times the unacknowledged data (or FIN) has been retransmitted; back to 0 once everything is acknowledged. After TCP_RETR2 (15) attempts the connection is given up.', { type: 'long' }),
  e('field', 'window', 'The receive window this socket offers; tcp_sequence accepts segments up to acked_seq + window. Default: MAX_WINDOW (16384).', { type: 'unsigned short' }),
  e('field', 'shutdown', 'Which directions are shut: RCV_SHUTDOWN (1), SEND_SHUTDOWN (2), or SHUTDOWN_MASK (3) for both. tcp_close sets SHUTDOWN_MASK; the move from FIN_WAIT1 to FIN_WAIT2 adds SEND_SHUTDOWN.', { type: 'unsigned short' }),
  e('field', 'rtt', 'Smoothed round-trip time in jiffies. A dead socket in CLOSE waits min(2*rtt, TCP_DONE_TIME) before it is freed (TIME_DONE).', { type: 'unsigned long' }),
  e('field', 'rto', 'Retransmission timeout in jiffies (default TCP_TIMEOUT_INIT = 3 s); doubled at each retransmission.', { type: 'unsigned long' }),
  e('field', 'backoff', 'Exponential backoff count of the retransmit timer.', { type: 'unsigned short' }),
  e('field', 'err', 'A pending socket error (such as ECONNRESET or EPIPE) for the application.', { type: 'short' }),
  e('field', 'state', 'The TCP state, TCP_ESTABLISHED (1) to TCP_CLOSING (11). tcp_set_state changes it; net_timer sets TCP_CLOSE directly.', { type: 'unsigned char' }),
  e('field', 'ack_backlog', 'ACKs owed to the peer; net_timer sends one when it is non-zero.', { type: 'unsigned char' }),
  e('field', 'debug', 'SO_DEBUG: the LAST_ACK block of tcp_ack printk()s the comparisons it makes.', { type: 'unsigned char' }),
  e('field', 'ip_xmit_timeout', 'Why the retransmit timer runs: TIME_WRITE, TIME_PROBE0 or TIME_KEEPOPEN (set by reset_xmit_timer). In expect, retransmit_timer=REASON or none also checks that the timer is pending.', { type: 'int' }),
  e('field', 'timeout', 'Why the MSL timer sk->timer runs: TIME_CLOSE, TIME_DESTROY or TIME_DONE (set by reset_timer, alias reset_msl_timer). In expect, timer=REASON or none also checks that the timer is pending.', { type: 'int' }),
];

/** Fields that are timers: in `expect`, `timer=REASON|none`; anywhere, `timer.expires`. */
export const TIMER_FIELDS: readonly GlossaryEntry[] = [
  e('field', 'timer', 'The MSL (general) timer, handled by net_timer; its reason is in sk->timeout. In expect, timer=REASON checks that it is pending with that reason, timer=none that it is not.', { type: 'struct timer_list' }),
  e('field', 'retransmit_timer', 'The retransmit timer, handled by retransmit_timer(); its reason is in sk->ip_xmit_timeout. In expect, retransmit_timer=REASON checks that it is pending with that reason, retransmit_timer=none that it is not.', { type: 'struct timer_list' }),
  e('field', 'timer.expires', 'When the MSL timer fires, in absolute jiffies (HZ = 100).', { type: 'unsigned long' }),
  e('field', 'retransmit_timer.expires', 'When the retransmit timer fires, in absolute jiffies (HZ = 100).', { type: 'unsigned long' }),
];

// ---- segment fields, options that are not sk fields ----

export const SEGMENT_FIELDS: readonly GlossaryEntry[] = [
  e('segmentField', 'seq', "The segment's sequence number: that of its first byte, or of its SYN or FIN."),
  e('segmentField', 'ack', 'The acknowledgement number (with the . flag): every sequence number before it was received.'),
  e('segmentField', 'len', 'Payload bytes, the TCP header excluded.'),
  e('segmentField', 'win', 'The window the sender advertises (16 bits).'),
  e('segmentField', 'mss', "The MSS option (kind 2, length 4) in the TCP header, 1 to 65535. On a SYN the release's tcp_options takes sk->mtu = min(sk->mtu, mss), 536 when a SYN has none. In > and drop, the sent segment must carry the option with this value."),
];

export const OPTIONS: readonly GlossaryEntry[] = [
  e('option', 'listener', "Queues this socket as a connection not yet accepted on the named listening socket's receive_queue: what tcp_close_pending closes."),
  e('option', 'partial', 'Gives the socket a partly filled segment of N bytes (sk->partial), which tcp_send_partial sends on close().'),
  e('option', 'delay', "The link's one-way delay: every segment one socket sends reaches the other after it."),
  e('option', 'backlog', "listen(2)'s backlog: how many connections not yet accepted the listening socket queues (inet_listen sets sk->max_ack_backlog, at most 128). Default 5."),
  e('option', 'timeout', 'The timeout argument of tcp_close(sk, timeout). close() always passes 0; with 1 the socket simply goes to CLOSE, without a FIN.'),
];

// ---- time units (HZ = 100) ----

export const UNITS: readonly GlossaryEntry[] = [
  e('unit', 'ms', 'Milliseconds. The time must be a whole number of jiffies: a multiple of 10 ms.'),
  e('unit', 's', 'Seconds: 100 jiffies each.'),
  e('unit', 'm', 'Minutes: 6000 jiffies each.'),
  e('unit', 'j', "Jiffies, the kernel's clock tick: HZ = 100, so one jiffy is 10 ms."),
];

// ---- keywords of the scenario language ----

export const KEYWORDS: readonly GlossaryEntry[] = [
  e('keyword', 'socket', 'Declares a socket: socket NAME STATE field=value ... (before the first event).'),
  e('keyword', 'link', "Joins two sockets over a simulated wire: each is the other's peer (link A B delay=10ms)."),
  e('keyword', 'fate', "What happens to one segment on a link: fate SOCK N drop|duplicate|reorder|delay=TIME (the Nth segment SOCK sends there, from 1), or fate SOCK close +TIME|-TIME (its close() moved). The explorer writes its schedules this way."),
  e('keyword', 'expect', "Checks the socket's fields now: expect SOCK field=value ... (timer=REASON or none)."),
  e('keyword', 'drop', 'On a link: loses the next matching segment the socket sends (drop SOCK > FLAGS fields).'),
  e('keyword', 'set', "Changes the socket's fields (a what-if): set SOCK field=value ..."),
  e('keyword', 'wait', 'Only lets time pass: timers that fall due fire.'),
  e('keyword', 'close', 'The application calls close(): tcp_close(sk, 0).'),
  e('keyword', 'call', "Hands arguments straight to a kernel function: SOCK call FUNC [FLAGS fields] [name=value]. The struct sock * parameter gets the socket, struct sk_buff * and struct tcphdr * the segment, integer parameters the name=value given."),
  e('keyword', 'listen', 'listen(2) on a socket from nothing (socket NAME CLOSED): SOCK listen PORT [backlog=N] binds it to PORT (inet_bind), then inet_listen makes it TCP_LISTEN. The release kernel only.'),
  e('keyword', 'connect', "connect(2), non-blocking: SOCK connect [PEER] goes through inet_connect to tcp_connect, which sends the SYN to PEER's port, or to the scripted peer when no PEER is named. The release kernel only."),
  e('keyword', 'accept', 'accept(2), non-blocking, on a listening socket: SOCK accept [CHILD] goes through inet_accept to tcp_accept, which takes the first connection of its queue; CHILD, declared socket CHILD CLOSED, names the new socket. The release kernel only.'),
  e('keyword', 'shutdown', 'shutdown(2): SOCK shutdown rd|wr|rdwr; inet_shutdown adds the directions to sk->shutdown, then for wr and rdwr tcp_shutdown sends a FIN when tcp_close_state says one is due. The release kernel only.'),
  e('keyword', 'write', 'write(2) of N bytes, non-blocking: SOCK write N goes through inet_write to tcp_write, which queues or sends them as segments. The release kernel only.'),
  e('keyword', 'read', 'read(2) of at most N bytes, non-blocking: SOCK read N goes through inet_read to tcp_read, which copies from the receive queue and may open the window. The release kernel only.'),
  e('keyword', '<', 'A segment arrives from the scripted peer, through tcp_rcv: SOCK < FLAGS fields.'),
  e('keyword', '>', 'Expectation: the socket sent this segment (the first not yet matched that has these flags and fields).'),
];

// ---- kernel functions a scenario can `call` (src/kernel/linux-1.2.13/net/inet/tcp.c, machine/tcp_entries.c) ----

export const FUNCTIONS: readonly GlossaryEntry[] = [
  e('function', 'tcp_fin', "Handles the peer's FIN: sets fin_seq, then ESTABLISHED/SYN_RECV to CLOSE_WAIT, FIN_WAIT1 to CLOSING, FIN_WAIT2 to TIME_WAIT (with the 60 s TIME_CLOSE timer); a repeated FIN in TIME_WAIT restarts that timer."),
  e('function', 'tcp_close', 'close(): shuts both directions, empties the receive queue, sends a held partial segment, then asks tcp_close_state whether to send a FIN (tcp_send_fin). A LISTEN socket goes straight to CLOSE through tcp_close_pending.', { params: ['timeout'] }),
  e('function', 'tcp_close_state', 'The state after close(): ESTABLISHED/SYN_RECV to FIN_WAIT1 and CLOSE_WAIT to LAST_ACK (both answer "send a FIN"), FIN_WAIT1/FIN_WAIT2/CLOSING unchanged, anything else CLOSE. A dead socket in FIN_WAIT2 gets the 3 minute TIME_CLOSE timer.', { params: ['dead'] }),
  e('function', 'tcp_ack', 'Processes an ACK: sets rcv_ack_seq; when our FIN is acknowledged (rcv_ack_seq == write_seq), LAST_ACK goes to CLOSE, FIN_WAIT1 to FIN_WAIT2 and CLOSING to TIME_WAIT. Returns 0 for an ACK of data never sent.'),
  e('function', 'tcp_rcv', 'Entry point of a received segment: holds it on back_log if the socket is in use, checks it (tcp_sequence), handles RST, then calls tcp_ack and tcp_data.'),
  e('function', 'tcp_data', 'Takes in-order data, advances acked_seq past the data and a FIN, calls tcp_fin for a FIN, then sends the ACK at once.'),
  e('function', 'tcp_send_fin', 'Sends FIN+ACK with seq = write_seq, increments write_seq, and arms the retransmit timer (TIME_WRITE, rto) for the FIN. It first releases the socket, replaying segments held meanwhile.'),
  e('function', 'tcp_set_state', 'Sets sk->state (keeping the count of established connections); touches no timer.', { params: ['state'] }),
  e('function', 'tcp_time_wait', 'Enters TIME_WAIT: shutdown = SHUTDOWN_MASK and the 60 s TIME_CLOSE timer.'),
  e('function', 'tcp_close_pending', 'On a listening socket: marks dead and closes every connection not yet accepted.'),
  e('function', 'tcp_send_partial', 'Sends the partly filled segment held in sk->partial, if any.'),
  e('function', 'tcp_send_ack', 'Sends a bare ACK with ack = acked_seq.'),
  e('function', 'tcp_sequence', "Checks that a segment's sequence numbers fall in the receive window; an unacceptable segment is dropped and answered with an ACK."),
  e('function', 'tcp_std_reset', 'Handles a received RST: records the error, state CLOSE, zapped.'),
  e('function', 'release_sock', 'Clears inuse and replays the segments held on back_log; a dead socket in CLOSE gets its TIME_DONE timer.'),
  e('function', 'reset_timer', 'Restarts the MSL timer sk->timer with a reason (sk->timeout) and a delay; reset_msl_timer is the same.', { params: ['timeout', 'len'] }),
  e('function', 'reset_xmit_timer', 'Restarts the retransmit timer with a reason (sk->ip_xmit_timeout) and a delay.', { params: ['why', 'when'] }),
  e('function', 'delete_timer', 'Stops the MSL timer and clears sk->timeout.'),
  e('function', 'net_timer', 'Handler of sk->timer: TIME_CLOSE sets state CLOSE directly and arms TIME_DESTROY; TIME_DESTROY and TIME_DONE destroy the socket.', { callable: false }),
  e('function', 'retransmit_timer', 'Handler of sk->retransmit_timer: TIME_WRITE retransmits the unacknowledged sequence space, TIME_PROBE0 probes a zero window, TIME_KEEPOPEN sends a keepalive.', { callable: false }),
  e('function', 'tcp_retransmit', 'Retransmits: doubles rto, counts the attempt and rearms TIME_WRITE.', { params: ['all'] }),
  e('function', 'tcp_do_retransmit', 'Resends the sequence space from rcv_ack_seq to sent_seq.', { params: ['all'] }),
  e('function', 'tcp_write_timeout', 'Decides whether to give up after too many retransmissions (TCP_RETR2).'),
  e('function', 'tcp_send_probe0', 'Sends a zero-window probe and rearms TIME_PROBE0.'),
  e('function', 'destroy_sock', 'Frees the socket: stops both timers and drops what it still holds.'),
];

// ---- other constants of tcp.h ----

export const CONSTANTS: readonly GlossaryEntry[] = [
  e('constant', 'SHUTDOWN_MASK', 'Both directions shut (RCV_SHUTDOWN | SEND_SHUTDOWN).', { value: 3 }),
  e('constant', 'RCV_SHUTDOWN', 'The receive direction is shut.', { value: 1 }),
  e('constant', 'SEND_SHUTDOWN', 'The send direction is shut: our FIN was sent.', { value: 2 }),
  e('constant', 'HZ', 'Jiffies per second on i386.', { value: 100 }),
  e('constant', 'TCP_TIMEWAIT_LEN', 'How long TIME_WAIT lasts: 60*HZ, 60 s.', { value: 6000 }),
  e('constant', 'TCP_FIN_TIMEOUT', 'The FIN_WAIT2 deadline of a closed socket: 3*60*HZ, 3 minutes.', { value: 18000 }),
  e('constant', 'TCP_TIMEOUT_INIT', 'The initial retransmission timeout (rto): 3*HZ, 3 s.', { value: 300 }),
  e('constant', 'TCP_TIMEOUT_LEN', 'The keepalive interval: 15*60*HZ, 15 minutes.', { value: 90000 }),
  e('constant', 'TCP_ACK_TIME', 'Delay before a delayed ACK: 3*HZ.', { value: 300 }),
  e('constant', 'TCP_DONE_TIME', 'The longest a dead closed socket waits before it is destroyed: 250 jiffies.', { value: 250 }),
  e('constant', 'TCP_RETR2', 'Retransmissions before the connection is given up.', { value: 15 }),
  e('constant', 'MAX_WINDOW', 'The largest receive window, the default of sk->window.', { value: 16384 }),
  e('constant', 'none', 'In expect, timer=none or retransmit_timer=none: the timer is not pending.'),
];

export const ALL_ENTRIES: readonly GlossaryEntry[] = [
  ...STATES,
  ...TIMER_REASONS,
  ...FLAGS,
  ...SK_FIELDS,
  ...TIMER_FIELDS,
  ...SEGMENT_FIELDS,
  ...OPTIONS,
  ...UNITS,
  ...KEYWORDS,
  ...FUNCTIONS,
  ...CONSTANTS,
];

function find(list: readonly GlossaryEntry[], name: string): GlossaryEntry | undefined {
  return list.find((x) => x.name === name);
}

/** A state by its name, with or without the TCP_ prefix (CLOSE_WAIT, TCP_CLOSE_WAIT). */
export function lookupState(name: string): GlossaryEntry | undefined {
  return find(STATES, name.startsWith('TCP_') ? name : `TCP_${name}`);
}

/** A state by its number (sk->state). */
export function stateByValue(value: number): GlossaryEntry | undefined {
  return STATES.find((s) => s.value === value);
}

export function lookupTimer(name: string): GlossaryEntry | undefined {
  return find(TIMER_REASONS, name);
}

export function lookupFlag(letter: string): GlossaryEntry | undefined {
  return find(FLAGS, letter);
}

/** Each letter of a flags token (`FR.`) explained, in order; undefined for a letter that is not a flag. */
export function lookupFlags(text: string): (GlossaryEntry | undefined)[] {
  return [...text].map((ch) => lookupFlag(ch));
}

/** An sk field, dotted ones included (timer.expires); an unknown sub-field falls back to its timer. */
export function lookupField(name: string): GlossaryEntry | undefined {
  const exact = find(SK_FIELDS, name) ?? find(TIMER_FIELDS, name);
  if (exact) return exact;
  const dot = name.indexOf('.');
  return dot > 0 ? find(TIMER_FIELDS, name.slice(0, dot)) : undefined;
}

export function lookupSegmentField(name: string): GlossaryEntry | undefined {
  return find(SEGMENT_FIELDS, name);
}

export function lookupOption(name: string): GlossaryEntry | undefined {
  return find(OPTIONS, name);
}

export function lookupUnit(unit: string): GlossaryEntry | undefined {
  return find(UNITS, unit);
}

export function lookupKeyword(word: string): GlossaryEntry | undefined {
  return find(KEYWORDS, word);
}

export function lookupFunction(name: string): GlossaryEntry | undefined {
  return find(FUNCTIONS, name);
}

/** Functions to propose after `call`. */
export function callableFunctions(): GlossaryEntry[] {
  return FUNCTIONS.filter((f) => f.callable !== false);
}

/**
 * A value written in a scenario (one part of `a|b`): a state (TCP_ optional), a timer reason, `none`, or another
 * kernel constant. Numbers and unknown names give undefined.
 */
export function lookupValue(name: string): GlossaryEntry | undefined {
  return lookupTimer(name) ?? lookupState(name) ?? find(CONSTANTS, name) ?? (name.startsWith('TCP_') ? undefined : find(CONSTANTS, `TCP_${name}`));
}

/** sk fields `set` and declarations may give (integer fields, and the timers' expires). */
export function settableFields(): GlossaryEntry[] {
  return [...SK_FIELDS, ...TIMER_FIELDS.filter((f) => f.name.includes('.'))];
}

/** sk fields `expect` may check: the settable ones, and timer= / retransmit_timer= (a reason or none). */
export function expectableFields(): GlossaryEntry[] {
  return [...SK_FIELDS, ...TIMER_FIELDS];
}

/** The values that make sense after `field=` (for completion); empty when the field takes a number. */
export function valuesFor(field: string, context: 'declaration' | 'expect' | 'set'): GlossaryEntry[] {
  switch (field) {
    case 'state':
      return [...STATES];
    case 'timer':
    case 'retransmit_timer':
      return context === 'expect' ? [...TIMER_REASONS, find(CONSTANTS, 'none')!] : [];
    case 'timeout':
    case 'ip_xmit_timeout':
      return [...TIMER_REASONS];
    case 'shutdown':
      return CONSTANTS.filter((c) => c.name.endsWith('SHUTDOWN') || c.name === 'SHUTDOWN_MASK');
    case 'rto':
      return CONSTANTS.filter((c) => c.name === 'TCP_TIMEOUT_INIT');
    case 'window':
      return CONSTANTS.filter((c) => c.name === 'MAX_WINDOW');
    default:
      return [];
  }
}

/** Every English text of the glossary: each must be a key of the l10n bundles. */
export function glossaryTexts(): string[] {
  return [...new Set(ALL_ENTRIES.map((x) => x.doc))];
}
