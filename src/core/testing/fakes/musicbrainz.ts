/**
 * Fake MusicBrainz WS/2 (JSON only): lookups with inc, merged-MBID 301s,
 * Lucene searches and browses, in the wire format of the captured fixtures
 * (kebab-case keys, lengths in ms, search results with created/count/offset/
 * score, keys omitted in search results when empty as the Solr writer does).
 */
import type { Appearance, Artist, Catalog, CreditPart, Medium, MbEntity, Recording, Release, ReleaseGroup } from './catalog';
import { creditString } from './catalog';
import { compileQuery, prepareDoc, QuerySyntaxError, type PreparedDoc, type Schema } from './lucene';
import { Prng, UUID_RE } from './prng';
import { json, startFakeServer, type FakeHandler, type FakeRequest, type FakeResponse, type FakeServer, type FakeSwitches, type RateLimitSwitch } from './server';

const HELP = 'For usage, please see: https://musicbrainz.org/development/mmd';

/** MusicBrainz's own ids for the enumerations (primary types, statuses, formats...). */
const PRIMARY_TYPE_IDS: Record<string, string> = {
  Album: 'f529b476-6e62-324f-b0aa-1f3e33d313fc',
  Single: 'd6038452-8ee0-3f68-affc-2de9a1ede0b9',
  EP: '6d0c5bf6-7a33-3420-a519-44fc63eedebf',
  Other: '4fc3be2b-de1e-396b-a933-beb8f1607a22',
};
const SECONDARY_TYPE_IDS: Record<string, string> = {
  Compilation: 'dd2a21e1-0c00-3729-a7a0-de60b84eb5d1',
  Soundtrack: '22a628ad-c082-3c4f-b1b6-d41665107b88',
  Live: '6fd474e2-6b58-3102-9d17-d6f7eb7da0a0',
  Remix: '0c60f497-ff81-3818-befd-abfc84a4858b',
};
const STATUS_IDS: Record<string, string> = {
  Official: '4e304316-386d-3409-af2e-78857eec5cfe',
  Promotion: '518ffc83-5cde-34df-8627-81bff5093d92',
  Bootleg: '1156806e-d06a-38bd-83f0-cf2284a808b9',
};
const FORMAT_IDS: Record<string, string> = {
  CD: '9712d52a-4509-3d4b-a1a2-67c88c643e31',
  'Digital Media': '907a28d9-b3b2-3ef6-89a8-7b18d91d4794',
  Cassette: 'f5e6e254-8f39-331c-936b-9c69d686dc47',
  '12" Vinyl': '3e9080b0-5e6c-34ab-bd15-f526b6306a64',
};
const PACKAGING_IDS: Record<string, string> = {
  'Jewel Case': 'ec27701a-4a22-37f4-bfac-6616e0f9750a',
  Digipak: '8f931351-d2e2-310f-afc6-37b89ddba246',
  'Cardboard/Paper Sleeve': 'f7101ce3-0384-39ce-9fde-fbbd0044d35f',
  'Cassette Case': 'c70b737a-0114-39a9-88f7-82843e54f906',
  None: '119eba76-b343-3e02-a292-f0f00644bb9b',
};
const ARTIST_TYPE_IDS: Record<string, string> = {
  Person: 'b6e035f4-3ce9-331c-97df-83397230b0df',
  Group: 'e431f5f6-b5d2-343d-8b36-72607fffb74b',
  Other: 'ac897045-5043-3294-965b-187b8dc0c78f',
};
const AREAS: Record<string, { id: string; name: string }> = {
  GB: { id: '8a754a16-0027-3a29-b6d7-2b40ea0481ed', name: 'United Kingdom' },
  US: { id: '489ce91b-6658-3307-9877-795b68554c98', name: 'United States' },
  XW: { id: '525d4e18-3d00-31b9-a58b-a146a916de8f', name: '[Worldwide]' },
  XE: { id: '89a675c2-3e37-3518-b83c-418bad59a85a', name: 'Europe' },
  DE: { id: '85752fda-13c4-31a3-bee5-0e5cb1f51dad', name: 'Germany' },
  FR: { id: '08310658-51eb-3801-80de-5a0739207115', name: 'France' },
  SE: { id: '23d10872-f5ae-3f0c-bf55-332788a16ecb', name: 'Sweden' },
  JP: { id: '2db42837-c832-3c27-b4a3-08198f75693c', name: 'Japan' },
};

