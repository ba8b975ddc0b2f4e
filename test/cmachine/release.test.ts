// The whole release (tcp.c sock.c af_inet.c timer.c skbuff.c sched.c ip.c) compiled together by the
// new compiler, and real release functions run on byte memory with small machine natives: the
// bytes they leave are what the C must leave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadOnlyRefusal, CError, Op, UNPLACED, type NativeFunction } from '../../src/engine/code';
import { History } from '../../src/engine/history';
import type { Kernel } from '../../src/engine/cmachine/kernel';
import { call, machineFor } from './harness';
import { field, fieldAddr, loadRelease, testMachine } from './release';

const CLOSE_PATH = ['tcp_close', 'tcp_fin', 'tcp_close_state', 'tcp_ack', 'tcp_set_state', 'tcp_send_fin', 'tcp_data', 'tcp_rcv', 'tcp_send_ack', 'tcp_send_reset', 'tcp_time_wait', 'tcp_sequence', 'release_sock', 'reset_timer', 'net_timer', 'inet_release', 'inet_create', 'add_timer', 'del_timer', 'ip_queue_xmit', 'tcp_write_xmit', 'tcp_retransmit', 'retransmit_timer', 'skb_queue_tail', 'skb_dequeue', 'kfree_skb', 'alloc_skb'];

/** kmalloc through the machine's native, as the C would call it */
function kmalloc(k: Kernel, size: number): number {
  return (k.fnByName.get('kmalloc') as NativeFunction).impl([k.run0, size, 1], UNPLACED);
}

let shared: { k: Kernel; printed: string[]; flags: { IF: number } } | undefined;
async function kernel(history?: History): Promise<{ k: Kernel; printed: string[]; flags: { IF: number } }> {
  if (shared && !history) return shared;
  const printed: string[] = [];
  const m = testMachine(printed);
  const k = await loadRelease({ natives: m.natives, asm: m.asm }, history);
  const r = { k, printed, flags: m.flags };
  if (!history) shared = r;
  return r;
}

