import { nodeCParser } from '../src/host/node';
import { readFileSync } from 'node:fs';
(async () => {
  const parse = await nodeCParser();
  const src = process.argv[2].startsWith('/') ? readFileSync(process.argv[2], 'latin1') : process.argv[2];
  const tree = parse(src);
  const find = (n: any): void => { if (n.type === 'ERROR' || n.isMissing) console.log('ERR', n.startPosition, JSON.stringify(src.slice(n.startIndex - 40, n.endIndex + 40))); for (const c of n.children) find(c); };
  if (process.argv[3] === 'err') find(tree.rootNode); else console.log(tree.rootNode.toString());
})();
