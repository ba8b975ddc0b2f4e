// Tests for the problems the editor shows: the parser's errors and the engine's checks against the kernel, together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkOnRelease } from '../host/load';
import { RunSetupError } from '../engine/setup';
import { CError } from '../engine/code';
import { CHECK_MESSAGES, checkPkt, checkScenario, type Loader } from './checks';
import { MAX_DIAGNOSTICS } from '../scenario/parse';
import { pktScripts } from '../scenario/packetdrill/scripts.testkit';

const PATH = resolve('/tmp/editor-check.tcpscenario');
const PKT = resolve('/tmp/editor-check.pkt');

test('a syntax error on one line and unknown names on others are all reported in one pass', async () => {
  const text = 'socket server TCP_BOGUS write_seq=5000\n0 server < Q\n+0 server call tcp_nope\n+0 expect server state=TCP_ALSO_BOGUS\n';
  const p = await checkScenario(text, PATH, checkOnRelease);
  assert.deepEqual(
    p.map((x) => [x.source, x.range.start.line, x.range.start.column]),
    [
      ['kernel', 1, 15],
      ['scenario', 2, 12],
      ['kernel', 3, 16],
      ['kernel', 4, 24],
    ],
  );
  assert.match(p[0].message, /'TCP_BOGUS' is not a constant/);
  assert.match(p[3].message, /'TCP_ALSO_BOGUS' is not a constant/);
  assert.equal(p.filter((x) => x.range.start.line === 2).length, 1, 'the syntax error is reported once');
});

test('a socket whose declaration failed to parse: its name is known, later lines on it raise no second error', async () => {
  const text = 'socket server TCP_ESTABLISHED write_seq=\nsocket client TCP_NOPE\nlink client server\n0 server close\n+0 client close\n';
  const p = await checkScenario(text, PATH, checkOnRelease);
  assert.deepEqual(
    p.map((x) => [x.source, x.range.start.line, x.range.start.column]),
    [
      ['scenario', 1, 31],
      ['kernel', 2, 15],
    ],
  );
});

test('names the kernel does not know are reported by the engine, where they are written', async () => {
  const text = 'socket server TCP_ESTABLISHD bogus=1\n0 server call tcp_nope\n+0 expect server fin_seq=1\n';
  const p = await checkScenario(text, PATH, checkOnRelease);
  assert.deepEqual(
    p.map((x) => [x.source, x.range.start.line, x.range.start.column]),
    [
      ['kernel', 1, 15],
      ['kernel', 1, 30],
      ['kernel', 2, 15],
    ],
  );
  assert.match(p[0].message, /TCP_ESTABLISHD/);
});

test('a valid scenario has no problems, and the run set up to check it is disposed', async () => {
  const text = readFileSync(join(__dirname, '..', '..', 'examples', 'four-way.tcpscenario'), 'utf8');
  let disposed = 0;
  const load: Loader = async (o) => {
    const run = await checkOnRelease(o);
    return {
      dispose: () => {
        disposed++;
        run.dispose();
      },
    };
  };
  assert.deepEqual(await checkScenario(text, PATH, load), []);
  assert.equal(disposed, 1);
});

test('warnings of the parser stay with the engine\'s result', async () => {
  const p = await checkScenario('socket server TCP_ESTABLISHED\n', PATH, checkOnRelease);
  assert.equal(p.length, 1);
  assert.equal(p[0].severity, 'warning');
});

test('problems in other files (the kernel) go on the first line, with their location', async () => {
  const load: Loader = async () => {
    throw new RunSetupError(
      [{ file: '/k/tcp.c', range: { start: { line: 3, column: 4 }, end: { line: 3, column: 5 } }, severity: 'error', message: 'cannot read' }],
      [new CError({ file: '/k/tcp.c', line: 7, column: 1, endLine: 7, endColumn: 2 }, 'goto is not supported')],
    );
  };
  const p = await checkScenario('socket a ESTABLISHED\n0 a close\n', PATH, load);
  assert.equal(p.length, 2);
  assert.deepEqual(p[0], { range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, severity: 'error', message: CHECK_MESSAGES.elsewhere, args: ['cannot read', '/k/tcp.c:3:4'], translate: true, source: 'kernel' });
  assert.equal(p[1].message, '/k/tcp.c:7:1: goto is not supported');
  const crash: Loader = async () => {
    throw new Error('wasm missing');
  };
  const q = await checkScenario('socket a ESTABLISHED\n0 a close\n', PATH, crash);
  assert.deepEqual([q[0].message, q[0].args], [CHECK_MESSAGES.loadFailed, ['wasm missing']]);
});

