// The shipped kernel is the Linux 1.2.13 release byte for byte, and the seed's four pieces of code
// (the article the project is built on) are in its tcp.c as the article quotes them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const kernel = join(__dirname, '../../src/kernel');
const shipped = join(kernel, 'linux-1.2.13');
const reference = join(__dirname, '../../../shared/linux-1.2.13/SHA256SUMS');
const seedDir = join(__dirname, '../../../shared/seed');

function sums(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const r = /^([0-9a-f]{64}) {2}(?:\.\/)?(.+)$/.exec(line);
    if (r) m.set(r[2], r[1]);
  }
  return m;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

test('every shipped release file has the checksum listed for it, and every listed file is shipped', () => {
  const listed = sums(readFileSync(join(kernel, 'linux-1.2.13.sha256'), 'utf8'));
  const files = walk(shipped).map((f) => relative(shipped, f)).sort();
  assert.deepEqual(files, [...listed.keys()].sort(), 'the files in linux-1.2.13/ are exactly the listed ones');
  for (const f of files) assert.equal(sha256(join(shipped, f)), listed.get(f), f);
  assert.ok(files.length > 100);
});

test("no machine-layer header stands in for a release header: the release's own are read (asm/ as asm-i386/)", () => {
  const machineInclude = join(kernel, 'machine', 'include');
  const releaseHeaders = new Set(walk(join(shipped, 'include')).map((f) => relative(join(shipped, 'include'), f)));
  for (const f of walk(machineInclude)) {
    const rel = relative(machineInclude, f).replace(/^asm\//, 'asm-i386/');
    assert.ok(!releaseHeaders.has(rel), `src/kernel/machine/include/${relative(machineInclude, f)} has the name of the release's include/${rel}, and the preprocessor would read it instead`);
    assert.ok(!rel.startsWith('asm-i386/'), `src/kernel/machine/include/${relative(machineInclude, f)}: the asm headers are the release's`);
  }
});

test("the checksums are the release's own (../shared/linux-1.2.13/SHA256SUMS)", { skip: !existsSync(reference) && 'no ../shared' }, () => {
  const release = sums(readFileSync(reference, 'utf8'));
  const listed = sums(readFileSync(join(kernel, 'linux-1.2.13.sha256'), 'utf8'));
  for (const [f, h] of listed) assert.equal(release.get(f), h, `${f}: not the release's file`);
});

/**
 * The seed's code blocks without the article author's remarks (lines or line ends in Chinese after
 * `//`, which are not kernel code): each block from its first line to the brace that closes it.
 */
function seedBlocks(text: string): { first: string; lines: string[] }[] {
  const lines = text.split('\n');
  const cjk = /[\u4e00-\u9fff]/;
  const starts = ['static int tcp_fin(', 'static void tcp_close(', 'static int tcp_close_state(', 'if (sk->state == TCP_LAST_ACK)'];
  return starts.map((start) => {
    const i = lines.findIndex((l) => l.startsWith(start));
    assert.ok(i >= 0, `the seed quotes ${start}`);
    const block: string[] = [];
    let depth = 0;
    let opened = false;
    for (let j = i; j < lines.length; j++) {
      let l = lines[j];
      if (cjk.test(l)) {
        if (/^\s*\/\//.test(l)) continue;
        l = l.replace(/\s*\/\/[^"]*$/, '');
      }
      block.push(l);
      depth += (l.match(/\{/g) ?? []).length - (l.match(/\}/g) ?? []).length;
      if (l.includes('{')) opened = true;
      if (opened && depth === 0) break;
    }
    return { first: start, lines: block };
  });
}

test("the seed's tcp_fin, tcp_close, tcp_close_state and LAST_ACK block are in the release's tcp.c, line for line", { skip: !existsSync(seedDir) && 'no ../shared/seed' }, () => {
  const seed = readFileSync(join(seedDir, readdirSync(seedDir).find((f) => f.endsWith('.txt'))!), 'utf8');
  const tcp = readFileSync(join(shipped, 'net/inet/tcp.c'), 'latin1').split('\n');
  // blank lines are where the article put its remarks: compare the non-blank lines, in order and
  // contiguous, each exactly (trailing blanks aside; the LAST_ACK block is quoted without its indent)
  const nonBlank = (ls: string[]): { text: string; at: number }[] => ls.map((text, at) => ({ text: text.replace(/\s+$/, ''), at })).filter((l) => l.text.trim() !== '');
  const release = nonBlank(tcp);
  for (const block of seedBlocks(seed)) {
    const want = nonBlank(block.lines);
    const starts = release.map((l, k) => (l.text.trim() === want[0].text.trim() ? k : -1)).filter((k) => k >= 0);
    const match = starts.find((k) => want.every((w, n) => (n === 0 ? release[k].text.trim() === w.text.trim() : release[k + n]?.text === w.text)));
    assert.ok(match !== undefined, `${block.first}: the seed's ${want.length} lines are not in tcp.c as quoted`);
    assert.ok(want.length > 10);
  }
});
