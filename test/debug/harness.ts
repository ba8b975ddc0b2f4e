// Test harness for the debug adapter: an in-process DAP server, a DebugClient whose every incoming
// message is validated against the DAP JSON schema, and helpers to launch, step and read values.

import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as net from 'node:net';
import { after, afterEach, before, beforeEach } from 'node:test';
import Ajv, { type ValidateFunction } from 'ajv';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { TcpCloseSession } from '../../src/debug/session';

export const ROOT = resolve(__dirname, '..', '..');
/** the release's tcp.c and tcp.h (what a session runs by default) */
export const KERNEL = join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.c');
export const TCP_H = join(ROOT, 'src', 'kernel', 'linux-1.2.13', 'net', 'inet', 'tcp.h');
export const PASSIVE = join(ROOT, 'examples', 'passive-close.tcpscenario');

// ---- schema validation ----

const schema = JSON.parse(readFileSync(join(__dirname, 'dap', 'debugAdapterProtocol.json'), 'utf8'));
delete schema.$schema; // draft-04: the keywords used are read the same by ajv's default draft
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(schema, 'dap');
const validators = new Map<string, ValidateFunction>();

function validatorFor(def: string): ValidateFunction {
  let v = validators.get(def);
  if (!v) {
    v = ajv.getSchema(`dap#/definitions/${def}`)!;
    validators.set(def, v);
  }
  return v;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The schema definition a message must satisfy (custom ones against the base Event / Response). */
export function definitionOf(msg: any): string {
  if (msg.type === 'event') return schema.definitions[`${cap(msg.event)}Event`] ? `${cap(msg.event)}Event` : 'Event';
  if (msg.type === 'response') {
    if (!msg.success) return 'ErrorResponse';
    return schema.definitions[`${cap(msg.command)}Response`] ? `${cap(msg.command)}Response` : 'Response';
  }
  return 'ProtocolMessage';
}

/** Problems with one message, or an empty list. */
export function validate(msg: any): string[] {
  const def = definitionOf(msg);
  const v = validatorFor(def);
  if (v(msg)) return [];
  return (v.errors ?? []).map((e) => `${def} ${e.instancePath} ${e.message} (${JSON.stringify(msg).slice(0, 300)})`);
}

// ---- the client ----

/** A DebugClient that validates and records every message the adapter sends. */
export class Client {
  readonly events: DebugProtocol.Event[] = [];
  readonly invalid: string[] = [];
  /** every error response the adapter sent */
  readonly failures: DebugProtocol.Response[] = [];
  private consumed = new Set<DebugProtocol.Event>();
  private waiters: (() => void)[] = [];

  constructor(readonly dc: DebugClient) {
    const anyDc = dc as any;
    const dispatch = anyDc.dispatch.bind(dc);
    anyDc.dispatch = (body: string) => {
      const msg = JSON.parse(body);
      this.invalid.push(...validate(msg));
      if (msg.type === 'response' && !msg.success) this.failures.push(msg);
      if (msg.type === 'event') {
        this.events.push(msg);
        for (const w of this.waiters.splice(0)) w();
      }
      dispatch(body);
    };
  }

  /** The first event of this name not yet taken (waiting for it if needed). */
  async next(name: string, timeout = 20000): Promise<DebugProtocol.Event> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const e = this.events.find((x) => x.event === name && !this.consumed.has(x));
      if (e) {
        this.consumed.add(e);
        return e;
      }
      if (Date.now() > deadline) throw new Error(`no '${name}' event within ${timeout} ms (events: ${this.events.map((x) => x.event).join(', ')})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Drops events not yet taken (so the next wait sees only new ones). */
  skipPending(): void {
    for (const e of this.events) this.consumed.add(e);
  }

  /**
   * initialize, launch, the configuration phase (`configure` sets breakpoints), configurationDone;
   * resolves with the first stopped event.
   */
  async launch(args: Record<string, unknown>, configure?: (dc: DebugClient) => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
    await this.dc.initializeRequest({ adapterID: 'tcp-close', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsInvalidatedEvent: true });
    const launched = this.dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
    await this.next('initialized');
    if (configure) await configure(this.dc);
    await this.dc.configurationDoneRequest();
    await launched;
    return (await this.next('stopped')) as DebugProtocol.StoppedEvent;
  }

  /** A motion request, then its stopped event. */
  async step(command: 'next' | 'stepIn' | 'stepOut' | 'stepBack' | 'continue' | 'reverseContinue' | 'stepToNextEvent', threadId = 1): Promise<DebugProtocol.StoppedEvent> {
    await this.dc.send(command, { threadId });
    return (await this.next('stopped')) as DebugProtocol.StoppedEvent;
  }

  async frames(threadId: number): Promise<DebugProtocol.StackFrame[]> {
    return (await this.dc.stackTraceRequest({ threadId })).body.stackFrames;
  }

  async top(threadId: number): Promise<DebugProtocol.StackFrame> {
    return (await this.frames(threadId))[0];
  }

  async scope(frameId: number, name: string): Promise<DebugProtocol.Scope> {
    const s = (await this.dc.scopesRequest({ frameId })).body.scopes.find((x) => x.name === name);
    if (!s) throw new Error(`no scope '${name}'`);
    return s;
  }

  /** The variables of a scope of the top frame of a thread, by name. */
  async vars(threadId: number, scope = 'Socket'): Promise<Record<string, string>> {
    const f = await this.top(threadId);
    const s = await this.scope(f.id, scope);
    const vs = (await this.dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
    return Object.fromEntries(vs.map((v) => [v.name, v.value]));
  }

  assertValid(): void {
    if (this.invalid.length) throw new Error(`the adapter sent messages the DAP schema rejects:\n${this.invalid.join('\n')}`);
  }

  async close(): Promise<void> {
    try {
      await this.dc.disconnectRequest({});
    } catch {
      /* already gone */
    }
    await this.dc.stop();
  }
}

/** A DAP server in this process: one TcpCloseSession per connection. */
export async function startServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    // each message at once: with Nagle's algorithm a response followed by an event waits for the
    // client's delayed ACK (about 40 ms on Linux) before the event goes out
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    const session = new TcpCloseSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * For a test file: one adapter server (started before its tests, closed after them) and a fresh
 * client for each test, handed to `bind` before the test and closed and checked against the DAP
 * schema after it (`current()` says which client that is, since a test may connect again).
 */
export function clientPerTest(bind: (c: Client) => void, current: () => Client): { readonly port: number } {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  const handle = {
    get port(): number {
      if (!server) throw new Error('the adapter server is not started yet');
      return server.port;
    },
  };
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    bind(await connect(handle.port));
  });
  afterEach(async () => {
    const c = current();
    await c.close();
    c.assertValid();
  });
  return handle;
}

export async function connect(port: number): Promise<Client> {
  const dc = new DebugClient('node', '', 'tcp-close');
  dc.defaultTimeout = 20000;
  await dc.start(port);
  (dc as unknown as { _socket?: net.Socket })._socket?.setNoDelay(true);
  return new Client(dc);
}

/** The 1-based line of the first line of `file` containing `text` after the line containing `after`. */
export function lineOf(file: string, text: string, after?: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  let from = 0;
  if (after) {
    from = lines.findIndex((l) => l.includes(after));
    if (from < 0) throw new Error(`'${after}' not found in ${file}`);
  }
  const i = lines.findIndex((l, k) => k > from && l.includes(text));
  if (i < 0) throw new Error(`'${text}' not found in ${file}`);
  return i + 1;
}

/** The line of tcp_fin's `tcp_set_state(sk,TCP_CLOSE_WAIT);`, found in the kernel's text. */
export function closeWaitLine(): number {
  const text = readFileSync(KERNEL, 'utf8').split('\n');
  const def = text.findIndex((l, i) => /^static int tcp_fin\(/.test(l) && !l.trim().endsWith(';') && text[i + 1]?.trim() === '{');
  if (def < 0) throw new Error('tcp_fin definition not found');
  const i = text.findIndex((l, k) => k > def && l.includes('tcp_set_state(sk,TCP_CLOSE_WAIT);'));
  return i + 1;
}

/** Writes a scenario into a fresh temporary folder; returns its path. */
export function tempScenario(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-close-debug-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
