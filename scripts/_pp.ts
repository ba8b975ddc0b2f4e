import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preprocess, type PPHost } from '../src/engine/front/preprocess';
import { nodeCParser } from '../src/host/node';
const root = '/work/wt/ccomp';
const release = join(root, 'src/kernel/linux-1.2.13');
const machineInclude = join(root, 'src/kernel/machine/include');
const FILES = ['net/inet/tcp.c', 'net/inet/sock.c', 'net/inet/af_inet.c', 'net/inet/timer.c', 'net/inet/skbuff.c', 'kernel/sched.c', 'net/inet/ip.c'];
const DEFINES = { __KERNEL__: '1', __GNUC__: '2', __GNUC_MINOR__: '7', __i386__: '1', __linux__: '1', __OPTIMIZE__: '1' };
const aliasAsm = (p: string): string => p.replace(/\/include\/asm\//, '/include/asm-i386/');
const host: PPHost = { exists: (p) => existsSync(aliasAsm(p)) && statSync(aliasAsm(p)).isFile(), read: (p) => ({ text: readFileSync(aliasAsm(p), 'latin1') }) };
(async () => {
  const parse = await nodeCParser();
  for (const f of FILES) {
    const t0 = performance.now();
    const r = preprocess(join(release, f), host, { includePaths: [machineInclude, join(release, 'include'), join(release, 'net/inet')], defines: DEFINES });
    const t1 = performance.now();
    writeFileSync('/tmp/cc/' + f.replace(/\//g, '_') + '.i', r.text);
    const tree = parse(r.text);
    const t2 = performance.now();
    const kinds = new Map<string, number>();
    for (const c of tree.rootNode.children) if (c) kinds.set(c.type, (kinds.get(c.type) ?? 0) + 1);
    let nonascii = 0; for (let i = 0; i < r.text.length; i++) if (r.text.charCodeAt(i) > 127) nonascii++;
    console.log(f, r.text.length, 'pp', (t1 - t0).toFixed(0), 'parse', (t2 - t1).toFixed(0), JSON.stringify([...kinds]), 'nonascii', nonascii, 'haserr', tree.rootNode.hasError);
  }
})();