const COMMON_INC = [
  'aliases', 'annotation', 'tags', 'user-tags', 'genres', 'user-genres', 'ratings', 'user-ratings',
  'area-rels', 'artist-rels', 'event-rels', 'genre-rels', 'instrument-rels', 'label-rels', 'place-rels',
  'recording-rels', 'release-rels', 'release-group-rels', 'series-rels', 'url-rels', 'work-rels',
];
const VALID_INC: Record<MbEntity, Set<string>> = {
  artist: new Set([...COMMON_INC, 'recordings', 'releases', 'release-groups', 'works', 'media', 'discids', 'isrcs', 'various-artists', 'artist-credits']),
  recording: new Set([...COMMON_INC, 'artists', 'artist-credits', 'releases', 'release-groups', 'isrcs', 'media', 'discids', 'work-level-rels']),
  release: new Set([
    ...COMMON_INC.filter((i) => i !== 'ratings' && i !== 'user-ratings'),
    'artists', 'artist-credits', 'labels', 'recordings', 'release-groups', 'media', 'discids', 'isrcs', 'collections',
    'recording-level-rels', 'work-level-rels', 'release-group-level-rels',
  ]),
  'release-group': new Set([...COMMON_INC, 'artists', 'artist-credits', 'releases', 'media', 'discids']),
};

const ENTITIES: readonly MbEntity[] = ['artist', 'recording', 'release', 'release-group'];

/** MusicBrainz allows about one request per second per client; count by default, reject when asked. */
export function musicBrainzRateLimit(reject = false): RateLimitSwitch {
  return { limit: 1, windowMs: 1000, reject, style: 'musicbrainz' };
}

type Inc = Set<string>;
type Json = Record<string, unknown>;

function area(code: string | null): Json | null {
  if (!code) return null;
  const known = AREAS[code] ?? { id: new Prng(`area:${code}`).uuid(), name: code };
  return { id: known.id, name: known.name, 'sort-name': known.name, 'iso-3166-1-codes': [code], disambiguation: '', type: null, 'type-id': null };
}

function searchArea(code: string): Json {
  const full = area(code)!;
  return { id: full.id, name: full.name, 'sort-name': full['sort-name'], 'iso-3166-1-codes': full['iso-3166-1-codes'] };
}

class Renderer {
  constructor(private readonly catalog: Catalog) {}

  credit(credit: CreditPart[]): Json[] {
    return credit.map((part) => {
      const artist = this.catalog.artists.get(part.artistId);
      return {
        name: part.name,
        joinphrase: part.joinphrase,
        artist: {
          id: part.artistId,
          name: artist?.name ?? part.name,
          'sort-name': artist?.sortName ?? part.name,
          disambiguation: artist?.disambiguation ?? '',
          country: artist?.country ?? null,
        },
      };
    });
  }

  searchCredit(credit: CreditPart[]): Json[] {
    return credit.map((part) => {
      const artist = this.catalog.artists.get(part.artistId);
      const out: Json = {
        name: part.name,
        artist: { id: part.artistId, name: artist?.name ?? part.name, 'sort-name': artist?.sortName ?? part.name },
      };
      if (artist?.disambiguation) (out.artist as Json).disambiguation = artist.disambiguation;
      if (part.joinphrase) out.joinphrase = part.joinphrase;
      return out;
    });
  }

  creditId(credit: CreditPart[]): string {
    return new Prng(`credit:${credit.map((p) => p.artistId + p.name + p.joinphrase).join('|')}`).uuid();
  }

  extras(out: Json, inc: Inc, withRating: boolean): Json {
    if (inc.has('aliases')) out.aliases = [];
    if (inc.has('tags')) out.tags = [];
    if (inc.has('genres')) out.genres = [];
    if (inc.has('annotation')) out.annotation = null;
    if (withRating && inc.has('ratings')) out.rating = { value: null, 'votes-count': 0 };
    return out;
  }

  recording(recording: Recording, inc: Inc): Json {
    const out: Json = {
      id: recording.id,
      title: recording.title,
      length: recording.length,
      disambiguation: recording.disambiguation,
      video: recording.video,
      'first-release-date': this.catalog.recordingFirstReleaseDate(recording.id),
    };
    if (inc.has('artist-credits') || inc.has('artists')) out['artist-credit'] = this.credit(recording.credit);
    if (inc.has('isrcs')) out.isrcs = recording.isrcs;
    if (inc.has('releases')) {
      const byRelease = new Map<string, Appearance[]>();
      for (const a of this.catalog.appearances(recording.id)) byRelease.set(a.release.id, [...(byRelease.get(a.release.id) ?? []), a]);
      out.releases = [...byRelease.values()].map((apps) => {
        const release = this.releaseBase(apps[0]!.release, inc, false);
        if (inc.has('media')) {
          release.media = apps.map((a) => ({
            ...this.mediumHead(a.medium),
            'track-offset': a.track.position - 1,
            tracks: [this.trackHead(a.track)],
          }));
        }
        return release;
      });
    }
    return this.extras(out, inc, true);
  }

