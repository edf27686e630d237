import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlbumSummary, ArtCandidate } from '../shared/albums';
import { openLibrary } from '../core/db/library';
import { fakeServiceEnv, generateCatalog, startFakes, type Fakes } from '../core/testing/fakes';
import { jsonLines, runCli, type CliRun } from './testing/run-cli';
import { fillLibraryFromCatalog } from '../core/years/testing/catalog-library';

let fakes: Fakes;
let dir: string;
const catalog = generateCatalog({ seed: 12, artists: 5 });

beforeAll(async () => {
  fakes = await startFakes({ catalog });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-cli-albums-'));
});
afterAll(async () => {
  await fakes.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(db: string, args: string[]): Promise<CliRun> {
  return runCli([...args, '--db', db], {
    env: { ...fakeServiceEnv(fakes.urls), SLEEVE_SECRETS: path.join(dir, 'secrets.json') },
  });
}

const lines = jsonLines;

describe('npm run cli -- enrich, albums, art', () => {
  it('matches, prints one JSON object per album, and a picture chosen with --choose survives a later run', async () => {
    const db = path.join(dir, 'cli.sqlite');
    const library = openLibrary(db);
    fillLibraryFromCatalog(library, catalog, { tracks: 80, mbidShare: 0.5, seed: 3, messy: false });
    library.close();

    const enrich = await cli(db, ['enrich', '--json']);
    expect(enrich.status, enrich.stderr).toBe(0);
    const result = lines<{ job: string; state: string; counters: Record<string, number> }>(enrich.stdout).at(-1)!;
    expect(result).toMatchObject({ job: 'enrich', state: 'done' });
    for (const counter of ['albums', 'matched', 'review', 'notFound', 'deferred', 'artworkFound', 'requests', 'cacheHits']) {
      expect(result.counters).toHaveProperty(counter);
    }
    expect(result.counters.matched).toBeGreaterThan(0);
    expect(result.counters.artworkFound).toBeGreaterThan(0);

    const albums = lines<AlbumSummary>((await cli(db, ['albums', '--json'])).stdout);
    expect(albums.length).toBe(result.counters.albums);
    for (const a of albums) {
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['id', 'title', 'artist', 'trackCount', 'musicbrainz', 'match', 'artwork']));
      expect(Object.keys(a.musicbrainz)).toEqual(expect.arrayContaining(['releaseId', 'releaseGroupId']));
      expect(Object.keys(a.match)).toEqual(expect.arrayContaining(['source', 'score', 'confirmed']));
      expect(Object.keys(a.artwork)).toEqual(expect.arrayContaining(['source', 'width', 'height', 'chosenBy']));
    }
    const withChoices = albums.find((a) => a.artwork.chosenBy === 'default' && a.artCandidates >= 2);
    expect(withChoices).toBeDefined();
    const listed = lines<{ candidates: ArtCandidate[] }>((await cli(db, ['art', '--album', String(withChoices!.id), '--json'])).stdout)[0]!;
    const other = listed.candidates.findIndex((c) => !c.suggested);
    expect(other).toBeGreaterThanOrEqual(0);
    {
      const chose = await cli(db, ['art', '--album', String(withChoices!.id), '--choose', String(other + 1), '--json']);
      expect(chose.status, chose.stderr).toBe(0);
      const after = lines<{ candidates: ArtCandidate[] }>(chose.stdout)[0]!;
      expect(after.candidates[other]!.chosen).toBe(true);

      // Looking again finds the same pictures, and keeps the user's pick.
      expect((await cli(db, ['enrich', '--refresh', '--json'])).status).toBe(0);
      const again = lines<AlbumSummary>((await cli(db, ['albums', '--json'])).stdout).find((a) => a.id === withChoices!.id)!;
      expect(again.artwork.chosenBy).toBe('user');
      expect(again.artwork.hash).toBe(after.candidates[other]!.hash);
    }

    const bad = await cli(db, ['art', '--album', String(withChoices!.id), '--choose', '99']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--choose takes a number from 1 to/);
  }, 240_000);
});
