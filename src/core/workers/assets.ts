import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Files a worker process starts threads from. They sit next to the worker
 * entry: src/core/workers/*.ts under Node (tsx), out/main/*.js in the build.
 * The entry registers its own location, since only it knows where it runs.
 */
let base: URL | null = null;
let extension = '.js';

export function setWorkerAssetBase(entryUrl: string): void {
  base = new URL('.', entryUrl);
  extension = entryUrl.endsWith('.ts') ? '.ts' : '.js';
}

export function workerAsset(name: string): URL {
  if (!base) throw new Error('Worker assets are only available inside a job worker');
  return new URL(`${name}${extension}`, base);
}

/**
 * Starts a thread on a worker asset. Under Node the asset is TypeScript, and
 * neither tsx's --import hook nor a hook registered inside a thread reaches
 * it on Node 20, so the thread loads it through tsx's tsImport; in the build
 * the asset is plain JavaScript.
 */
export function startThread(entry: URL, resourceLimits?: ResourceLimits): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { resourceLimits });
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  const exportsMap = (require(tsxPackage) as { exports: Record<string, { import: { default: string } }> }).exports;
  const tsxApi = pathToFileURL(path.join(path.dirname(tsxPackage), exportsMap['./esm/api']!.import.default)).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}