  private trackHead(track: Medium['tracks'][number]): Json {
    return { id: track.id, number: track.number, title: track.title, position: track.position, length: track.length };
  }

  private mediumHead(medium: Medium): Json {
    return { position: medium.position, format: medium.format, 'format-id': FORMAT_IDS[medium.format] ?? null, title: medium.title, 'track-count': medium.tracks.length };
  }

  releaseGroup(group: ReleaseGroup, inc: Inc, nestedInRelease = false): Json {
    const out: Json = {
      id: group.id,
      title: group.title,
      'primary-type': group.primaryType,
      'primary-type-id': group.primaryType ? PRIMARY_TYPE_IDS[group.primaryType] : null,
      'secondary-types': group.secondaryTypes,
      'secondary-type-ids': group.secondaryTypes.map((t) => SECONDARY_TYPE_IDS[t]),
      'first-release-date': this.catalog.groupFirstReleaseDate(group.id),
      disambiguation: group.disambiguation,
    };
    if (inc.has('artist-credits') || inc.has('artists')) out['artist-credit'] = this.credit(group.credit);
    if (!nestedInRelease && inc.has('releases')) {
      out.releases = this.catalog.releasesOfGroup(group.id).map((release) => {
        const r = this.releaseBase(release, inc, false);
        if (inc.has('media')) r.media = release.media.map((m) => this.mediumHead(m));
        return r;
      });
    }
    return nestedInRelease ? out : this.extras(out, inc, true);
  }

  releaseBase(release: Release, inc: Inc, top: boolean): Json {
    const out: Json = {
      id: release.id,
      title: release.title,
      status: release.status,
      'status-id': STATUS_IDS[release.status] ?? null,
      quality: release.quality,
      packaging: release.packaging,
      'packaging-id': release.packaging ? PACKAGING_IDS[release.packaging] : null,
      'text-representation': { language: 'eng', script: 'Latn' },
      disambiguation: release.disambiguation,
      country: release.country,
      date: release.date,
      'release-events': release.country ? [{ date: release.date, area: area(release.country) }] : [],
      barcode: release.barcode,
    };
    if (top) {
      out.asin = release.asin;
      const front = release.coverArt.some((i) => i.front);
      out['cover-art-archive'] = {
        artwork: release.coverArt.length > 0,
        count: release.coverArt.length,
        front,
        back: release.coverArt.some((i) => i.back),
        darkened: false,
      };
    }
    // 'artists' credits the entity looked up; 'artist-credits' also the entities nested in it.
    if (inc.has('artist-credits') || (top && inc.has('artists'))) out['artist-credit'] = this.credit(release.credit);
    if (inc.has('release-groups')) {
      const group = this.catalog.releaseGroups.get(release.releaseGroupId)!;
      out['release-group'] = this.releaseGroup(group, inc, true);
    }
    return out;
  }

  release(release: Release, inc: Inc): Json {
    const out = this.releaseBase(release, inc, true);
    if (inc.has('labels')) {
      out['label-info'] = release.labels.map((li) => {
        const label = this.catalog.labels.get(li.labelId);
        return {
          'catalog-number': li.catalogNumber,
          label: { id: li.labelId, name: label?.name ?? '', 'sort-name': label?.name ?? '', disambiguation: '', 'label-code': label?.labelCode ?? null },
        };
      });
    }
    if (inc.has('recordings')) {
      const withCredits = inc.has('artist-credits');
      out.media = release.media.map((medium) => ({
        ...this.mediumHead(medium),
        'track-offset': 0,
        tracks: medium.tracks.map((track) => {
          const recording = this.catalog.recordings.get(track.recordingId)!;
          const t = this.trackHead(track);
          const rec: Json = {
            id: recording.id,
            title: recording.title,
            length: recording.length,
            disambiguation: recording.disambiguation,
            video: recording.video,
            'first-release-date': this.catalog.recordingFirstReleaseDate(recording.id),
          };
          if (withCredits) {
            t['artist-credit'] = this.credit(track.credit);
            rec['artist-credit'] = this.credit(recording.credit);
          }
          if (inc.has('isrcs')) rec.isrcs = recording.isrcs;
          t.recording = rec;
          return t;
        }),
      }));
    } else if (inc.has('media')) {
      out.media = release.media.map((m) => this.mediumHead(m));
    }
    return this.extras(out, inc, false);
  }

