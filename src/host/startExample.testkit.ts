// For the tests beside the engine: a shipped example scenario bound on the release image and started, its
// binding checked to say nothing.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../scenario/parse';
import { bindScenario } from '../engine/release/bind';
import type { ReleaseImage } from '../engine/release/image';
import { ReleaseRun } from '../engine/release/run';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

export function startExample(image: ReleaseImage, file: string): ReleaseRun {
  const path = join(EXAMPLES, file);
  const { bound, diagnostics } = bindScenario(parseScenario(readFileSync(path, 'utf8'), path), image.kernel, image.constant);
  assert.deepEqual(diagnostics, [], file);
  return new ReleaseRun(image, bound);
}
