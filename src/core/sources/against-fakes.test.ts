import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../db/library';
import { HttpStatusError } from '../net/errors';
import { openNetwork, type Network } from '../net/network';
import type { SourceName } from '../net/types';
import { startFakes, type AddedAlbum, type Artist, type Catalog, type Fakes, type Recording, type Release } from '../testing/fakes';
import { creditString, generateCatalog } from '../testing/fakes/catalog';
import { CoverArtClient } from './coverart';
import { DiscogsClient } from './discogs';
import { MusicBrainzClient, yearOf } from './musicbrainz';
import {
  codeChallengeS256,
  createCodeVerifier,
  createState,
  loopbackRedirectUri,
  SPOTIFY_SCOPES,
  SpotifyAccountsClient,
  SpotifyClient,
} from './spotify';
import { TheAudioDbClient } from './theaudiodb';

/*
 * The source clients against the fake services, through the real HTTP layer
 * (gate, retries, redirects, cache) over a library database: if a client or a
 * fake drifts from the wire format the other expects, this fails. Every
 * answer is checked against the fake's catalog, the ground truth.
 */

const TEST_ENV = { SLEEVE_HTTP_RETRY_BASE_MS: '50' };
const DISCOGS_TOKEN = 'fake-discogs-token';
/** A well-formed MBID that no catalog entity has. */
const UNKNOWN_MBID = '00000000-0000-4000-8000-000000000000';

const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function sameTitleCount(catalog: Catalog, title: string): number {
  const key = title.toLowerCase();
  return [...catalog.recordings.values()].filter((r) => r.title.toLowerCase() === key).length;
}

