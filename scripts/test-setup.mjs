// Vitest's global setup: the tests run the CLI and the server as users do,
// from the esbuild bundle in out/node, so it is brought up to date once here
// rather than by every spawned process.
import { ensureNodeBuild } from './run-node.mjs';

export default async function setup() {
  await ensureNodeBuild();
}
