// Stopping code-server without leaving orphans. SIGTERM to code-server's main process stops the
// server, but the extension host it forked (and the agent host, file watcher and their helpers)
// keeps running, re-parented to init, waiting hours for the browser to reconnect. So: note every
// descendant (from /proc) first, then stop the main process, then the rest, SIGKILL after a grace.

import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/** pid and every process below it, parents before children. */
export function processTree(pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(name);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(name));
  }
  const out = [];
  const walk = (p) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pids, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!pids.some(alive)) return true;
    await sleep(100);
  }
  return !pids.some(alive);
}

/**
 * SIGTERM to pid, then to its (former) descendants; SIGKILL whatever is left after graceMs.
 * `known`: descendants seen earlier (a watcher's), in case pid is already gone and they were
 * re-parented.
 */
export async function stopTree(pid, graceMs = 5000, known = []) {
  if (!pid) return;
  const tree = [...new Set([...processTree(pid), ...known])];
  const signal = (pids, sig) => {
    for (const p of pids) {
      try {
        process.kill(p, sig);
      } catch {
        // already gone
      }
    }
  };
  signal([pid], 'SIGTERM');
  await waitGone([pid], graceMs / 2);
  const rest = tree.filter(alive);
  signal(rest, 'SIGTERM');
  if (!(await waitGone(rest, graceMs / 2))) signal(rest.filter(alive), 'SIGKILL');
  await waitGone(tree, 1000);
}

/** Keeps noting pid's descendants (every intervalMs) so that they can be stopped after pid died. */
export function watchTree(pid, intervalMs = 2000) {
  const seen = new Set(processTree(pid));
  const timer = setInterval(() => {
    for (const p of processTree(pid)) seen.add(p);
  }, intervalMs);
  timer.unref();
  return { pids: () => [...seen].filter(alive), stop: () => clearInterval(timer) };
}
