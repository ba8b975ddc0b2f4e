// packetdrill scripts on Linux 1.2, as a user runs them (the bundled dist/cli.js): the nine real
// close and shutdown scripts (../shared/packetdrill/, read where they are) import and run, each
// ending 0 or 1 with every difference from modern Linux at the script's line; `import -o` writes a
// scenario that runs the same; a malformed script is refused at its line and column with exit 2.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pktScripts } from '../src/scenario/packetdrill/scripts.testkit';
import { buildCli, runCli as runCliWith } from './cli.testkit';

before(buildCli);

const runCli = (...args: string[]) => runCliWith(args);

const byName = new Map(pktScripts().map((s) => [s.name, s.path]));
const differences = (out: string) => out.split('\n').filter((l) => l.startsWith('FAILED '));

test('all nine scripts import and run on Linux 1.2: exit 0 or 1, each difference at a line of the script, what is not translated on stderr', () => {
  const seen: Record<string, number> = {};
  for (const { name, path } of pktScripts()) {
    const r = runCli('run', path, '--quiet');
    assert.ok(r.code === 0 || r.code === 1, `${name}: exit ${r.code}\n${r.err}`);
    assert.doesNotMatch(r.out + r.err, /internal error|ERROR /, name);
    const d = differences(r.out);
    assert.equal(r.code === 1, d.length > 0, `${name}: the exit status says whether there were differences`);
    if (!d.length) assert.match(r.out, /every expectation held/);
    const script = readFileSync(path, 'utf8').split('\n');
    for (const l of d) {
      const m = new RegExp(`^FAILED ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+): (.*)$`).exec(l);
      assert.ok(m, `${name}: ${l}`);
      const line = script[Number(m[1]) - 1];
      // a `>` line: what the script wants (as written) and what 1.2 sent; a call: both results
      if (line.includes('>')) assert.ok(m[2].startsWith(`modern Linux: \`${line.trim().replace(/^\S+\s+/, '')}\`; Linux 1.2 sent `), `${name}: ${l}`);
      else assert.match(m[2], /^modern Linux: \w+\(\) = .*; Linux 1.2: \w+\(\) = /, `${name}: ${l}`);
    }
    // the shell line every script starts with is reported at its line, as not translated
    const shellLine = script.findIndex((l) => l.includes('`../common/defaults.sh`')) + 1;
    assert.ok(r.err.includes(`${path}:${shellLine}:1: warning: not translated: the shell command \`../common/defaults.sh\``), `${name}:\n${r.err}`);
    seen[name] = d.length;
  }
  // a connect from nothing: Linux 1.2 does what these say (its SYN's options are not compared: `<...>`)
  assert.equal(seen['close-local-close-then-remote-fin.pkt'], 0);
  assert.equal(seen['close-on-syn-sent.pkt'], 0);
  assert.equal(Object.keys(seen).length, 9);
});

test("the SYN-ACK: Linux 1.2 answers a SYN with mss 1000 with its own mss 1000 (the peer's, through tcp_options) and no sackOK or wscale", () => {
  const path = byName.get('close-remote-fin-then-close.pkt')!;
  const r = runCli('run', path, '--quiet');
  assert.equal(r.code, 1, r.err);
  assert.deepEqual(differences(r.out), [`FAILED ${path}:13: modern Linux: \`> S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>\`; Linux 1.2 sent \`S. 0:0(0) ack 1 win 14335 <mss 1000>\``]);
  // the trace names the script's line too
  const trace = runCli('run', path);
  assert.ok(trace.out.includes(`FAILED  ${basename(path)}:13: modern Linux: \`> S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>\`; Linux 1.2 sent \`S. 0:0(0) ack 1 win 14335 <mss 1000>\``), trace.out.split('\n').filter((l) => l.includes('FAILED')).join('\n'));
  // the end record carries the differences at the script's lines
  const json = runCli('run', path, '--json');
  const end = JSON.parse(json.out.trim().split('\n').pop()!);
  assert.deepEqual(
    end.failures.map((f: { file: string; line: number }) => [f.file, f.line]),
    [[path, 13]],
  );
  assert.equal(end.sockets.conn.state, 'TCP_CLOSE');
});

test('import -o writes the scenario; run on it gives the same end and the same failed lines (at the scenario\'s lines)', () => {
  const path = byName.get('shutdown-rdwr-write-queue-close.pkt')!;
  const out = join(mkdtempSync(join(tmpdir(), 'tcp-pkt-')), 'imported.tcpscenario');
  const i = runCli('import', path, '-o', out);
  assert.equal(i.code, 0, i.err);
  assert.match(i.err, /shutdown-rdwr-write-queue-close\.pkt: \d+ notes; the scenario is in /);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /^# Imported from the packetdrill script shutdown-rdwr-write-queue-close\.pkt/);
  const a = JSON.parse(runCli('run', out, '--json').out.trim().split('\n').pop()!);
  const b = JSON.parse(runCli('run', path, '--json').out.trim().split('\n').pop()!);
  assert.deepEqual(a.sockets, b.sockets);
  const scenarioLines = text.split('\n');
  // each failed scenario line is the translation of the script line the .pkt run names
  const expectFailures = b.failures.filter((f: { message: string }) => f.message.includes('sent'));
  assert.ok(expectFailures.length >= 2);
  assert.deepEqual(
    a.failures.map((f: { line: number }) => Number(/# (\d+):/.exec(scenarioLines[f.line - 1])![1])),
    expectFailures.map((f: { line: number }) => f.line),
  );
  // without -o the scenario goes to stdout
  const s = runCli('import', path);
  assert.equal(s.code, 0);
  assert.equal(s.out, text);
});

test('a malformed script: exit 2, each problem at its line and column, nothing run; a missing file and a huge one the same way', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-pkt-'));
  const bad = join(dir, 'bad.pkt');
  writeFileSync(bad, '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 listen(3, 1) = 0\n+0 < S 0:9(0) win 100\n+0 close(9) = 0\n');
  for (const cmd of ['run', 'import']) {
    const r = runCli(cmd, bad);
    assert.equal(r.code, 2, r.out);
    assert.equal(r.out, '');
    assert.deepEqual(r.err.trim().split('\n'), [`${bad}:3:8: error: 0:9(0): the length is end - start (9)`]);
  }
  writeFileSync(bad, '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(9) = 0\n');
  assert.deepEqual(runCli('run', bad).err.trim().split('\n'), [`${bad}:2:10: error: close(): '9' is not a socket the script opened (socket() or accept())`]);
  const missing = runCli('import', join(dir, 'none.pkt'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /none\.pkt:1:1: error: /);
  const huge = join(dir, 'huge.pkt');
  writeFileSync(huge, '0 close(3) = 0\n'.repeat(100_000));
  const h = runCli('run', huge);
  assert.equal(h.code, 2);
  assert.match(h.err, /huge\.pkt:1:1: error: .*(1 MiB|1048576)/);
  assert.equal(runCli('import', join(dir, 'x.tcpscenario')).code, 2);
});
