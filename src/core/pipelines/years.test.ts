import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../shared/jobs';
import { openLibrary } from '../db/library';
import { registerJobKinds } from '../jobs/kinds';
import { JobManager } from '../jobs/manager';
import { NodeWorkerHost, nodeWorkerEntry } from '../jobs/node-host';
import { generateCatalog, startFakes, type Fakes } from '../testing/fakes';
import { fillLibraryFromCatalog } from '../years/testing/catalog-library';

registerJobKinds();

let fakes: Fakes;
let dir: string;
const catalog = generateCatalog({ seed: 44, artists: 10 });

beforeAll(async () => {
  // Slow answers, so the job is still at work when it is cancelled.
  fakes = await startFakes({ catalog, latencyMs: { min: 40, max: 80 } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-years-job-'));
});
afterAll(async () => {
  await fakes.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('years job', () => {
  it('keeps what it settled when cancelled, and the next run does only the rest', async () => {
    const libraryPath = path.join(dir, 'library.sqlite');
    const db = openLibrary(libraryPath);
    const tracks = fillLibraryFromCatalog(db, catalog, { tracks: 300, mbidShare: 0, seed: 9, messy: false });
    const manager = new JobManager({
      db,
      libraryPath,
      host: new NodeWorkerHost(),
      workerEntry: nodeWorkerEntry(),
      workerEnv: { SLEEVE_MUSICBRAINZ_URL: fakes.urls.musicbrainz, SLEEVE_MUSICBRAINZ_RATE: '0', SLEEVE_THEAUDIODB_URL: fakes.urls.theaudiodb },
    });
    try {
      const params = { pass2Concurrency: 1 };
      const first = manager.start({ kind: 'years', params });
      await new Promise<void>((resolve) => {
        const onUpdate = (job: JobSnapshot) => {
          if (job.id === first.id && (job.counters.processed ?? 0) >= 20) {
            manager.off('update', onUpdate);
            manager.cancel(first.id);
            resolve();
          }
        };
        manager.on('update', onUpdate);
      });
      const cancelled = await manager.waitFor(first.id);
      expect(cancelled.state).toBe('cancelled');
      const settled = (db.prepare('SELECT COUNT(*) AS n FROM tracks WHERE year_state IS NOT NULL').get() as { n: number }).n;
      expect(settled).toBeGreaterThanOrEqual(20);
      expect(settled).toBeLessThan(tracks.length);

      const second = await manager.waitFor(manager.start({ kind: 'years', params: {} }).id);
      expect(second.state).toBe('done');
      expect(second.counters.processed).toBe(tracks.length - settled);
      const left = (db.prepare('SELECT COUNT(*) AS n FROM tracks WHERE year_state IS NULL').get() as { n: number }).n;
      expect(left).toBe(0);
    } finally {
      await manager.shutdown();
      db.close();
    }
  }, 120_000);
});