  artist(artist: Artist, inc: Inc): Json {
    const out: Json = {
      id: artist.id,
      name: artist.name,
      'sort-name': artist.sortName,
      type: artist.type,
      'type-id': ARTIST_TYPE_IDS[artist.type] ?? null,
      disambiguation: artist.disambiguation,
      country: artist.country,
      area: area(artist.country),
      'begin-area': null,
      'end-area': null,
      'life-span': { begin: artist.begin, end: artist.end, ended: artist.end !== null },
      gender: null,
      'gender-id': null,
      ipis: [],
      isnis: [],
    };
    const catalog = this.catalog;
    if (inc.has('recordings')) {
      out.recordings = [...catalog.recordings.values()].filter((r) => catalog.creditHasArtist(r.credit, artist.id)).slice(0, 25).map((r) => this.recording(r, new Set()));
    }
    if (inc.has('releases')) {
      out.releases = [...catalog.releases.values()].filter((r) => catalog.creditHasArtist(r.credit, artist.id)).slice(0, 25).map((r) => this.releaseBase(r, new Set(), false));
    }
    if (inc.has('release-groups')) {
      out['release-groups'] = [...catalog.releaseGroups.values()].filter((g) => catalog.creditHasArtist(g.credit, artist.id)).slice(0, 25).map((g) => this.releaseGroup(g, new Set(), true));
    }
    return this.extras(out, inc, true);
  }

  lookup(entity: MbEntity, id: string, inc: Inc): Json | null {
    const c = this.catalog;
    switch (entity) {
      case 'artist': {
        const a = c.artists.get(id);
        return a ? this.artist(a, inc) : null;
      }
      case 'recording': {
        const r = c.recordings.get(id);
        return r ? this.recording(r, inc) : null;
      }
      case 'release': {
        const r = c.releases.get(id);
        return r ? this.release(r, inc) : null;
      }
      case 'release-group': {
        const g = c.releaseGroups.get(id);
        return g ? this.releaseGroup(g, inc) : null;
      }
    }
  }

  // ---- search results (the Solr writer's shape) ----

  private searchGroupHead(group: ReleaseGroup): Json {
    const out: Json = {
      id: group.id,
      // The legacy single type: the first secondary type when there is one.
      'type-id': group.secondaryTypes[0] ? SECONDARY_TYPE_IDS[group.secondaryTypes[0]] : group.primaryType ? PRIMARY_TYPE_IDS[group.primaryType] : null,
      'primary-type-id': group.primaryType ? PRIMARY_TYPE_IDS[group.primaryType] : null,
      title: group.title,
      'primary-type': group.primaryType,
    };
    if (group.secondaryTypes.length > 0) {
      out['secondary-types'] = group.secondaryTypes;
      out['secondary-type-ids'] = group.secondaryTypes.map((t) => SECONDARY_TYPE_IDS[t]);
    }
    return out;
  }

  searchRecording(recording: Recording, score: number): Json {
    const out: Json = {
      id: recording.id,
      score,
      title: recording.title,
      length: recording.length,
      video: null,
      'artist-credit': this.searchCredit(recording.credit),
      'artist-credit-id': this.creditId(recording.credit),
      'first-release-date': this.catalog.recordingFirstReleaseDate(recording.id),
    };
    if (recording.length === null) delete out.length;
    if (recording.disambiguation) out.disambiguation = recording.disambiguation;
    const recordingCredit = creditString(recording.credit);
    out.releases = this.catalog.appearances(recording.id).map(({ release, medium, track }) => {
      const group = this.catalog.releaseGroups.get(release.releaseGroupId)!;
      const r: Json = { id: release.id, 'status-id': STATUS_IDS[release.status], count: release.media.length, title: release.title, status: release.status };
      if (creditString(release.credit) !== recordingCredit) r['artist-credit'] = this.searchCredit(release.credit);
      r['release-group'] = this.searchGroupHead(group);
      if (release.date) r.date = release.date;
      if (release.country) {
        r.country = release.country;
        r['release-events'] = [{ date: release.date, area: searchArea(release.country) }];
      }
      r['track-count'] = release.media.reduce((n, m) => n + m.tracks.length, 0);
      r.media = [
        {
          position: medium.position,
          format: medium.format,
          id: medium.id,
          track: [{ id: track.id, number: track.number, title: track.title, length: track.length }],
          'track-count': medium.tracks.length,
          'track-offset': track.position - 1,
        },
      ];
      if (release.disambiguation) r.disambiguation = release.disambiguation;
      return r;
    });
    if (recording.isrcs.length > 0) out.isrcs = recording.isrcs;
    return out;
  }

