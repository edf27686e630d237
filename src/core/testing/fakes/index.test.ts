import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_NAMES } from '../../net/types';
import { startFakes } from './index';

describe('startFakes', () => {
  it('starts every fake over one catalog and closes them all', async () => {
    const fakes = await startFakes({ seed: 5, catalogOptions: { artists: 4 } });
    try {
      expect(Object.keys(fakes.urls).sort()).toEqual([...SOURCE_NAMES].sort());
      for (const url of Object.values(fakes.urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const release = [...fakes.catalog.releases.values()].find((r) => r.coverArt.length > 0)!;
      expect((await fetch(`${fakes.urls.musicbrainz}/ws/2/release/${release.id}?fmt=json`)).status).toBe(200);
      expect((await fetch(`${fakes.urls.coverart}/release/${release.id}`)).status).toBe(200);
      expect((await fetch(`${fakes.urls.theaudiodb}/api/v1/json/2/album-mb.php?i=${release.releaseGroupId}`)).status).toBe(200);
      expect((await fetch(`${fakes.urls.discogs}/database/search?q=x`, { headers: { Authorization: 'Discogs token=t' } })).status).toBe(200);
      const { accessToken } = fakes.spotify.state.issueToken();
      expect((await fetch(`${fakes.urls.spotify}/v1/me`, { headers: { Authorization: `Bearer ${accessToken}` } })).status).toBe(200);
      expect(fakes.spotifyAccounts.state).toBe(fakes.spotify.state);
      expect(fakes.musicbrainz.stats.total).toBe(1);
      fakes.resetStats();
      expect(fakes.musicbrainz.stats.total).toBe(0);
      // Production-like limits are set but only counted unless asked for.
      expect(fakes.musicbrainz.switches.rateLimit).toMatchObject({ limit: 1, windowMs: 1000, reject: false, style: 'musicbrainz' });
      expect(fakes.theaudiodb.switches.rateLimit).toMatchObject({ limit: 30, windowMs: 60_000, reject: false });
    } finally {
      await fakes.close();
    }
    await expect(fetch(fakes.urls.musicbrainz)).rejects.toThrow();
  });

  it('can enforce the rate limits and add latency everywhere', async () => {
    const fakes = await startFakes({ seed: 5, catalogOptions: { artists: 2 }, enforceRateLimits: true, latencyMs: 5 });
    try {
      expect(fakes.musicbrainz.switches.rateLimit!.reject).toBe(true);
      expect(fakes.discogs.switches.rateLimit!.reject).toBe(true);
      expect(fakes.coverart.switches.rateLimit).toBeNull();
      expect(fakes.spotifyAccounts.switches.latencyMs).toBe(5);
      const id = [...fakes.catalog.recordings.keys()][0]!;
      const statuses = [];
      for (let i = 0; i < 2; i++) statuses.push((await fetch(`${fakes.urls.musicbrainz}/ws/2/recording/${id}?fmt=json`)).status);
      expect(statuses).toEqual([200, 503]);
    } finally {
      await fakes.close();
    }
  });

  it('serves from run.ts until SIGINT', async () => {
    const root = path.resolve(import.meta.dirname, '..', '..', '..', '..');
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(import.meta.dirname, 'run.ts'), '--seed', '3', '--artists', '2'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.once('exit', (code) => reject(new Error(`run.ts exited early (${code})`)));
      });
      const printed = JSON.parse(line) as { seed: number; urls: Record<string, string> };
      expect(printed.seed).toBe(3);
      expect(Object.keys(printed.urls).sort()).toEqual([...SOURCE_NAMES].sort());
      expect((await fetch(`${printed.urls.musicbrainz}/ws/2/recording?query=x&fmt=json`)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
