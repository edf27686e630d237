import { describe, expect, it } from 'vitest';
import { Catalog, compareDates, creditString, generateCatalog, VARIOUS_ARTISTS_ID } from './catalog';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function snapshot(catalog: Catalog): string {
  return JSON.stringify({
    artists: [...catalog.artists.values()],
    recordings: [...catalog.recordings.values()],
    releases: [...catalog.releases.values()],
    groups: [...catalog.releaseGroups.values()],
    merged: [...catalog.merged.entries()],
    audiodb: [...catalog.audiodb.albums.values(), ...catalog.audiodb.tracks.values()],
    discogs: [...catalog.discogs.masters.values(), ...catalog.discogs.releases.values()],
    spotify: [...catalog.spotify.albums.values(), ...catalog.spotify.tracks.values()],
  });
}

function eanValid(code: string): boolean {
  const digits = code.padStart(13, '0').split('').map(Number);
  const sum = digits.slice(0, 12).reduce((s, d, i) => s + d * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === digits[12];
}

describe('generated catalog', () => {
  const catalog = generateCatalog({ seed: 42 });

  it('is the same for the same seed and differs for another', () => {
    expect(snapshot(generateCatalog({ seed: 42 }))).toBe(snapshot(catalog));
    expect(snapshot(generateCatalog({ seed: 43 }))).not.toBe(snapshot(catalog));
  });

  it('has configurable sizes', () => {
    const small = generateCatalog({ seed: 1, artists: 2, albumsPerArtist: [1, 1], tracksPerAlbum: [3, 3], vaCompilations: 0, singleRate: 0, bestOfRate: 0, liveRate: 0, reissueRate: 0 });
    expect(small.artists.size).toBe(3);
    expect(small.releaseGroups.size).toBe(2);
    expect(small.recordings.size).toBe(6);
    const big = generateCatalog({ seed: 1, artists: 200 });
    expect(big.recordings.size).toBeGreaterThan(2000);
  });

  it('uses UUIDv4-looking MBIDs, real-looking ISRCs and barcodes with valid check digits', () => {
    const ids = [...catalog.artists.keys(), ...catalog.recordings.keys(), ...catalog.releases.keys(), ...catalog.releaseGroups.keys(), ...catalog.merged.keys()];
    expect(ids.filter((id) => id !== VARIOUS_ARTISTS_ID).every((id) => UUID_V4.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const isrcs = [...catalog.recordings.values()].flatMap((r) => r.isrcs);
    expect(isrcs.length).toBeGreaterThan(0);
    expect(isrcs.every((i) => /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/.test(i))).toBe(true);
    const barcodes = [...catalog.releases.values()].map((r) => r.barcode).filter((b): b is string => !!b);
    expect(barcodes.length).toBeGreaterThan(0);
    expect(barcodes.every(eanValid)).toBe(true);
  });

  it('has the hard names fuzzy matching is tested against', () => {
    const names = [...catalog.artists.values()].map((a) => a.name);
    expect(names.some((n) => n.startsWith('The '))).toBe(true);
    expect(names.some((n) => n.includes('&'))).toBe(true);
    expect(names.some((n) => /[^\u0020-\u007e]/.test(n))).toBe(true);
    const the = [...catalog.artists.values()].find((a) => a.name.startsWith('The '))!;
    expect(the.sortName.endsWith(', The')).toBe(true);
    expect([...catalog.recordings.values()].some((r) => creditString(r.credit).includes(' feat. '))).toBe(true);
    expect([...catalog.spotify.tracks.values()].some((t) => t.name.includes('(feat. '))).toBe(true);
    const remastered = [...catalog.releases.values(), ...catalog.spotify.albums.values()].map((r) => ('title' in r ? r.title : r.name));
    expect(remastered.some((t) => /\(Remastered \d{4}\)/.test(t))).toBe(true);
    expect([...catalog.spotify.tracks.values()].some((t) => / - (Remastered \d{4}|\d{4} Remaster)$/.test(t.name))).toBe(true);
  });

  it('has release groups with several releases, the reissue dated later', () => {
    const groups = [...catalog.releaseGroups.values()].filter((g) => catalog.releasesOfGroup(g.id).length > 1);
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      const [original, ...later] = catalog.releasesOfGroup(group.id);
      expect(catalog.groupFirstReleaseDate(group.id)).toBe(original!.date);
      for (const reissue of later) expect(compareDates(reissue.date, original!.date)).toBeGreaterThan(0);
    }
  });

  it('puts some recordings on an original album and on a later compilation', () => {
    const compilations = [...catalog.releaseGroups.values()].filter((g) => g.secondaryTypes.includes('Compilation'));
    expect(compilations.length).toBeGreaterThan(0);
    expect(compilations.some((g) => g.credit[0]!.artistId === VARIOUS_ARTISTS_ID)).toBe(true);
    const shared = [...catalog.recordings.values()].find((r) => {
      const groups = catalog.appearances(r.id).map((a) => catalog.releaseGroups.get(a.release.releaseGroupId)!);
      return groups.some((g) => g.secondaryTypes.includes('Compilation')) && groups.some((g) => g.secondaryTypes.length === 0 && g.primaryType === 'Album');
    })!;
    expect(shared).toBeDefined();
    const dates = catalog.appearances(shared.id).map((a) => ({ date: a.release.date, comp: catalog.releaseGroups.get(a.release.releaseGroupId)!.secondaryTypes.includes('Compilation') }));
    const firstCompilation = dates.filter((d) => d.comp).map((d) => d.date).sort(compareDates)[0]!;
    expect(compareDates(catalog.recordingFirstReleaseDate(shared.id), firstCompilation)).toBeLessThan(0);
  });

  it('leaves some releases without cover art and gives others front images', () => {
    const releases = [...catalog.releases.values()];
    expect(releases.some((r) => r.coverArt.length === 0)).toBe(true);
    expect(releases.some((r) => r.coverArt.some((i) => i.front))).toBe(true);
  });

  it('links TheAudioDB, Discogs and Spotify records to MBIDs', () => {
    for (const album of catalog.audiodb.albums.values()) expect(catalog.releaseGroups.has(album.mbid!)).toBe(true);
    for (const track of catalog.audiodb.tracks.values()) expect(catalog.recordings.has(track.mbid!)).toBe(true);
    for (const master of catalog.discogs.masters.values()) {
      expect(master.year).toBe(Number(catalog.groupFirstReleaseDate(master.mbReleaseGroupId!).slice(0, 4)));
    }
    const tracks = [...catalog.spotify.tracks.values()];
    expect(tracks.every((t) => /^[0-9A-Za-z]{22}$/.test(t.id) && t.durationMs > 0)).toBe(true);
    expect(tracks.some((t) => t.isrc === null)).toBe(true);
    expect(tracks.some((t) => t.isrc !== null)).toBe(true);
    expect(catalog.merged.size).toBe(4);
  });
});

describe('catalog entries added by hand', () => {
  it('adds an album with a reissue, a feat. credit and entries in every service', () => {
    const catalog = new Catalog('hand');
    const guest = catalog.addArtist({ name: 'Zoë Ågren', type: 'Person' });
    const added = catalog.addAlbum({
      artist: 'The Test Band',
      title: 'First Light',
      date: '1990-04-02',
      tracks: [{ title: 'Opening', isrcs: ['USAAA9000001'] }, { title: 'Duet', featuring: guest }],
      reissues: [{ date: '2010-01-01', title: 'First Light (Remastered 2010)' }],
      audiodb: { year: 2010 },
      discogs: true,
      spotify: 'reissue-only',
    });
    expect(catalog.findArtist('The Test Band')).toBeDefined();
    expect(added.releases.map((r) => r.date)).toEqual(['1990-04-02', '2010-01-01']);
    expect(creditString(added.recordings[1]!.credit)).toBe('The Test Band feat. Zoë Ågren');
    expect(catalog.recordingFirstReleaseDate(added.recordings[0]!.id)).toBe('1990-04-02');
    expect(added.audiodbAlbum).toMatchObject({ mbid: added.releaseGroup.id, year: 2010 });
    expect(added.discogsMaster).toMatchObject({ year: 1990, mainReleaseId: added.discogsReleases[0]!.id });
    expect(added.discogsReleases.map((r) => r.year)).toEqual([1990, 2010]);
    expect(added.spotifyAlbums).toHaveLength(1);
    expect(added.spotifyAlbums[0]!.releaseDate).toBe('2010-01-01');

    const compilation = catalog.addAlbum({ artist: 'The Test Band', title: 'Best Of', date: '2015', secondaryTypes: ['Compilation'], tracks: [{ recording: added.recordings[0]! }] });
    expect(catalog.appearances(added.recordings[0]!.id).map((a) => a.release.id)).toEqual([...added.releases.map((r) => r.id), compilation.releases[0]!.id]);
  });

  it('adds low-level entries and merges', () => {
    const catalog = new Catalog();
    const artist = catalog.addArtist({ name: 'Solo' });
    const recording = catalog.addRecording({ title: 'Song', length: 123_000, credit: catalog.credit(artist) });
    const group = catalog.addReleaseGroup({ title: 'Single', primaryType: 'Single', credit: recording.credit });
    const release = catalog.addRelease({ title: 'Single', releaseGroupId: group.id, date: '2020-02-02', media: [{ tracks: [{ recordingId: recording.id }] }] });
    expect(release.media[0]!.tracks[0]).toMatchObject({ title: 'Song', length: 123_000, number: '1' });
    catalog.addMerge('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'recording', recording.id);
    expect(catalog.resolve('recording', 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA')).toEqual({ id: recording.id, merged: true });
    expect(catalog.resolve('release', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa').merged).toBe(false);
  });
});