  searchRelease(release: Release, score: number): Json {
    const group = this.catalog.releaseGroups.get(release.releaseGroupId)!;
    const out: Json = { id: release.id, score, 'status-id': STATUS_IDS[release.status] };
    if (release.packaging) out['packaging-id'] = PACKAGING_IDS[release.packaging];
    Object.assign(out, { count: release.media.length, title: release.title, status: release.status });
    if (release.packaging) out.packaging = release.packaging;
    out['text-representation'] = { language: 'eng', script: 'Latn' };
    out['artist-credit'] = this.searchCredit(release.credit);
    out['artist-credit-id'] = this.creditId(release.credit);
    out['release-group'] = this.searchGroupHead(group);
    if (release.date) out.date = release.date;
    if (release.country) {
      out.country = release.country;
      out['release-events'] = [{ date: release.date, area: searchArea(release.country) }];
    }
    if (release.barcode !== null) out.barcode = release.barcode;
    if (release.asin) out.asin = release.asin;
    out['label-info'] = release.labels.map((li) => {
      const l: Json = {};
      if (li.catalogNumber) l['catalog-number'] = li.catalogNumber;
      l.label = { id: li.labelId, name: this.catalog.labels.get(li.labelId)?.name ?? '' };
      return l;
    });
    out['track-count'] = release.media.reduce((n, m) => n + m.tracks.length, 0);
    out.media = release.media.map((m) => ({ id: m.id, format: m.format, 'disc-count': 0, 'track-count': m.tracks.length }));
    if (release.disambiguation) out.disambiguation = release.disambiguation;
    return out;
  }

  searchReleaseGroup(group: ReleaseGroup, score: number): Json {
    const head = this.searchGroupHead(group);
    const releases = this.catalog.releasesOfGroup(group.id);
    const out: Json = {
      id: group.id,
      'type-id': head['type-id'],
      score,
      'primary-type-id': head['primary-type-id'],
      count: releases.length,
      title: group.title,
      'first-release-date': this.catalog.groupFirstReleaseDate(group.id),
      'primary-type': group.primaryType,
    };
    if (head['secondary-types']) {
      out['secondary-types'] = head['secondary-types'];
      out['secondary-type-ids'] = head['secondary-type-ids'];
    }
    out['artist-credit'] = this.searchCredit(group.credit);
    out['artist-credit-id'] = this.creditId(group.credit);
    out.releases = releases.map((r) => ({ id: r.id, 'status-id': STATUS_IDS[r.status], title: r.title, status: r.status }));
    if (group.disambiguation) out.disambiguation = group.disambiguation;
    return out;
  }
}

// ---- search indexes ----

const CREDIT_FIELDS = { artist: 'text', artistname: 'text', creditname: 'text', arid: 'keyword' } as const;

const RECORDING_SCHEMA: Schema = {
  recording: 'text', recordingaccent: 'text', rid: 'keyword', ...CREDIT_FIELDS, release: 'text', reid: 'keyword',
  releasegroup: 'text', rgid: 'keyword', dur: 'number', qdur: 'number', tnum: 'number', number: 'keyword',
  position: 'number', tracks: 'number', tracksrelease: 'number', isrc: 'keyword', status: 'keyword',
  primarytype: 'keyword', secondarytype: 'keyword', type: 'keyword', country: 'keyword', date: 'date',
  firstreleasedate: 'date', format: 'keyword', comment: 'text', video: 'keyword', tid: 'keyword',
};
const RELEASE_SCHEMA: Schema = {
  release: 'text', releaseaccent: 'text', reid: 'keyword', rgid: 'keyword', releasegroup: 'text', ...CREDIT_FIELDS,
  barcode: 'keyword', asin: 'keyword', date: 'date', country: 'keyword', status: 'keyword', primarytype: 'keyword',
  secondarytype: 'keyword', type: 'keyword', tracks: 'number', tracksmedium: 'number', mediums: 'number',
  format: 'keyword', catno: 'keyword', label: 'text', laid: 'keyword', comment: 'text', packaging: 'keyword',
  quality: 'keyword', rid: 'keyword',
};
const RELEASE_GROUP_SCHEMA: Schema = {
  releasegroup: 'text', releasegroupaccent: 'text', rgid: 'keyword', reid: 'keyword', release: 'text', ...CREDIT_FIELDS,
  primarytype: 'keyword', secondarytype: 'keyword', type: 'keyword', firstreleasedate: 'date', releases: 'number',
  comment: 'text', status: 'keyword',
};