describe('source clients against the fake services', () => {
  let fakes: Fakes;
  let catalog: Catalog;
  /** Names that are Lucene syntax and need URL encoding: escaping and encoding must agree with the fakes. */
  let hardArtist: Artist;
  let hardAlbum: AddedAlbum;
  let dir: string;
  let db: Library | undefined;
  let network: Network;

  const http = (source: SourceName) => network.http(source);

  beforeAll(async () => {
    catalog = generateCatalog({ seed: 7 });
    hardArtist = catalog.addArtist({ name: 'AC/DC & "The" Who?', country: 'GB', begin: '1973' });
    hardAlbum = catalog.addAlbum({
      artist: hardArtist,
      title: 'Rock & Roll: (Part 1) [Live]!',
      date: '1979',
      barcode: null,
      tracks: [
        { title: 'AC/DC: "Live" [Edit]', isrcs: ['GBAYE7900004'], length: 231_000 },
        { title: 'Who? (Remix) AND more', length: null },
        { title: "What's a Mirror? +1 -2 ~3 ^4 \\ ||", length: 250_000 },
      ],
      audiodb: true,
      discogs: true,
      spotify: true,
    });
    fakes = await startFakes({ catalog });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-sources-fakes-'));
  });

  afterAll(async () => {
    db?.close();
    await fakes?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    fakes.resetStats();
    db?.close();
    // A fresh library per test: no answer cached by one test serves another.
    db = openLibrary(path.join(dir, `${Math.random().toString(36).slice(2)}.sqlite`));
    const sources = Object.fromEntries(Object.entries(fakes.urls).map(([name, baseUrl]) => [name, { baseUrl, rate: 0 }]));
    network = openNetwork({ db, env: TEST_ENV, params: { sources }, secrets: { discogsToken: DISCOGS_TOKEN } });
  });

  describe('MusicBrainz', () => {
    /** A recording on more than one release, with a length, ISRCs and a title no other recording has. */
    const pickRecording = (): Recording => {
      const found = [...catalog.recordings.values()].find(
        (r) => r.length !== null && r.isrcs.length > 0 && catalog.appearances(r.id).length > 1 && sameTitleCount(catalog, r.title) === 1,
      );
      expect(found).toBeDefined();
      return found!;
    };

    it('looks up a recording with its credits, ISRCs, first release date and releases', async () => {
      const recording = pickRecording();
      const got = await new MusicBrainzClient(http('musicbrainz')).lookupRecording(recording.id);
      expect(got).not.toBeNull();
      expect(got!.id).toBe(recording.id);
      expect(got!.title).toBe(recording.title);
      expect(got!.lengthMs).toBe(recording.length);
      expect(got!.disambiguation).toBe(recording.disambiguation);
      expect(got!.isrcs).toEqual(recording.isrcs);
      expect(got!.firstReleaseDate).toBe(catalog.recordingFirstReleaseDate(recording.id));
      expect(got!.artistCredit.map((c) => c.artist.id)).toEqual(recording.credit.map((c) => c.artistId));
      expect(got!.artistCredit.map((c) => c.name + c.joinphrase).join('')).toBe(creditString(recording.credit));
      const releases = [...new Set(catalog.appearances(recording.id).map((a) => a.release.id))];
      expect(got!.releases.map((r) => r.id).sort()).toEqual(releases.sort());
      for (const summary of got!.releases) {
        const release = catalog.releases.get(summary.id)!;
        expect(summary.title).toBe(release.title);
        expect(summary.date).toBe(release.date);
        expect(summary.releaseGroup?.id).toBe(release.releaseGroupId);
      }
    });

    it('looks up a release with its media, tracks and recordings, and its release group', async () => {
      const release = [...catalog.releases.values()].find((r) => r.coverArt.some((i) => i.front) && r.media[0]!.tracks.length >= 5 && r.date.length === 10)!;
      expect(release).toBeDefined();
      const mb = new MusicBrainzClient(http('musicbrainz'));
      const got = await mb.lookupRelease(release.id, ['artist-credits', 'media', 'recordings', 'release-groups']);
      expect(got).not.toBeNull();
      expect(got!.id).toBe(release.id);
      expect(got!.title).toBe(release.title);
      expect(got!.date).toBe(release.date);
      expect(yearOf(got!.date)).toBe(Number(release.date.slice(0, 4)));
      expect(got!.country).toBe(release.country);
      expect(got!.status).toBe(release.status);
      expect(got!.barcode).toBe(release.barcode);
      expect(got!.releaseGroup?.id).toBe(release.releaseGroupId);
      expect(got!.coverArtArchive).toMatchObject({ front: true, artwork: true, count: release.coverArt.length });
      const trackTotal = release.media.reduce((n, m) => n + m.tracks.length, 0);
      expect(got!.trackCount).toBe(trackTotal);
      expect(got!.media).toHaveLength(release.media.length);
      got!.media.forEach((medium, m) => {
        const want = release.media[m]!;
        expect(medium.position).toBe(want.position);
        expect(medium.format).toBe(want.format);
        expect(medium.trackCount).toBe(want.tracks.length);
        expect(medium.tracks.map((t) => t.position)).toEqual(want.tracks.map((t) => t.position));
        expect(medium.tracks.map((t) => t.number)).toEqual(want.tracks.map((t) => t.number));
        expect(medium.tracks.map((t) => t.title)).toEqual(want.tracks.map((t) => t.title));
        expect(medium.tracks.map((t) => t.lengthMs)).toEqual(want.tracks.map((t) => t.length));
        expect(medium.tracks.map((t) => t.recording?.id)).toEqual(want.tracks.map((t) => t.recordingId));
        expect(medium.tracks.map((t) => t.recording?.firstReleaseDate)).toEqual(want.tracks.map((t) => catalog.recordingFirstReleaseDate(t.recordingId)));
      });

      const group = catalog.releaseGroups.get(release.releaseGroupId)!;
      const gotGroup = await mb.lookupReleaseGroup(group.id);
      expect(gotGroup).not.toBeNull();
      expect(gotGroup!.id).toBe(group.id);
      expect(gotGroup!.title).toBe(group.title);
      expect(gotGroup!.primaryType).toBe(group.primaryType);
      expect(gotGroup!.secondaryTypes).toEqual(group.secondaryTypes);
      expect(gotGroup!.firstReleaseDate).toBe(catalog.groupFirstReleaseDate(group.id));
      expect(gotGroup!.artistCredit.map((c) => c.artist.id)).toEqual(group.credit.map((c) => c.artistId));

      expect(await mb.lookupRelease(UNKNOWN_MBID)).toBeNull();
      expect(await mb.lookupReleaseGroup(UNKNOWN_MBID)).toBeNull();
    });

    it('follows the 301 of a merged MBID to the entity it was merged into', async () => {
      const mb = new MusicBrainzClient(http('musicbrainz'));
      const merges = [...catalog.merged.entries()].filter(([, target]) => target.entity !== 'artist');
      expect(merges.length).toBeGreaterThan(0);
      for (const [oldId, target] of merges) {
        const got =
          target.entity === 'recording'
            ? await mb.lookupRecording(oldId)
            : target.entity === 'release'
              ? await mb.lookupRelease(oldId)
              : await mb.lookupReleaseGroup(oldId);
        expect(got, `${target.entity} ${oldId}`).not.toBeNull();
        expect(got!.id).toBe(target.id);
        const title =
          target.entity === 'recording'
            ? catalog.recordings.get(target.id)!.title
            : target.entity === 'release'
              ? catalog.releases.get(target.id)!.title
              : catalog.releaseGroups.get(target.id)!.title;
        expect(got!.title).toBe(title);
      }
      expect(fakes.musicbrainz.stats.byStatus[301]).toBe(merges.length);
    });

    it('finds a recording by artist and title, with the top score', async () => {
      const recording = pickRecording();
      const artist = catalog.artists.get(recording.credit[0]!.artistId)!;
      const page = await new MusicBrainzClient(http('musicbrainz')).searchRecordings({ artist: artist.name, title: recording.title });
      expect(page.count).toBeGreaterThan(0);
      expect(page.offset).toBe(0);
      const top = page.items[0]!;
      expect(top.id).toBe(recording.id);
      expect(top.score).toBe(Math.max(...page.items.map((i) => i.score)));
      expect(top.score).toBe(100);
      expect(top.title).toBe(recording.title);
      expect(top.lengthMs).toBe(recording.length);
      expect(top.firstReleaseDate).toBe(catalog.recordingFirstReleaseDate(recording.id));
      // Search answers nest the release of each appearance with the track's offset on its medium.
      for (const summary of top.releases) {
        const appearance = catalog.appearances(recording.id).find((a) => a.release.id === summary.id)!;
        expect(appearance).toBeDefined();
        expect(summary.releaseGroup?.id).toBe(appearance.release.releaseGroupId);
        expect(summary.media[0]!.tracks[0]!.position).toBe(appearance.track.position);
      }
    });

    it('finds recordings, releases and release groups whose names are Lucene syntax', async () => {
      const mb = new MusicBrainzClient(http('musicbrainz'));
      for (const recording of hardAlbum.recordings) {
        const page = await mb.searchRecordings({ artist: hardArtist.name, title: recording.title, album: hardAlbum.releases[0]!.title });
        expect(page.items.map((i) => [i.id, i.score]), recording.title).toEqual([[recording.id, 100]]);
        expect(page.items[0]!.lengthMs).toBe(recording.length);
      }
      const byIsrc = await mb.searchRecordings({ isrc: 'GBAYE7900004' });
      expect(byIsrc.items.map((i) => i.id)).toEqual([hardAlbum.recordings[0]!.id]);
      expect(byIsrc.items[0]!.isrcs).toEqual(['GBAYE7900004']);
      const first = hardAlbum.recordings[0]!;
      const byDuration = await mb.searchRecordings({ artist: hardArtist.name, title: first.title, durationMs: first.length! + 3000 });
      expect(byDuration.items.map((i) => i.id)).toEqual([first.id]);
      expect((await mb.searchRecordings({ artist: hardArtist.name, title: first.title, durationMs: first.length! + 9000 })).count).toBe(0);

      const release = hardAlbum.releases[0]!;
      const releases = await mb.searchReleases({ artist: hardArtist.name, title: release.title });
      expect(releases.items.map((i) => [i.id, i.score])).toEqual([[release.id, 100]]);
      expect(releases.items[0]!.date).toBe('1979');
      expect(releases.items[0]!.barcode).toBeNull();

      const groups = await mb.searchReleaseGroups({ artist: hardArtist.name, title: hardAlbum.releaseGroup.title, primaryType: 'Album' });
      expect(groups.items.map((i) => [i.id, i.score])).toEqual([[hardAlbum.releaseGroup.id, 100]]);
      expect(groups.items[0]!.firstReleaseDate).toBe('1979');
      expect(yearOf(groups.items[0]!.firstReleaseDate)).toBe(1979);
      expect(groups.items[0]!.releases?.map((r) => r.id)).toEqual([release.id]);
    });

    it('finds a release by artist and title', async () => {
      const release = [...catalog.releases.values()].find((r) => r.credit.length === 1 && r.barcode !== null && r.date.length === 10)!;
      const artist = catalog.artists.get(release.credit[0]!.artistId)!;
      const page = await new MusicBrainzClient(http('musicbrainz')).searchReleases({ artist: artist.name, title: release.title });
      const hit = page.items.find((i) => i.id === release.id);
      expect(hit).toBeDefined();
      expect(hit!.score).toBe(page.items[0]!.score);
      expect(hit!.title).toBe(release.title);
      expect(hit!.date).toBe(release.date);
      expect(hit!.barcode).toBe(release.barcode);
      expect(hit!.releaseGroup?.id).toBe(release.releaseGroupId);
      expect(hit!.trackCount).toBe(release.media.reduce((n, m) => n + m.tracks.length, 0));
      expect(hit!.artistCredit[0]!.artist.id).toBe(artist.id);
      expect(page.count).toBe(page.items.length);
    });

    it('fetches 60 recordings by id in two searches of at most 50; an unknown MBID is null, a merged one resolves', async () => {
      const ids = [...catalog.recordings.keys()].slice(0, 60);
      const merged = [...catalog.merged.entries()].find(([, t]) => t.entity === 'recording');
      expect(merged).toBeDefined();
      const [mergedId, target] = merged!;
      const asked = [...ids, UNKNOWN_MBID, mergedId];
      const result = await new MusicBrainzClient(http('musicbrainz')).recordingsByIds(asked);
      expect([...result.keys()]).toEqual(asked);
      for (const id of ids) {
        const want = catalog.recordings.get(id)!;
        const got = result.get(id);
        expect(got?.id, id).toBe(id);
        expect(got!.title).toBe(want.title);
        expect(got!.lengthMs).toBe(want.length);
        expect(got!.firstReleaseDate).toBe(catalog.recordingFirstReleaseDate(id));
      }
      expect(result.get(UNKNOWN_MBID)).toBeNull();
      expect(result.get(mergedId)?.id).toBe(target.id);
      const searches = fakes.musicbrainz.stats.requests.filter((r) => r.route === 'GET /ws/2/recording?query');
      expect(searches).toHaveLength(2);
      const batchSizes = searches.map((r) => (new URL(r.path, fakes.urls.musicbrainz).searchParams.get('query')!.match(/ OR /g)?.length ?? 0) + 1);
      expect(batchSizes).toEqual([50, 12]);
      // Only the two ids the searches could not return are looked up one by one; the merged one answers 301 to its new id.
      const lookups = fakes.musicbrainz.stats.requests.filter((r) => r.route === 'GET /ws/2/recording/:mbid');
      expect(lookups.map((r) => [new URL(r.path, fakes.urls.musicbrainz).pathname, r.status])).toEqual([
        [`/ws/2/recording/${UNKNOWN_MBID}`, 404],
        [`/ws/2/recording/${mergedId}`, 301],
        [`/ws/2/recording/${target.id}`, 200],
      ]);
    });

    it("browses an artist's recordings", async () => {
      const counts = [...catalog.artists.values()].map((a) => ({
        artist: a,
        recordings: [...catalog.recordings.values()].filter((r) => catalog.creditHasArtist(r.credit, a.id)),
      }));
      const { artist, recordings } = counts.filter((c) => c.recordings.length > 0 && c.recordings.length <= 100).sort((a, b) => b.recordings.length - a.recordings.length)[0]!;
      const mb = new MusicBrainzClient(http('musicbrainz'));
      const page = await mb.browseRecordings({ artist: artist.id }, { limit: 100 });
      expect(page).not.toBeNull();
      expect(page!.count).toBe(recordings.length);
      expect(page!.offset).toBe(0);
      expect(page!.items.map((r) => r.id).sort()).toEqual(recordings.map((r) => r.id).sort());
      for (const item of page!.items) {
        const want = catalog.recordings.get(item.id)!;
        expect(item.title).toBe(want.title);
        expect(item.isrcs).toEqual(want.isrcs);
        expect(item.artistCredit.some((c) => c.artist.id === artist.id)).toBe(true);
      }
      const second = await mb.browseRecordings({ artist: artist.id }, { limit: 5, offset: 5 });
      expect(second!.offset).toBe(5);
      expect(second!.items.map((r) => r.id)).toEqual(page!.items.slice(5, 10).map((r) => r.id));
      expect(await mb.browseRecordings({ artist: UNKNOWN_MBID })).toBeNull();
    });
  });

  describe('Cover Art Archive', () => {
    const withArt = (): Release => [...catalog.releases.values()].find((r) => r.coverArt.some((i) => i.front) && r.coverArt.length > 1) ?? [...catalog.releases.values()].find((r) => r.coverArt.some((i) => i.front))!;
    const withoutArt = (): Release => [...catalog.releases.values()].find((r) => r.coverArt.length === 0)!;

    it('reads the image index of a release through the archive.org redirects', async () => {
      const release = withArt();
      const index = await new CoverArtClient(http('coverart')).releaseIndex(release.id);
      expect(index).not.toBeNull();
      expect(index!.release).toBe(`https://musicbrainz.org/release/${release.id}`);
      expect(index!.images.map((i) => i.id)).toEqual(release.coverArt.map((i) => i.id));
      const front = index!.images.find((i) => i.front);
      const wantFront = release.coverArt.find((i) => i.front)!;
      expect(front).toBeDefined();
      expect(front!.id).toBe(wantFront.id);
      expect(front!.types).toEqual(wantFront.types);
      expect(front!.types).toContain('Front');
      expect(front!.approved).toBe(wantFront.approved);
      expect(front!.thumbnails['250']).toMatch(/-250\.jpg$/);
      expect(front!.thumbnails.small).toBe(front!.thumbnails['250']);
      // One hop each: the service, archive.org's download, the storage node.
      const routes = fakes.coverart.stats.requests.map((r) => r.route);
      expect(routes).toEqual(['GET /release/:mbid', 'GET /download/:item/index.json', 'GET /ia801203/29/items/:item/index.json']);
      expect(fakes.coverart.stats.byStatus).toEqual({ 307: 1, 302: 1, 200: 1 });
    });

    it('answers null for a release without art and for an unknown one', async () => {
      const cover = new CoverArtClient(http('coverart'));
      expect(await cover.releaseIndex(withoutArt().id)).toBeNull();
      expect(await cover.releaseIndex(UNKNOWN_MBID)).toBeNull();
      expect(await cover.frontLocation('release', withoutArt().id)).toBeNull();
      expect(fakes.coverart.stats.byStatus).toEqual({ 404: 3 });
    });

    it('downloads the front thumbnail as image bytes and locates the front image', async () => {
      const release = withArt();
      const cover = new CoverArtClient(http('coverart'));
      const index = await cover.releaseIndex(release.id);
      const front = index!.images.find((i) => i.front)!;
      const image = await cover.fetchImage(front.thumbnails['250']!);
      expect(image).not.toBeNull();
      expect(image!.contentType).toMatch(/^image\/(jpeg|png)$/);
      const magic = image!.contentType === 'image/jpeg' ? JPEG_MAGIC : PNG_MAGIC;
      expect(image!.bytes.subarray(0, magic.length).equals(magic)).toBe(true);
      expect(image!.bytes.length).toBeGreaterThan(100);
      expect(image!.url).toBe(`${fakes.urls.coverart}/ia801203/29/items/mbid-${release.id}/mbid-${release.id}-${front.id}_thumb250.jpg`);

      const location = await cover.frontLocation('release', release.id, 500);
      expect(location).toBe(`${fakes.urls.coverart}/ia801203/29/items/mbid-${release.id}/mbid-${release.id}-${front.id}_thumb500.jpg`);
      const original = await cover.frontLocation('release', release.id);
      expect(original).toBe(`${fakes.urls.coverart}/ia801203/29/items/mbid-${release.id}/mbid-${release.id}-${front.id}.jpg`);
      expect(fakes.coverart.stats.byMethod.HEAD).toBe(6);

      // The group's art is its earliest release with a front image.
      const groupRelease = catalog.releasesOfGroup(release.releaseGroupId).find((r) => r.coverArt.some((i) => i.front))!;
      const groupIndex = await cover.releaseGroupIndex(release.releaseGroupId);
      expect(groupIndex!.release).toBe(`https://musicbrainz.org/release/${groupRelease.id}`);
    });
  });

  describe('TheAudioDB', () => {
    it('finds albums and tracks by MusicBrainz id, numbers parsed from strings', async () => {
      const album = [...catalog.audiodb.albums.values()].find((a) => a.mbid !== null && a.year !== null && a.score !== null)!;
      expect(album).toBeDefined();
      const adb = new TheAudioDbClient(http('theaudiodb'));
      const albums = await adb.albumByMbid(album.mbid!);
      expect(albums).toHaveLength(1);
      const got = albums![0]!;
      expect(got.id).toBe(album.idAlbum);
      expect(got.artistId).toBe(album.idArtist);
      expect(got.name).toBe(album.title);
      expect(got.artist).toBe(album.artist);
      expect(got.year).toBe(album.year);
      expect(typeof got.year).toBe('number');
      expect(got.score).toBe(Number(album.score));
      expect(got.genre).toBe(album.genre);
      expect(got.releaseFormat).toBe(album.format);
      expect(got.musicBrainzId).toBe(album.mbid);
      expect(got.musicBrainzArtistId).toBe(album.artistMbid);

      const tracks = [...catalog.audiodb.tracks.values()].filter((t) => t.idAlbum === album.idAlbum && t.mbid !== null && t.durationMs !== null);
      expect(tracks.length).toBeGreaterThan(0);
      for (const track of tracks.slice(0, 3)) {
        const want = catalog.audiodbTrackByMbid(track.mbid!)!;
        const gotTracks = await adb.trackByMbid(track.mbid!);
        expect(gotTracks).toHaveLength(1);
        const t = gotTracks![0]!;
        expect(t.id).toBe(want.idTrack);
        expect(t.albumId).toBe(want.idAlbum);
        expect(t.name).toBe(want.title);
        expect(t.durationMs).toBe(want.durationMs);
        expect(t.durationMs).toBe(catalog.recordings.get(track.mbid!)!.length);
        expect(t.trackNumber).toBe(want.trackNumber);
        expect(t.discNumber).toBeNull();
        expect(t.musicBrainzId).toBe(track.mbid);
        expect(t.musicBrainzAlbumId).toBe(want.albumMbid);
      }

      expect(await adb.albumByMbid(UNKNOWN_MBID)).toBeNull();
      expect(await adb.trackByMbid(UNKNOWN_MBID)).toBeNull();
      // The client uses the public key in the path.
      expect(fakes.theaudiodb.stats.requests.every((r) => r.path.startsWith('/api/v1/json/123/'))).toBe(true);
    });

    it('searches albums by artist and title', async () => {
      const album = [...catalog.audiodb.albums.values()].find((a) => a.mbid !== null)!;
      const adb = new TheAudioDbClient(http('theaudiodb'));
      const hits = await adb.searchAlbum(album.artist, album.title);
      expect(hits?.map((a) => a.id)).toContain(album.idAlbum);
      expect(hits!.every((a) => a.name.toLowerCase() === album.title.toLowerCase())).toBe(true);
      const byArtist = await adb.searchAlbum(album.artist);
      const want = [...catalog.audiodb.albums.values()].filter((a) => a.artist.toLowerCase() === album.artist.toLowerCase());
      expect(byArtist?.map((a) => a.id).sort()).toEqual(want.map((a) => a.idAlbum).sort());
      expect(await adb.searchAlbum('No Such Artist At All', 'Nothing')).toBeNull();
      // '&', '?', '"' and ':' travel URL-encoded.
      const hard = await adb.searchAlbum(hardArtist.name, hardAlbum.releaseGroup.title);
      expect(hard?.map((a) => [a.id, a.year, a.musicBrainzId])).toEqual([[hardAlbum.audiodbAlbum!.idAlbum, 1979, hardAlbum.releaseGroup.id]]);
    });
  });

  describe('Discogs', () => {
    const pickMaster = () => {
      const master = [...catalog.discogs.masters.values()].find((m) => m.artists.length === 1 && !/\(\d+\)$/.test(m.artists[0]!.name))!;
      expect(master).toBeDefined();
      return master;
    };

    it('searches with a token, reads the release and the master with their years, and the rate-limit headers', async () => {
      const master = pickMaster();
      const artist = master.artists[0]!.name;
      const discogs = new DiscogsClient(http('discogs'), DISCOGS_TOKEN);
      expect(discogs.lastRateLimit).toBeNull();

      const masters = await discogs.search({ type: 'master', artist, releaseTitle: master.title });
      const hit = masters.results.find((r) => r.id === master.id);
      expect(hit).toBeDefined();
      expect(hit!.type).toBe('master');
      expect(hit!.title).toBe(`${artist} - ${master.title}`);
      expect(hit!.year).toBe(master.year);
      expect(hit!.masterId).toBe(master.id);
      expect(masters.results.every((r) => r.type === 'master')).toBe(true);
      expect(masters.items).toBeGreaterThanOrEqual(1);
      expect(masters.perPage).toBe(10);

      const releases = await discogs.search({ type: 'release', artist, releaseTitle: master.title });
      const versions = [...catalog.discogs.releases.values()].filter((r) => r.masterId === master.id);
      for (const version of versions.filter((v) => v.title === master.title)) {
        const found = releases.results.find((r) => r.id === version.id);
        expect(found, `release ${version.id}`).toBeDefined();
        expect(found!.year).toBe(version.year);
        expect(found!.masterId).toBe(master.id);
      }

      const main = catalog.discogs.releases.get(master.mainReleaseId)!;
      const release = await discogs.release(main.id);
      expect(release).not.toBeNull();
      expect(release!.id).toBe(main.id);
      expect(release!.title).toBe(main.title);
      expect(release!.year).toBe(main.year);
      expect(release!.released).toBe(main.released);
      expect(release!.masterId).toBe(master.id);
      expect(release!.country).toBe(main.country);
      expect(release!.artists.map((a) => a.id)).toEqual(main.artists.map((a) => a.id));
      expect(release!.tracklist.map((t) => t.title)).toEqual(main.tracklist.map((t) => t.title));
      expect(release!.tracklist.map((t) => t.duration)).toEqual(main.tracklist.map((t) => t.duration || null));

      const gotMaster = await discogs.master(master.id);
      expect(gotMaster).not.toBeNull();
      expect(gotMaster!.id).toBe(master.id);
      expect(gotMaster!.title).toBe(master.title);
      expect(gotMaster!.year).toBe(master.year);
      expect(gotMaster!.mainRelease).toBe(master.mainReleaseId);

      expect(await discogs.release(1)).toBeNull();
      expect(await discogs.master(1)).toBeNull();

      // The fake counts authenticated requests in a 60-second window (at least these six) and says so in its headers.
      expect(fakes.discogs.stats.total).toBe(6);
      const rate = discogs.lastRateLimit!;
      expect(rate.limit).toBe(60);
      expect(rate.used).toBeGreaterThanOrEqual(6);
      expect(rate.remaining).toBe(60 - rate.used!);
      expect(fakes.discogs.stats.requests.every((r) => r.headers.authorization === `Discogs token=${DISCOGS_TOKEN}`)).toBe(true);
    });

    it('searches by track title and by names full of punctuation', async () => {
      const discogs = new DiscogsClient(http('discogs'), DISCOGS_TOKEN);
      const master = hardAlbum.discogsMaster!;
      const release = hardAlbum.discogsReleases[0]!;
      const byTrack = await discogs.search({ track: hardAlbum.recordings[0]!.title });
      expect(byTrack.results.map((r) => [r.type, r.id])).toEqual([
        ['master', master.id],
        ['release', release.id],
      ]);
      const byNames = await discogs.search({ type: 'release', artist: hardArtist.name, releaseTitle: hardAlbum.releaseGroup.title });
      expect(byNames.results.map((r) => [r.id, r.year, r.title])).toEqual([[release.id, 1979, `${hardArtist.name} - ${hardAlbum.releaseGroup.title}`]]);
      const got = await discogs.release(release.id);
      expect(got!.tracklist.map((t) => [t.position, t.title, t.durationSeconds])).toEqual([
        ['A1', 'AC/DC: "Live" [Edit]', 231],
        ['A2', 'Who? (Remix) AND more', null],
        ['B1', hardAlbum.recordings[2]!.title, 250],
      ]);
    });

    it('refuses to search without a token, sending nothing', async () => {
      const master = pickMaster();
      const discogs = new DiscogsClient(http('discogs'));
      const error = await discogs.search({ artist: master.artists[0]!.name, releaseTitle: master.title }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpStatusError);
      expect((error as HttpStatusError).status).toBe(401);
      expect((error as Error).message).toMatch(/personal access token/);
      expect(fakes.discogs.stats.total).toBe(0);
      // Entity lookups work anonymously, under the lower limit.
      const release = await discogs.release(master.mainReleaseId);
      expect(release?.year).toBe(catalog.discogs.releases.get(master.mainReleaseId)!.year);
      expect(discogs.lastRateLimit).toMatchObject({ limit: 25 });
      expect(discogs.lastRateLimit!.remaining).toBe(25 - discogs.lastRateLimit!.used!);
      expect(fakes.discogs.stats.requests[0]!.headers.authorization).toBeUndefined();
    });
  });

  describe('Spotify', () => {
    it('signs in with PKCE, then searches, reads the user and writes a playlist', async () => {
      const state = fakes.spotify.state;
      const clientId = state.settings.clientId;
      const accounts = new SpotifyAccountsClient(http('spotifyAccounts'));

      // --- PKCE: authorize → callback with code and state → token → refresh ---
      const verifier = createCodeVerifier();
      const challenge = codeChallengeS256(verifier);
      const csrf = createState();
      const redirectUri = loopbackRedirectUri(43_117);
      const authorize = accounts.authorizeUrl({ clientId, redirectUri, codeChallenge: challenge, state: csrf });
      expect(authorize.startsWith(`${fakes.urls.spotifyAccounts}/authorize?`)).toBe(true);
      const answer = await fetch(authorize, { redirect: 'manual' });
      expect(answer.status).toBe(302);
      const callback = new URL(answer.headers.get('location')!);
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      expect(callback.searchParams.get('error')).toBeNull();
      expect(callback.searchParams.get('state')).toBe(csrf);
      const code = callback.searchParams.get('code')!;
      expect(code).toBeTruthy();

      // A wrong verifier is refused: the fake checks the S256 challenge.
      const wrong = await accounts.exchangeCode(code, createCodeVerifier(), redirectUri, clientId).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(HttpStatusError);
      expect((wrong as HttpStatusError).status).toBe(400);
      expect((wrong as Error).message).toMatch(/invalid_grant/);

      // The failed attempt used the code up; sign in again.
      const again = await fetch(accounts.authorizeUrl({ clientId, redirectUri, codeChallenge: challenge, state: csrf }), { redirect: 'manual' });
      const code2 = new URL(again.headers.get('location')!).searchParams.get('code')!;
      const tokens = await accounts.exchangeCode(code2, verifier, redirectUri, clientId);
      expect(state.accessTokens.get(tokens.accessToken)).toMatchObject({ userId: 'fakeuser', clientId });
      expect(tokens.expiresIn).toBe(state.settings.tokenTtlSec);
      expect(tokens.scope.split(' ').sort()).toEqual([...SPOTIFY_SCOPES].sort());
      expect(tokens.refreshToken).toBeDefined();
      expect(state.refreshTokens.has(tokens.refreshToken!)).toBe(true);

      const refreshed = await accounts.refresh(tokens.refreshToken!, clientId);
      expect(refreshed.accessToken).not.toBe(tokens.accessToken);
      expect(state.accessTokens.has(refreshed.accessToken)).toBe(true);
      // The fake rotates refresh tokens: the new one replaces the old.
      expect(refreshed.refreshToken).toBeDefined();
      expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
      expect(state.refreshTokens.has(tokens.refreshToken!)).toBe(false);
      const tokenBodies = fakes.spotifyAccounts.stats.requests.filter((r) => r.path === '/api/token').map((r) => new URLSearchParams(r.body));
      expect(tokenBodies.map((b) => b.get('grant_type'))).toEqual(['authorization_code', 'authorization_code', 'refresh_token']);
      expect(tokenBodies[1]!.get('code_verifier')).toBe(verifier);

      // --- Web API with the refreshed token ---
      const spotify = new SpotifyClient(http('spotify'), { accessToken: async () => refreshed.accessToken });

      const track = [...catalog.spotify.tracks.values()].find((t) => {
        const name = t.name.toLowerCase();
        return !name.includes('remaster') && !name.includes('feat.') && [...catalog.spotify.tracks.values()].filter((o) => o.name.toLowerCase() === name).length === 1;
      })!;
      expect(track).toBeDefined();
      const artist = catalog.spotify.artists.get(track.artistIds[0]!)!;
      const album = catalog.spotify.albums.get(track.albumId)!;
      const found = await spotify.searchTracks(`track:"${track.name}" artist:"${artist.name}"`, { limit: 50 });
      const hit = found.items.find((t) => t.id === track.id);
      expect(hit).toBeDefined();
      expect(found.items[0]!.id).toBe(track.id);
      expect(hit!.uri).toBe(`spotify:track:${track.id}`);
      expect(hit!.name).toBe(track.name);
      expect(hit!.durationMs).toBe(track.durationMs);
      expect(hit!.trackNumber).toBe(track.trackNumber);
      expect(hit!.artists[0]!.name).toBe(artist.name);
      expect(hit!.album.id).toBe(album.id);
      expect(hit!.album.releaseDate).toBe(album.releaseDate);
      expect(hit!.album.releaseDatePrecision).toBe(album.releaseDatePrecision);
      expect(hit!.album.totalTracks).toBe(album.totalTracks);
      expect(found.limit).toBeLessThanOrEqual(10);
      const searchSent = fakes.spotify.stats.requests.filter((r) => r.route === 'GET /v1/search');
      expect(searchSent).toHaveLength(1);
      expect(new URL(searchSent[0]!.path, fakes.urls.spotify).searchParams.get('limit')).toBe('10');
      expect(searchSent[0]!.headers.authorization).toBe(`Bearer ${refreshed.accessToken}`);

      const me = await spotify.me();
      expect(me).toEqual({ id: 'fakeuser', displayName: 'Fake User', uri: 'spotify:user:fakeuser' });

      const created = await spotify.createPlaylist({ name: 'Sleeve: against the fakes', description: 'made by a test' });
      const playlist = state.playlists.get(created.id);
      expect(playlist).toBeDefined();
      expect(created).toMatchObject({ name: 'Sleeve: against the fakes', description: 'made by a test', ownerId: 'fakeuser', public: false, itemCount: 0 });
      expect(playlist!.public).toBe(false);
      expect(created.snapshotId).toBe(playlist!.snapshotId);

      const uris = [...catalog.spotify.tracks.keys()].slice(0, 150).map((id) => `spotify:track:${id}`);
      expect(new Set(uris).size).toBe(150);
      const added = await spotify.addPlaylistItems(created.id, uris);
      expect(playlist!.items.map((i) => i.uri)).toEqual(uris);
      expect(added?.snapshotId).toBe(playlist!.snapshotId);
      const writes = fakes.spotify.stats.requests.filter((r) => r.method === 'POST' && r.route === 'POST /v1/playlists/:id/items');
      expect(writes.map((r) => (JSON.parse(r.body) as { uris: string[] }).uris.length)).toEqual([100, 50]);
      expect(playlist!.writes).toBe(3);

      const read: string[] = [];
      for (let offset = 0; ; offset += 50) {
        const page = await spotify.playlistItems(created.id, { limit: 50, offset });
        expect(page).not.toBeNull();
        expect(page!.total).toBe(150);
        expect(page!.offset).toBe(offset);
        read.push(...page!.items.map((e) => e.uri!));
        for (const entry of page!.items) {
          expect(entry.isLocal).toBe(false);
          expect(entry.track?.uri).toBe(entry.uri);
          expect(entry.track?.name).toBe(catalog.spotify.tracks.get(entry.track!.id)!.name);
        }
        if (!page!.hasNext) break;
      }
      expect(read).toEqual(uris);

      const removed = await spotify.removePlaylistItems(created.id, uris.slice(0, 110), added!.snapshotId!);
      expect(removed?.snapshotId).toBe(playlist!.snapshotId);
      expect(playlist!.items.map((i) => i.uri)).toEqual(uris.slice(110));
      const deletes = fakes.spotify.stats.requests.filter((r) => r.method === 'DELETE');
      expect(deletes.map((r) => (JSON.parse(r.body) as { items: unknown[] }).items.length)).toEqual([100, 10]);
      expect((JSON.parse(deletes[0]!.body) as { snapshot_id: string }).snapshot_id).toBe(added!.snapshotId);
      const rest = await spotify.playlistItems(created.id);
      expect(rest?.total).toBe(40);
      expect(rest?.items.map((e) => e.uri)).toEqual(uris.slice(110));

      expect(await spotify.playlistItems('0000000000000000000000')).toBeNull();
    });
  });
});