test('the seven release files load together; every body compiles; asm is refused only outside the close path', async (t) => {
  const { k } = await kernel(new History());
  const errors = k.compileAll();
  assert.deepEqual(errors.map((e) => e.message), []);
  const refusedFns = [...new Set(k.refusals.map((r) => r.fn))].sort();
  t.diagnostic(`${k.functions.length} C functions; refused when reached (inline assembly): ${refusedFns.join(' ')}`);
  for (const name of CLOSE_PATH) assert.ok(!refusedFns.includes(name), `${name} is refused: ${k.refusals.filter((r) => r.fn === name).map((r) => r.what).join('; ')}`);
  // tcp_check's i386 assembly is among them, and every refusal is placed in a release file
  assert.ok(refusedFns.includes('tcp_check'));
  for (const r of k.refusals) assert.match(r.loc.file, /linux-1\.2\.13\/(include|net|kernel)\//);
  // natives given by name replace the release's inline-asm functions of the same name
  assert.ok(k.replaced.includes('__memcpy') && k.replaced.includes('__constant_memcpy'), k.replaced.join(' '));
});

test('skb_queue_head_init (skbuff.c), skb_queue_tail and skb_dequeue (extern inline in linux/skbuff.h: CONFIG_SKB_CHECK is off) link the real sk_buff fields', async () => {
  const { k, flags } = await kernel();
  const mem = k.mem;
  const head = kmalloc(k, k.records.get('sk_buff_head')!.size);
  call(k, 'skb_queue_head_init', [head]);
  assert.equal(field(k, head, 'sk_buff_head', 'next'), head);
  assert.equal(field(k, head, 'sk_buff_head', 'prev'), head);
  const allocs0 = mem.u32(k.addressOf('net_allocs'));
  const a = call(k, 'alloc_skb', [100, 1]);
  const b = call(k, 'alloc_skb', [40, 1]);
  const skbSize = k.records.get('sk_buff')!.size;
  assert.equal(field(k, a, 'sk_buff', 'truesize'), 100 + skbSize);
  assert.equal(field(k, a, 'sk_buff', 'mem_addr'), a);
  assert.equal(field(k, a, 'sk_buff', 'mem_len'), 100 + skbSize);
  assert.equal(mem.u32(k.addressOf('net_allocs')) - allocs0, 2, 'net_allocs++ per skb');
  assert.equal(field(k, a, 'sk_buff', 'free'), 2);
  call(k, 'skb_queue_tail', [head, a]);
  call(k, 'skb_queue_tail', [head, b]);
  assert.equal(flags.IF, 0x200, 'restore_flags put the interrupt flag back');
  assert.equal(field(k, head, 'sk_buff_head', 'next'), a);
  assert.equal(field(k, head, 'sk_buff_head', 'prev'), b);
  assert.equal(field(k, a, 'sk_buff', 'next'), b);
  assert.equal(field(k, b, 'sk_buff', 'prev'), a);
  assert.equal(field(k, b, 'sk_buff', 'next'), head);
  assert.equal(call(k, 'skb_dequeue', [head]), a);
  assert.equal(field(k, a, 'sk_buff', 'next'), 0);
  assert.equal(field(k, head, 'sk_buff_head', 'next'), b);
  assert.equal(field(k, b, 'sk_buff', 'prev'), head);
  assert.equal(call(k, 'skb_dequeue', [head]), b);
  assert.equal(call(k, 'skb_dequeue', [head]), 0, 'an empty queue gives NULL');
  assert.equal(mem.blockAt(a)!.kind, 'heap');
});

test('add_timer and del_timer (kernel/sched.c) keep the timer list with jiffies as 1.2 does', async () => {
  const { k } = await kernel();
  const mem = k.mem;
  const jiffies = k.addressOf('jiffies');
  mem.st32(jiffies, 1000);
  const size = k.records.get('timer_list')!.size;
  const t1 = kmalloc(k, size);
  const t2 = kmalloc(k, size);
  mem.st32(fieldAddr(k, t1, 'timer_list', 'expires'), 300);
  mem.st32(fieldAddr(k, t2, 'timer_list', 'expires'), 50);
  call(k, 'add_timer', [t1]);
  call(k, 'add_timer', [t2]);
  assert.equal(field(k, t1, 'timer_list', 'expires'), 1300, 'expires is relative when added: jiffies is added');
  const headAddr = k.addressOf('kernel/sched.c:timer_head');
  // sorted by expiry: head -> t2 (1050) -> t1 (1300) -> head
  assert.equal(field(k, headAddr, 'timer_list', 'next'), t2);
  assert.equal(field(k, t2, 'timer_list', 'next'), t1);
  assert.equal(field(k, t1, 'timer_list', 'next'), headAddr);
  mem.st32(jiffies, 1100);
  assert.equal(call(k, 'del_timer', [t1]), 1, 'a pending timer: del_timer says 1');
  assert.equal(field(k, t1, 'timer_list', 'expires'), 200, 'and turns expires back into time remaining');
  assert.equal(field(k, t1, 'timer_list', 'next'), 0);
  assert.equal(field(k, t2, 'timer_list', 'next'), headAddr);
  assert.equal(call(k, 'del_timer', [t1]), 0, 'not pending: 0');
  assert.equal(call(k, 'del_timer', [t2]), 1);
});

test('tcp_set_state and tcp_close_state (static in tcp.c) on a sock allocated in memory', async () => {
  const { k } = await kernel();
  const mem = k.mem;
  const sk = kmalloc(k, k.records.get('sock')!.size);
  const stats = k.addressOf('tcp_statistics');
  const currEstab = fieldAddr(k, stats, 'tcp_mib', 'TcpCurrEstab');
  mem.st32(currEstab, 5);
  const closeState = k.cfunction('tcp_close_state', 'net/inet/tcp.c');
  const run = (fnState: number, dead: number): number => {
    mem.st32(fieldAddr(k, sk, 'sock', 'state'), fnState);
    const m = machineFor(k);
    k.enter(m, closeState, [sk, dead]);
    while (m.runStops(false, 1 << 30) !== 'returned');
    return m.lastReturn;
  };
  assert.equal(run(1, 0), 1, 'ESTABLISHED: send a FIN');
  assert.equal(field(k, sk, 'sock', 'state'), 4, 'FIN_WAIT1');
  assert.equal(mem.s32(currEstab), 4, 'TcpCurrEstab-- on leaving ESTABLISHED');
  assert.equal(run(8, 0), 1, 'CLOSE_WAIT: send a FIN');
  assert.equal(field(k, sk, 'sock', 'state'), 9, 'LAST_ACK');
  assert.equal(run(2, 0), 0, 'SYN_SENT: no FIN');
  assert.equal(field(k, sk, 'sock', 'state'), 7, 'CLOSE');
  // dead in FIN_WAIT2 with no timer pending: reset_msl_timer(sk, TIME_CLOSE, TCP_FIN_TIMEOUT)
  mem.st32(k.addressOf('jiffies'), 500);
  assert.equal(run(5, 1), 0);
  assert.equal(field(k, sk, 'sock', 'state'), 5);
  assert.equal(field(k, sk, 'sock', 'timeout'), 2, 'TIME_CLOSE');
  assert.equal(field(k, sk, 'sock', 'timer.expires'), 500 + 3 * 60 * 100);
  assert.equal(field(k, k.addressOf('kernel/sched.c:timer_head'), 'timer_list', 'next'), fieldAddr(k, sk, 'sock', 'timer'));
  // and tcp_set_state alone
  const setState = k.cfunction('tcp_set_state', 'net/inet/tcp.c');
  const m = machineFor(k);
  k.enter(m, setState, [sk, 1]);
  while (m.runStops(false, 1 << 30) !== 'returned');
  assert.equal(field(k, sk, 'sock', 'state'), 1);
  assert.equal(mem.s32(currEstab), 5, 'TcpCurrEstab++ on entering ESTABLISHED');
});

test('each statement stops at its line in the release file, one written through a macro at the invocation', async () => {
  const { k } = await kernel();
  const fn = k.cfunction('skb_queue_tail');
  const lines = fn.code.filter((i) => i.op === Op.STMT).map((i) => `${i.loc.file.replace(/.*linux-1\.2\.13\//, '')}:${i.loc.line}`);
  // list = ...; save_flags(flags); cli(); four links; restore_flags(flags); } (the macros' asm is in asm/system.h)
  assert.deepEqual(lines, [172, 174, 175, 177, 178, 180, 181, 183, 184].map((l) => `include/linux/skbuff.h:${l}`));
});

test('a NULL dereference faults at the C location; going back restores memory; a sealed history refuses a store', async () => {
  const H = new History();
  const { k } = await kernel(H);
  const m = machineFor(k);
  k.enter(m, k.cfunction('skb_dequeue'), [0]);
  let fault: CError | undefined;
  try {
    while (m.runStops(false, 1 << 30) !== 'returned');
  } catch (e) {
    fault = e as CError;
  }
  assert.ok(fault instanceof CError);
  // `result = list->next;` in skb_dequeue
  assert.match(fault.message, /include\/linux\/skbuff\.h:200:2: NULL pointer dereference: a 4-byte load at 0x00000000$/);

  const H2 = new History();
  const { k: k2 } = await kernel(H2);
  const head = kmalloc(k2, k2.records.get('sk_buff_head')!.size);
  const skb = call(k2, 'alloc_skb', [10, 1]);
  call(k2, 'skb_queue_head_init', [head]);
  const before = H2.stopCount;
  const m2 = machineFor(k2);
  k2.enter(m2, k2.cfunction('skb_queue_tail'), [head, skb]);
  while (m2.runStops(false, 1 << 30) !== 'returned');
  const after = H2.stopCount - 1;
  assert.equal(field(k2, head, 'sk_buff_head', 'next'), skb);
  H2.goto(before);
  assert.equal(field(k2, head, 'sk_buff_head', 'next'), head, 'back at the first statement: the queue is empty again');
  assert.equal(field(k2, skb, 'sk_buff', 'prev'), 0);
  H2.goto(after);
  assert.equal(field(k2, head, 'sk_buff_head', 'next'), skb, 'forward again: linked');
  assert.equal(field(k2, skb, 'sk_buff', 'prev'), head);
  // a read-only evaluation: the compiled store is refused before it changes a byte
  H2.goto(before);
  const setNext = k2.cfunction('skb_queue_head_init');
  H2.seal();
  try {
    assert.throws(() => call(k2, 'skb_queue_head_init', [skb]), ReadOnlyRefusal);
    assert.throws(() => k2.mem.st32(head, 0), ReadOnlyRefusal);
  } finally {
    H2.unseal();
  }
  void setNext;
  assert.equal(field(k2, head, 'sk_buff_head', 'next'), head);
});

test('tcp_close in CLOSE_WAIT runs the real path: LAST_ACK, a FIN+ACK segment built byte for byte, queued and sent, TIME_WRITE armed', async () => {
  const printed: string[] = [];
  const m0 = testMachine(printed);
  const sent: number[] = [];
  let dev = 0;
  const k = await loadRelease({
    asm: m0.asm,
    natives: {
      ...m0.natives,
      // one local route: a 20-byte IP header and the device (the machine layer's job; a stand-in here)
      ip_build_header: {
        fn: (mem, [skb, saddr, daddr, devp]) => {
          if (!mem.u32(devp)) mem.st32(devp, dev);
          const ip = fieldAddr(k, skb, 'sk_buff', 'data');
          mem.write(ip, Uint8Array.from([0x45, 0, 0, 0, 0, 0, 0, 0, 64, 6, 0, 0]));
          mem.st32(ip + 12, saddr);
          mem.st32(ip + 16, daddr);
          return 20;
        },
      },
      tcp_check: { fn: () => 0xbeef },
      ip_send_check: { fn: () => 0 },
      dev_queue_xmit: { fn: (_m, [skb]) => (sent.push(skb), 0) },
      sock_wake_async: { fn: () => 0 },
    },
  });
  const mem = k.mem;
  dev = kmalloc(k, k.records.get('device')!.size);
  mem.st32(fieldAddr(k, dev, 'device', 'mtu'), 1500);
  mem.st16(fieldAddr(k, dev, 'device', 'flags'), 1 /* IFF_UP */);
  const sk = kmalloc(k, k.records.get('sock')!.size);
  const set32 = (path: string, v: number): void => mem.st32(fieldAddr(k, sk, 'sock', path), v);
  for (const q of ['write_queue', 'receive_queue', 'back_log']) call(k, 'skb_queue_head_init', [fieldAddr(k, sk, 'sock', q)]);
  set32('prot', k.addressOf('tcp_prot'));
  mem.st8(fieldAddr(k, sk, 'sock', 'state'), 8 /* CLOSE_WAIT */);
  for (const [f, v] of [['mtu', 536], ['mss', 536], ['sndbuf', 32767], ['rcvbuf', 32767], ['window_seq', 1000 + 32767], ['write_seq', 1000], ['sent_seq', 1000], ['rcv_ack_seq', 1000], ['acked_seq', 5001], ['cong_window', 1], ['rto', 300], ['saddr', 0x0100007f], ['daddr', 0x0100007f]] as const) set32(f, v);
  mem.st16(fieldAddr(k, sk, 'sock', 'dummy_th.source'), 0x5000); // port 80, network order
  mem.st16(fieldAddr(k, sk, 'sock', 'dummy_th.dest'), 0x3930); // port 12345
  set32('retransmit_timer.function', k.fnAddress('retransmit_timer', 'tcp.c'));
  set32('retransmit_timer.data', sk);
  set32('timer.function', k.fnAddress('net_timer'));
  set32('timer.data', sk);
  set32('state_change', k.fnAddress('def_callback1', 'af_inet.c'));
  mem.st32(k.addressOf('jiffies'), 700);
  const m = machineFor(k);
  k.enter(m, k.cfunction('tcp_close', 'tcp.c'), [sk, 0]);
  while (m.runStops(false, 1 << 30) !== 'returned');
  assert.deepEqual(printed, []);
  assert.equal(field(k, sk, 'sock', 'state'), 9, 'LAST_ACK');
  assert.equal(field(k, sk, 'sock', 'write_seq'), 1001, 'the FIN counts in write_seq');
  assert.equal(field(k, sk, 'sock', 'sent_seq'), 1001);
  assert.equal(field(k, sk, 'sock', 'ip_xmit_timeout'), 1, 'TIME_WRITE');
  assert.equal(field(k, sk, 'sock', 'retransmit_timer.expires'), 700 + 300, 'armed for rto');
  assert.equal(field(k, sk, 'sock', 'packets_out'), 1);
  assert.equal(sent.length, 1, 'one segment to the device');
  const skb = sent[0];
  assert.equal(field(k, sk, 'sock', 'send_head'), skb, 'and kept on send_head for retransmission');
  assert.equal(field(k, skb, 'sk_buff', 'len'), 40);
  assert.equal(field(k, skb, 'sk_buff', 'when'), 700);
  const th = [...mem.read(fieldAddr(k, skb, 'sk_buff', 'data') + 20, 20)];
  // source 80, dest 12345, seq 1000, ack 5001 (network order), doff 5, FIN|ACK, window, checksum
  assert.deepEqual(th.slice(0, 14), [0x00, 0x50, 0x30, 0x39, 0, 0, 0x03, 0xe8, 0, 0, 0x13, 0x89, 0x50, 0x11]);
  assert.deepEqual(th.slice(16, 18), [0xef, 0xbe], 'the checksum tcp_check gave');
  // the IP header ip_queue_xmit completed: total length 40 in network order
  const ip = [...mem.read(fieldAddr(k, skb, 'sk_buff', 'data'), 4)];
  assert.deepEqual(ip, [0x45, 0, 0, 40]);
});