interface Indexed<T> {
  item: T;
  doc: PreparedDoc;
}

class SearchIndex {
  private version = -1;
  recordings: Array<Indexed<Recording>> = [];
  releases: Array<Indexed<Release>> = [];
  groups: Array<Indexed<ReleaseGroup>> = [];

  constructor(private readonly catalog: Catalog) {}

  private creditFields(credit: CreditPart[]) {
    const names = credit.map((p) => this.catalog.artists.get(p.artistId)?.name ?? p.name);
    return {
      artist: [creditString(credit), ...names, ...credit.map((p) => p.name)],
      artistname: names,
      creditname: credit.map((p) => p.name),
      arid: credit.map((p) => p.artistId),
    };
  }

  private legacyType(group: ReleaseGroup): string | null {
    return group.secondaryTypes[0] ?? group.primaryType;
  }

  refresh(): void {
    const c = this.catalog;
    if (this.version === c.version) return;
    this.recordings = [...c.recordings.values()].map((r) => {
      const apps = c.appearances(r.id);
      const groups = apps.map((a) => c.releaseGroups.get(a.release.releaseGroupId)!);
      return {
        item: r,
        doc: prepareDoc(
          {
            recording: [r.title],
            recordingaccent: [r.title],
            rid: [r.id],
            ...this.creditFields(r.credit),
            release: apps.map((a) => a.release.title),
            reid: apps.map((a) => a.release.id),
            releasegroup: groups.map((g) => g.title),
            rgid: groups.map((g) => g.id),
            dur: [r.length],
            qdur: [r.length === null ? null : Math.floor(r.length / 2000)],
            tnum: apps.map((a) => a.track.position),
            number: apps.map((a) => a.track.number),
            position: apps.map((a) => a.medium.position),
            tracks: apps.map((a) => a.medium.tracks.length),
            tracksrelease: apps.map((a) => a.release.media.reduce((n, m) => n + m.tracks.length, 0)),
            isrc: r.isrcs,
            status: apps.map((a) => a.release.status),
            primarytype: groups.map((g) => g.primaryType),
            secondarytype: groups.flatMap((g) => g.secondaryTypes),
            type: groups.map((g) => this.legacyType(g)),
            country: apps.map((a) => a.release.country),
            date: apps.map((a) => a.release.date),
            firstreleasedate: [c.recordingFirstReleaseDate(r.id)],
            format: apps.map((a) => a.medium.format),
            comment: [r.disambiguation],
            video: [String(r.video)],
            tid: apps.map((a) => a.track.id),
          },
          RECORDING_SCHEMA,
        ),
      };
    });
    this.releases = [...c.releases.values()].map((r) => {
      const g = c.releaseGroups.get(r.releaseGroupId)!;
      return {
        item: r,
        doc: prepareDoc(
          {
            release: [r.title],
            releaseaccent: [r.title],
            reid: [r.id],
            rgid: [g.id],
            releasegroup: [g.title],
            ...this.creditFields(r.credit),
            barcode: [r.barcode],
            asin: [r.asin],
            date: [r.date],
            country: [r.country],
            status: [r.status],
            primarytype: [g.primaryType],
            secondarytype: g.secondaryTypes,
            type: [this.legacyType(g)],
            tracks: [r.media.reduce((n, m) => n + m.tracks.length, 0)],
            tracksmedium: r.media.map((m) => m.tracks.length),
            mediums: [r.media.length],
            format: r.media.map((m) => m.format),
            catno: r.labels.map((l) => l.catalogNumber),
            label: r.labels.map((l) => c.labels.get(l.labelId)?.name),
            laid: r.labels.map((l) => l.labelId),
            comment: [r.disambiguation],
            packaging: [r.packaging],
            quality: [r.quality],
            rid: r.media.flatMap((m) => m.tracks.map((t) => t.recordingId)),
          },
          RELEASE_SCHEMA,
        ),
      };
    });
    this.groups = [...c.releaseGroups.values()].map((g) => {
      const releases = c.releasesOfGroup(g.id);
      return {
        item: g,
        doc: prepareDoc(
          {
            releasegroup: [g.title],
            releasegroupaccent: [g.title],
            rgid: [g.id],
            reid: releases.map((r) => r.id),
            release: releases.map((r) => r.title),
            ...this.creditFields(g.credit),
            primarytype: [g.primaryType],
            secondarytype: g.secondaryTypes,
            type: [this.legacyType(g)],
            firstreleasedate: [c.groupFirstReleaseDate(g.id)],
            releases: [releases.length],
            comment: [g.disambiguation],
            status: releases.map((r) => r.status),
          },
          RELEASE_GROUP_SCHEMA,
        ),
      };
    });
    this.version = c.version;
  }
}

