import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../shared/jobs';
import { WorkQueue } from '../albums/queue';
import { listAlbums } from '../albums/store';
import { openLibrary, type Library } from '../db/library';
import { registerJobKinds } from '../jobs/kinds';
import { JobManager } from '../jobs/manager';
import { NodeWorkerHost, nodeWorkerEntry } from '../jobs/node-host';
import { fakeServiceEnv, generateCatalog, startFakes, type Fakes } from '../testing/fakes';
import { fillLibraryFromCatalog, type CatalogTrack } from '../years/testing/catalog-library';

registerJobKinds();

let fakes: Fakes;
let dir: string;
const catalog = generateCatalog({ seed: 61, artists: 12 });

beforeAll(async () => {
  fakes = await startFakes({ catalog, latencyMs: { min: 5, max: 20 } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-enrich-job-'));
});
afterAll(async () => {
  await fakes.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function openManager(libraryPath: string, db: Library) {
  return new JobManager({
    db,
    libraryPath,
    host: new NodeWorkerHost(),
    workerEntry: nodeWorkerEntry(),
    workerEnv: fakeServiceEnv(fakes.urls),
  });
}

/** Release id each album's files came from, by album id. */
function truth(db: Library, tracks: CatalogTrack[]): Map<number, string> {
  const byTrack = new Map(tracks.map((t) => [t.id, t.releaseId]));
  const out = new Map<number, string>();
  for (const row of db.prepare('SELECT id, album_id FROM tracks WHERE album_id IS NOT NULL').all() as Array<{ id: number; album_id: number }>) {
    out.set(row.album_id, byTrack.get(row.id)!);
  }
  return out;
}

describe('enrich job', () => {
  it('matches albums to the releases their files came from, never to a wrong one, and a second run asks nothing', async () => {
    const libraryPath = path.join(dir, 'match.sqlite');
    const db = openLibrary(libraryPath);
    const tracks = fillLibraryFromCatalog(db, catalog, { tracks: 400, mbidShare: 0.3, seed: 5, messy: true });
    const manager = openManager(libraryPath, db);
    try {
      fakes.musicbrainz.stats.reset();
      const job = await manager.waitFor(manager.start({ kind: 'enrich', params: { noArtwork: true } }).id);
      expect(job.state, job.error ?? '').toBe('done');
      const albums = listAlbums(db, { limit: 1000 }).albums;
      const expected = truth(db, tracks);
      expect(albums.length).toBe(expected.size);
      expect(job.counters.albums).toBe(albums.length);
      const matched = albums.filter((a) => a.match.state === 'matched');
      const wrong = matched.filter((a) => a.musicbrainz.releaseId !== expected.get(a.id));
      expect(wrong.map((a) => `${a.artist} - ${a.title}: ${a.musicbrainz.releaseId} (want ${expected.get(a.id)})`)).toEqual([]);
      expect(matched.length / albums.length).toBeGreaterThan(0.8);
      expect(job.counters.matched).toBe(matched.length);
      // Batched searches and one lookup per album: far fewer requests than tracks.
      expect(fakes.musicbrainz.stats.total / tracks.length).toBeLessThan(0.2);
      // Every matched album's tracks carry the recording the file came from.
      const wrongRecordings = db
        .prepare(`SELECT COUNT(*) AS n FROM track_matches m JOIN tracks t ON t.id = m.track_id WHERE m.mb_recording_id IS NULL`)
        .get() as { n: number };
      expect(wrongRecordings.n).toBeLessThan(tracks.length * 0.05);

      fakes.musicbrainz.stats.reset();
      const again = await manager.waitFor(manager.start({ kind: 'enrich', params: { noArtwork: true } }).id);
      expect(again.state).toBe('done');
      expect(fakes.musicbrainz.stats.total).toBe(0);
    } finally {
      await manager.shutdown();
      db.close();
    }
  }, 180_000);

  it('a cancelled run leaves its albums queued, and the next run finishes them without queueing any twice', async () => {
    const libraryPath = path.join(dir, 'cancel.sqlite');
    const db = openLibrary(libraryPath);
    fillLibraryFromCatalog(db, catalog, { tracks: 300, mbidShare: 0, seed: 8, messy: false });
    const manager = openManager(libraryPath, db);
    fakes.musicbrainz.switches.latencyMs = { min: 60, max: 90 };
    try {
      const first = manager.start({ kind: 'enrich', params: { noArtwork: true } });
      await new Promise<void>((resolve) => {
        const onUpdate = (job: JobSnapshot) => {
          if (job.id === first.id && (job.counters.albums ?? 0) >= 3) {
            manager.off('update', onUpdate);
            manager.cancel(first.id);
            resolve();
          }
        };
        manager.on('update', onUpdate);
      });
      expect((await manager.waitFor(first.id)).state).toBe('cancelled');
      const queue = new WorkQueue(db);
      const left = queue.counts().match;
      expect(left.running).toBe(0);
      expect(left.queued).toBeGreaterThan(0);
      const rows = (db.prepare('SELECT COUNT(*) AS n FROM work_queue').get() as { n: number }).n;
      // Asking again for albums already queued adds no rows.
      const ids = (db.prepare('SELECT id FROM albums').all() as Array<{ id: number }>).map((r) => r.id);
      queue.enqueue('match', ids, 0);
      expect((db.prepare('SELECT COUNT(*) AS n FROM work_queue').get() as { n: number }).n).toBe(rows);

      fakes.musicbrainz.switches.latencyMs = 0;
      const second = await manager.waitFor(manager.start({ kind: 'enrich', params: { noArtwork: true } }).id);
      expect(second.state).toBe('done');
      expect(queue.counts().match.queued).toBe(0);
      const untried = (db.prepare('SELECT COUNT(*) AS n FROM albums WHERE match_state IS NULL').get() as { n: number }).n;
      expect(untried).toBe(0);
    } finally {
      fakes.musicbrainz.switches.latencyMs = { min: 5, max: 20 };
      await manager.shutdown();
      db.close();
    }
  }, 180_000);
});

describe('enrichment after a scan', () => {
  it('starts when a scan leaves new albums queued, and not when it leaves none', async () => {
    const { openSleeveCore } = await import('../app');
    const libraryPath = path.join(dir, 'after-scan.sqlite');
    const music = fs.mkdtempSync(path.join(dir, 'music-'));
    const core = openSleeveCore({
      libraryPath,
      host: new NodeWorkerHost(),
      workerEntry: nodeWorkerEntry(),
      shell: 'web',
      enrichAfterScan: true,
      workerEnv: fakeServiceEnv(fakes.urls),
    });
    try {
      const kinds = () => core.jobs.list(20).map((j) => j.kind);
      await core.jobs.waitFor(core.jobs.start({ kind: 'scan', params: { paths: [music] } }).id);
      expect(kinds()).not.toContain('enrich');

      fillLibraryFromCatalog(core.db, catalog, { tracks: 10, mbidShare: 1, seed: 2 });
      const rows = await core.jobs.waitFor(core.jobs.start({ kind: 'scan', params: { paths: [music] } }).id);
      expect(rows.state).toBe('done');
      // The scan grouped the new tracks into albums and queued them as new imports.
      await expect.poll(() => kinds()).toContain('enrich');
      const enrich = core.jobs.list(20).find((j) => j.kind === 'enrich')!;
      const done = await core.jobs.waitFor(enrich.id);
      expect(done.state).toBe('done');
      expect(done.counters.matched).toBeGreaterThan(0);
    } finally {
      await core.close();
    }
  }, 120_000);
});
