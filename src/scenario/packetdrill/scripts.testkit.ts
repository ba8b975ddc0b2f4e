// The nine packetdrill close and shutdown scripts the tests read where they are
// (../shared/packetdrill/, beside the project; never copied into it).

import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PKT_ROOT = join(__dirname, '..', '..', '..', '..', 'shared', 'packetdrill', 'google-packetdrill', 'gtests', 'net', 'tcp');

/** The nine scripts, by file name. */
export function pktScripts(): { name: string; path: string }[] {
  return ['close', 'shutdown'].flatMap((d) => readdirSync(join(PKT_ROOT, d)).filter((f) => f.endsWith('.pkt')).sort().map((f) => ({ name: f, path: join(PKT_ROOT, d, f) })));
}