function parseInc(raw: string | null): string[] {
  return (raw ?? '').split(/[+\s]+/).filter(Boolean);
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  const n = raw === null ? NaN : Number.parseInt(raw, 10);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

function error(status: number, message: string): FakeResponse {
  return json(status, { error: message, help: HELP });
}

export function musicBrainzRouteOf(method: string, url: URL): string {
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts[0] !== 'ws' || parts[1] !== '2' || !parts[2]) return url.pathname;
  const entity = parts[2];
  if (parts[3]) return `/ws/2/${entity}/:mbid`;
  if (url.searchParams.has('query')) return `/ws/2/${entity}?query`;
  const browse = ['artist', 'release', 'release-group', 'recording'].find((k) => url.searchParams.has(k));
  return browse ? `/ws/2/${entity}?${browse}` : `/ws/2/${entity}`;
}

export function musicBrainzHandler(catalog: Catalog): FakeHandler {
  const render = new Renderer(catalog);
  const index = new SearchIndex(catalog);

  const search = (entity: MbEntity, request: FakeRequest): FakeResponse => {
    const query = request.query.get('query') ?? '';
    const limit = clampInt(request.query.get('limit'), 25, 1, 100);
    const offset = clampInt(request.query.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
    index.refresh();
    const run = <T>(defaultField: string, schema: Schema, items: Array<Indexed<T>>, toJson: (item: T, score: number) => Json) => {
      const compiled = compileQuery(query, defaultField, schema);
      const hits: Array<{ item: T; score: number; order: number }> = [];
      items.forEach(({ item, doc }, order) => {
        const score = compiled.score(doc);
        if (score !== null) hits.push({ item, score, order });
      });
      hits.sort((a, b) => b.score - a.score || a.order - b.order);
      return { count: hits.length, page: hits.slice(offset, offset + limit).map((h) => toJson(h.item, h.score)) };
    };
    try {
      const created = new Date().toISOString();
      if (entity === 'recording') {
        const { count, page } = run('recording', RECORDING_SCHEMA, index.recordings, (r, s) => render.searchRecording(r, s));
        return json(200, { created, count, offset, recordings: page });
      }
      if (entity === 'release') {
        const { count, page } = run('release', RELEASE_SCHEMA, index.releases, (r, s) => render.searchRelease(r, s));
        return json(200, { created, count, offset, releases: page });
      }
      if (entity === 'release-group') {
        const { count, page } = run('releasegroup', RELEASE_GROUP_SCHEMA, index.groups, (g, s) => render.searchReleaseGroup(g, s));
        return json(200, { created, count, offset, 'release-groups': page });
      }
      return error(400, `Searching ${entity} is not supported by this fake.`);
    } catch (e) {
      if (e instanceof QuerySyntaxError) return error(400, `Invalid query: ${e.message}`);
      throw e;
    }
  };

  const browse = (entity: MbEntity, request: FakeRequest, inc: Inc): FakeResponse => {
    const limit = clampInt(request.query.get('limit'), 25, 1, 100);
    const offset = clampInt(request.query.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
    const links: Record<MbEntity, MbEntity[]> = {
      recording: ['artist', 'release'],
      release: ['release-group', 'artist', 'recording'],
      'release-group': ['artist', 'release'],
      artist: ['recording', 'release', 'release-group'],
    };
    const link = links[entity].find((k) => request.query.has(k));
    if (!link) return error(400, 'You must provide a query or a browse parameter (for example artist=MBID).');
    const rawId = request.query.get(link)!;
    if (!UUID_RE.test(rawId)) return error(400, `Invalid ${link} MBID.`);
    const id = catalog.resolve(link, rawId).id;
    const exists = { artist: catalog.artists, recording: catalog.recordings, release: catalog.releases, 'release-group': catalog.releaseGroups }[link].has(id);
    if (!exists) return error(404, 'Not Found');

    let items: Json[] = [];
    const page = <T>(all: T[], toJson: (t: T) => Json) => {
      items = all.slice(offset, offset + limit).map(toJson);
      return all.length;
    };
    let count = 0;
    if (entity === 'recording') {
      const all = link === 'artist' ? [...catalog.recordings.values()].filter((r) => catalog.creditHasArtist(r.credit, id)) : unique(catalog.releases.get(id)!.media.flatMap((m) => m.tracks.map((t) => catalog.recordings.get(t.recordingId)!)));
      count = page(all, (r) => render.recording(r, inc));
    } else if (entity === 'release') {
      const all =
        link === 'release-group'
          ? catalog.releasesOfGroup(id)
          : link === 'artist'
            ? [...catalog.releases.values()].filter((r) => catalog.creditHasArtist(r.credit, id) || (inc.has('various-artists') && r.media.some((m) => m.tracks.some((t) => catalog.creditHasArtist(t.credit, id)))))
            : unique(catalog.appearances(id).map((a) => a.release));
      count = page(all, (r) => render.release(r, inc));
    } else if (entity === 'release-group') {
      const all = link === 'artist' ? [...catalog.releaseGroups.values()].filter((g) => catalog.creditHasArtist(g.credit, id)) : [catalog.releaseGroups.get(catalog.releases.get(id)!.releaseGroupId)!];
      count = page(all, (g) => render.releaseGroup(g, inc));
    } else {
      return error(400, 'Browsing artists is not supported by this fake.');
    }
    return json(200, { [`${entity}-count`]: count, [`${entity}-offset`]: offset, [`${entity}s`]: items });
  };

  return (request) => {
    const parts = request.path.split('/').filter(Boolean);
    if (parts[0] !== 'ws' || parts[1] !== '2') return error(404, 'Not Found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return error(405, 'Method not allowed.');
    const wantsJson = request.query.get('fmt') === 'json' || String(request.headers.accept ?? '').includes('application/json');
    if (!wantsJson) return error(400, 'This fake MusicBrainz answers JSON only: add fmt=json (or Accept: application/json).');
    const entity = parts[2] as MbEntity | undefined;
    if (!entity || !ENTITIES.includes(entity)) return error(404, 'Not Found');

    const incList = parseInc(request.query.get('inc'));
    const invalid = incList.find((i) => !VALID_INC[entity].has(i));
    if (invalid !== undefined) return error(400, `${invalid} is not a valid inc parameter for the ${entity} resource.`);
    const inc: Inc = new Set(incList);

    const headers: Record<string, string> = {};
    if (request.rate) {
      headers['X-RateLimit-Limit'] = String(request.rate.limit);
      headers['X-RateLimit-Remaining'] = String(request.rate.remaining);
      headers['X-RateLimit-Reset'] = String(Math.ceil((request.arrivedAt + request.rate.windowMs) / 1000));
    }
    const withHeaders = (response: FakeResponse): FakeResponse => ({ ...response, headers: { ...response.headers, ...headers } });

    const rawId = parts[3];
    if (rawId === undefined) {
      if (request.query.has('query')) return withHeaders(search(entity, request));
      return withHeaders(browse(entity, request, inc));
    }
    if (!UUID_RE.test(rawId)) return withHeaders(error(400, 'Invalid mbid.'));
    const { id, merged } = catalog.resolve(entity, rawId);
    const body = render.lookup(entity, id, inc);
    if (!body) return withHeaders(error(404, 'Not Found'));
    if (merged) {
      // MusicBrainz answers a merged MBID with 301 to the surviving one, body included.
      return withHeaders(json(301, body, { Location: `${request.baseUrl}/ws/2/${entity}/${id}${request.url.search}` }));
    }
    return withHeaders(json(200, body));
  };
}

function unique<T extends { id: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.id) ? false : (seen.add(i.id), true)));
}

export interface MusicBrainzOptions {
  seed?: number | string;
  switches?: Partial<FakeSwitches>;
}

export function startMusicBrainz(catalog: Catalog, options: MusicBrainzOptions = {}): Promise<FakeServer> {
  return startFakeServer(musicBrainzHandler(catalog), {
    seed: `musicbrainz:${options.seed ?? 1}`,
    routeOf: musicBrainzRouteOf,
    switches: { rateLimit: musicBrainzRateLimit(false), ...options.switches },
  });
}

