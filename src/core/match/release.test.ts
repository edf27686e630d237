import { describe, expect, it } from 'vitest';
import { scoreRelease, type AlbumQuery, type ReleaseCandidate } from './release';

const album: AlbumQuery = {
  title: 'Harvest of Lanterns (Remastered 2011)',
  artist: 'The Velvet Orchard',
  tracks: [
    { title: 'Lantern Song', trackNumber: 1, durationMs: 200_000 },
    { title: 'The Orchard Gate - 2011 Remaster', trackNumber: 2, durationMs: 180_000 },
    { title: 'Slow River', trackNumber: 3, durationMs: 240_000 },
  ],
};

function release(title: string, artist: string, tracks: Array<[string, number]>, extra: Partial<ReleaseCandidate<string>> = {}): ReleaseCandidate<string> {
  return {
    title,
    artists: [artist],
    trackCount: tracks.length,
    tracks: tracks.map(([t, ms], i) => ({ ref: `${title}#${i + 1}`, title: t, position: i + 1, discNumber: 1, durationMs: ms })),
    ...extra,
  };
}

describe('scoreRelease', () => {
  const original = release('Harvest of Lanterns', 'The Velvet Orchard', [
    ['Lantern Song', 201_000],
    ['The Orchard Gate', 179_000],
    ['Slow River', 241_000],
  ]);

  it('scores the album in hand near 1 and places every track on its own release track', () => {
    const result = scoreRelease(album, original);
    expect(result.score).toBeGreaterThan(0.95);
    expect(result.placements).toEqual(['Harvest of Lanterns#1', 'Harvest of Lanterns#2', 'Harvest of Lanterns#3']);
  });

  it('prefers the album in hand over a deluxe edition with more tracks, and over another artist', () => {
    const deluxe = release('Harvest of Lanterns', 'The Velvet Orchard', [
      ['Lantern Song', 201_000],
      ['The Orchard Gate', 179_000],
      ['Slow River', 241_000],
      ['Lantern Song (Demo)', 190_000],
      ['Slow River (Live)', 260_000],
      ['Bonus Interlude', 60_000],
    ]);
    const other = release('Harvest of Lanterns', 'Lantern Harvest', [
      ['Autumn', 100_000],
      ['Winter', 120_000],
      ['Spring', 130_000],
    ]);
    const inHand = scoreRelease(album, original).score;
    expect(scoreRelease(album, deluxe).score).toBeLessThan(inHand - 0.1);
    expect(scoreRelease(album, other).score).toBeLessThan(0.7);
  });

  it('uses each release track once, even when two files have the same title', () => {
    const query: AlbumQuery = {
      title: 'Reprise',
      artist: 'A',
      tracks: [
        { title: 'Theme', trackNumber: 1, durationMs: 100_000 },
        { title: 'Theme', trackNumber: 5, durationMs: 300_000 },
      ],
    };
    const candidate = release('Reprise', 'A', [
      ['Theme', 100_000],
      ['B', 1],
      ['C', 1],
      ['D', 1],
      ['Theme', 300_000],
    ]);
    expect(scoreRelease(query, candidate).placements).toEqual(['Reprise#1', 'Reprise#5']);
  });

  it('scores a search result without a track list by title, artist and track count', () => {
    const summary = { title: 'Harvest of Lanterns', artists: ['The Velvet Orchard'], trackCount: 3 };
    const result = scoreRelease(album, summary);
    expect(result.parts.tracks).toBeNull();
    expect(result.score).toBeGreaterThan(0.95);
    expect(result.placements).toEqual([null, null, null]);
  });

  it('never throws on empty or hostile input and stays within 0 and 1', () => {
    const empty = scoreRelease({ title: '', artist: '', tracks: [] }, { title: '', artists: [], trackCount: null, tracks: [] });
    expect(empty.score).toBeGreaterThanOrEqual(0);
    expect(empty.score).toBeLessThanOrEqual(1);
    const weird = scoreRelease(
      { title: '★'.repeat(5000), artist: '🎵', tracks: [{ title: '', durationMs: -5 }] },
      { title: 'x', artists: [''], trackCount: 0, tracks: [{ ref: 1, title: '', position: null, discNumber: null, durationMs: null }] },
    );
    expect(Number.isFinite(weird.score)).toBe(true);
  });
});