test('the socket layer from nothing (CLOSED, listen, connect, accept, shutdown, write, read) is checked against the release, as F5 runs it', async () => {
  const text = 'socket server CLOSED\nsocket client TCP_ESTABLISHED\n0 server listen 80\n0 client connect server\n0 server accept\n0 client shutdown wr\n0 client write 5\n0 client read 5\n';
  assert.deepEqual(await checkScenario(text, PATH, checkOnRelease), []);
  // a misspelt state is still the release binding's error, where it is written
  const bad = await checkScenario(text.replace('TCP_ESTABLISHED', 'TCP_ESTABLISHD'), PATH, checkOnRelease);
  assert.deepEqual(bad.map((x) => [x.source, x.range.start.line, x.range.start.column]), [['kernel', 2, 15]]);
});

test('packetdrill: each of the nine scripts translates and binds, its notes information at its lines, and the run set up is disposed', async () => {
  for (const { name, path } of pktScripts()) {
    let disposed = 0;
    const load: Loader = async (o) => {
      assert.ok(o.scenarioPath.endsWith('.pkt'), 'the loader is given the script, to translate');
      const run = await checkOnRelease(o);
      return { dispose: () => (disposed++, run.dispose()) };
    };
    const p = await checkPkt(readFileSync(path, 'utf8'), path, load);
    assert.deepEqual(p.filter((x) => x.severity !== 'information'), [], name);
    assert.ok(p.length > 0 && p.every((x) => x.source === 'packetdrill'), name);
    // every script starts with `../common/defaults.sh`, which the importer does not translate
    const shell = p.find((x) => /^not translated: the shell command/.test(x.message));
    assert.ok(shell, `${name}: the shell line is noted`);
    assert.equal(shell.range.start.line, readFileSync(path, 'utf8').split('\n').findIndex((l) => l.startsWith('`')) + 1, name);
    assert.equal(disposed, 1, name);
  }
});

test('packetdrill: a script that does not translate has the importer\'s errors at their line and column, its notes too, and nothing is set up', async () => {
  let loaded = 0;
  const load: Loader = async () => (loaded++, { dispose() {} });
  const p = await checkPkt('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bogus(3) = 0\n+0 close(5) = 0\n', PKT, load);
  assert.deepEqual(
    p.map((x) => [x.severity, x.source, x.range.start.line, x.range.start.column]),
    [
      ['information', 'packetdrill', 2, 4],
      ['error', 'packetdrill', 3, 10],
    ],
  );
  assert.match(p[0].message, /^not translated: bogus\(\)/);
  assert.match(p[1].message, /'5' is not a socket the script opened/);
  // a script that does not parse: the parser's error
  const q = await checkPkt('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < Q 0:0(0) win 1\n', PKT, load);
  assert.deepEqual(q.map((x) => [x.severity, x.range.start.line, x.range.start.column]), [['error', 2, 6]]);
  assert.match(q[0].message, /after '<', found 'Q'/);
  assert.equal(loaded, 0);
});

test('packetdrill: what the scenario it translates to cannot be set up is an error at the script\'s line', async () => {
  const load: Loader = async (o) => {
    throw new RunSetupError([{ file: o.scenarioPath, range: { start: { line: 2, column: 1 }, end: { line: 2, column: 1 } }, severity: 'error', message: 'the translation of this line: no' }]);
  };
  const p = await checkPkt('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 listen(3, 1) = 0\n', PKT, load);
  assert.deepEqual(p.map((x) => [x.severity, x.source, x.range.start.line, x.message]), [['error', 'kernel', 2, 'the translation of this line: no']]);
});

test('packetdrill: at most MAX_DIAGNOSTICS problems, errors kept first, and one more that says how many were left out', async () => {
  const text = '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' + '+0 `echo hi`\n'.repeat(150) + '+0 listen(3, 1) = 0\n';
  const load: Loader = async (o) => {
    throw new RunSetupError([{ file: o.scenarioPath, range: { start: { line: 152, column: 1 }, end: { line: 152, column: 1 } }, severity: 'error', message: 'late' }]);
  };
  const p = await checkPkt(text, PKT, load);
  assert.equal(p.length, MAX_DIAGNOSTICS + 1);
  assert.ok(p.some((x) => x.message === 'late'), 'the error past the notes is kept');
  const more = p.find((x) => x.message === CHECK_MESSAGES.more);
  assert.ok(more);
  assert.deepEqual([more.severity, more.args, more.translate], ['information', ['51', String(MAX_DIAGNOSTICS)], true]);
  assert.deepEqual(p.map((x) => x.range.start.line), [...p.map((x) => x.range.start.line)].sort((a, b) => a - b), 'in the order of the script');
});
