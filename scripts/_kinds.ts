import { nodeCParser } from '../src/host/node';
import { readFileSync, readdirSync } from 'node:fs';
(async () => {
  const parse = await nodeCParser();
  const kinds = new Map<string, number>();
  for (const f of readdirSync('/tmp/cc').filter((f) => f.endsWith('.i'))) {
    const tree = parse(readFileSync('/tmp/cc/' + f, 'latin1').replace(/\b__signed__\b/g, 'signed    '));
    const c = tree.rootNode.walk();
    const visit = (n: any): void => { if (n.isNamed) kinds.set(n.type, (kinds.get(n.type) ?? 0) + 1); for (const ch of n.children) visit(ch); };
    visit(tree.rootNode);
    if (tree.rootNode.hasError) console.log('ERROR in', f);
  }
  console.log([...kinds].sort().map(([k, n]) => `${k}:${n}`).join(' '));
})();
