import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../core/db/library';
import { fakeServiceEnv, generateCatalog, startFakes, type Fakes } from '../core/testing/fakes';
import { fillLibraryFromCatalog } from '../core/years/testing/catalog-library';
import { rememberRoots } from '../core/scan/store';
import type { SyncPlan } from '../shared/sync';
import { jsonLines, runCli, type CliRun } from './testing/run-cli';

let fakes: Fakes;
let dir: string;
const catalog = generateCatalog({ seed: 29, artists: 6 });

beforeAll(async () => {
  fakes = await startFakes({ catalog });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-cli-sync-'));
});
afterAll(async () => {
  await fakes.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(db: string, args: string[], secrets = path.join(dir, 'secrets.json')): Promise<CliRun> {
  return runCli([...args, '--db', db], { env: { ...fakeServiceEnv(fakes.urls), SLEEVE_SECRETS: secrets } });
}

function library(name: string, tracks: number): string {
  const file = path.join(dir, `${name}.sqlite`);
  const db = openLibrary(file);
  const rows = fillLibraryFromCatalog(db, catalog, { tracks, mbidShare: 0.3, seed: 2, messy: true });
  const now = Date.now();
  const id = db.prepare("INSERT INTO playlists (name, created_at, updated_at) VALUES ('Night Drive', ?, ?)").run(now, now).lastInsertRowid;
  const insert = db.prepare("INSERT INTO playlist_entries (playlist_id, position, track_id, location, resolution) SELECT ?, ?, id, path, 'path' FROM tracks WHERE id = ?");
  rows.forEach((r, i) => insert.run(id, i, r.id));
  db.close();
  return file;
}

describe('npm run cli -- sync', () => {
  it('refuses Spotify until it is connected, with what to do', async () => {
    const db = library('unconnected', 3);
    const run = await cli(db, ['sync', 'Night Drive', '--to', 'spotify'], path.join(dir, 'none.json'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Spotify is not connected.*spotify connect/);
    expect((await cli(db, ['sync', 'Nope', '--to', 'spotify'])).stderr).toMatch(/No playlist 'Nope'/);
    expect((await cli(db, ['sync', 'Night Drive', '--to', 'dropbox'])).stderr).toMatch(/spotify or folder:PATH/);
    expect((await cli(db, ['sync', 'Night Drive'])).status).toBe(2);
  }, 120_000);

  it('shows the plan with --dry-run, applies it, and a second sync changes nothing', async () => {
    const db = library('spotify', 25);
    const issued = fakes.spotify.state.issueToken();
    const secrets = path.join(dir, 'connected.json');
    fs.writeFileSync(secrets, JSON.stringify({ spotifyClientId: fakes.spotify.state.settings.clientId, spotifyRefreshToken: issued.refreshToken }), { mode: 0o600 });
    fakes.spotify.state.playlists.clear();

    const dry = await cli(db, ['sync', 'Night Drive', '--to', 'spotify', '--dry-run'], secrets);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Night Drive → Spotify: \d+ to add, 0 to remove, 0 unchanged/);
    expect(dry.stdout).toContain('dry run: nothing changed');
    expect(dry.stdout).toMatch(/\+ .+ – .+ {2}\((exact|isrc|fuzzy)/);
    expect(fakes.spotify.state.playlists.size).toBe(0);

    const apply = await cli(db, ['sync', 'Night Drive', '--to', 'spotify', '--json'], secrets);
    expect(apply.status, apply.stderr).toBe(0);
    const out = jsonLines<{ plan?: SyncPlan; counters?: Record<string, number> }>(apply.stdout);
    const plan = out.find((l) => l.plan)!.plan!;
    const result = out.at(-1)!;
    for (const c of ['tracks', 'matched', 'review', 'notFound', 'deferred', 'added', 'removed', 'requests']) expect(result.counters).toHaveProperty(c);
    expect(result.counters!.added).toBe(plan.counts.add);
    expect([...fakes.spotify.state.playlists.values()][0]!.items).toHaveLength(plan.counts.add);

    fakes.resetStats();
    const again = await cli(db, ['sync', '1', '--to', 'spotify'], secrets);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 to add, 0 to remove, \d+ unchanged/);
    expect(fakes.spotify.stats.byMethod.POST ?? 0).toBe(0);
    expect(fakes.spotify.stats.byMethod.DELETE ?? 0).toBe(0);
  }, 120_000);

  it('syncs to a folder: refuses one inside the library, plans, copies, then has nothing to do', async () => {
    const file = path.join(dir, 'folder.sqlite');
    const music = path.join(dir, 'Music');
    const db = openLibrary(file);
    rememberRoots(db, [music]);
    const insert = db.prepare(
      "INSERT INTO tracks (path, folder, size, mtime_ms, status, format, title, artist, album, track_no, first_seen, last_seen) VALUES (?, ?, ?, ?, 'ok', 'mp3', ?, 'Ann', 'First', ?, 0, 0)",
    );
    const ids = ['Alpha', 'Beta', 'Gamma'].map((title, i) => {
      const track = path.join(music, `${i + 1}.mp3`);
      fs.mkdirSync(music, { recursive: true });
      fs.writeFileSync(track, `${title} `.repeat(500));
      const stat = fs.statSync(track);
      return Number(insert.run(track, music, stat.size, Math.round(stat.mtimeMs), title, i + 1).lastInsertRowid);
    });
    const playlist = db.prepare("INSERT INTO playlists (name, created_at, updated_at) VALUES ('Walk', 0, 0)").run().lastInsertRowid;
    ids.forEach((id, i) => db.prepare("INSERT INTO playlist_entries (playlist_id, position, track_id, location, resolution) VALUES (?, ?, ?, 'x', 'path')").run(playlist, i, id));
    db.close();

    const inside = await cli(file, ['sync', 'Walk', '--to', `folder:${path.join(music, 'Phone')}`]);
    expect(inside.status).toBe(2);
    expect(inside.stderr).toMatch(/inside the library folder .*Choose a folder outside the library/);
    expect(fs.existsSync(path.join(music, 'Phone'))).toBe(false);

    const phone = path.join(dir, 'Phone');
    const dry = await cli(file, ['sync', 'Walk', '--to', `folder:${phone}`, '--dry-run']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Walk → .*Phone: 3 to add, 0 to remove, 0 unchanged, 0 unmatched, 0 to review, 1 to update \(dry run/);
    expect(dry.stdout).toContain('~ Walk.m3u8  (new playlist file)');
    expect(fs.existsSync(phone)).toBe(false);

    const apply = await cli(file, ['sync', 'Walk', '--to', `folder:${phone}`, '--workers', '2']);
    expect(apply.status, apply.stderr).toBe(0);
    expect(fs.readFileSync(path.join(phone, 'Walk.m3u8'), 'utf8')).toMatch(/Ann\/First\/01 Alpha\.mp3\n.*\nAnn\/First\/02 Beta\.mp3/s);

    const again = await cli(file, ['sync', 'Walk', '--to', `folder:${phone}`]);
    expect(again.stdout).toMatch(/: 0 to add, 0 to remove, 3 unchanged, 0 unmatched, 0 to review\n/);
  }, 120_000);
});
