import path from 'node:path';
import { ALBUM_VIEWS, ART_SOURCE_LABELS, type AlbumSummary, type AlbumView, type ArtCandidate } from '../shared/albums';
import { formatBytes } from '../shared/format';
import { albumDetail, iterateAlbums, listAlbums } from '../core/albums/store';
import type { Command } from './commands';
import { NETWORK_OPTIONS, networkParamsFromFlags } from './network-options';
import { runJobInForeground } from './run-job';
import { UsageError } from './usage-error';

function idArg(value: string | boolean | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be an id (see 'albums'), got '${String(value)}'`);
  return n;
}

function idList(value: string | boolean | undefined, name: string): number[] | undefined {
  if (value === undefined) return undefined;
  return String(value)
    .split(',')
    .map((v) => idArg(v.trim(), name));
}

function matchText(a: AlbumSummary): string {
  const m = a.match;
  if (m.state === null) return 'not matched yet';
  const score = m.score === null ? '' : ` ${m.score.toFixed(2)}`;
  if (m.state !== 'matched') return m.state === 'review' ? `in review (best${score})` : m.state === 'notFound' ? 'not found' : 'deferred';
  return `${m.source}${score}${m.confirmed ? ' (confirmed)' : ''}`;
}

function albumLine(a: AlbumSummary): string {
  const art = a.artwork.source
    ? `${a.artwork.source} ${a.artwork.width}×${a.artwork.height}${a.artwork.chosenBy === 'user' ? ' (chosen)' : ''}`
    : a.hasCurrentArt
      ? 'art in files'
      : 'no art';
  return `#${a.id}  ${a.artist ?? '?'} — ${a.title ?? path.basename(a.folder)}  (${a.trackCount} tracks)  ${matchText(a)}; ${art}\n`;
}

function candidateLine(c: ArtCandidate, n: number): string {
  const badges = [c.suggested && 'suggested', c.chosen && 'chosen', c.matchesCurrent && 'matches current art'].filter(Boolean).join(', ');
  return `  ${String(n).padStart(2)}. ${ART_SOURCE_LABELS[c.source]}  ${c.width}×${c.height}  ${formatBytes(c.bytes)}${badges ? `  [${badges}]` : ''}\n      ${c.ref}\n`;
}

export const ALBUM_COMMANDS: Command[] = [
  {
    name: 'enrich',
    synopsis: 'enrich [--album ID,...] [--refresh] [--no-artwork] [--musicbrainz-url URL] [--musicbrainz-rate N]',
    summary: 'Match albums to MusicBrainz releases (then TheAudioDB, Discogs) and find their cover art.',
    options: {
      album: { type: 'string' },
      refresh: { type: 'boolean', default: false },
      'no-artwork': { type: 'boolean', default: false },
      ...NETWORK_OPTIONS,
    },
    run(core, values, positionals, out) {
      if (positionals.length > 0) throw new UsageError('enrich takes no arguments; use --album ID,... for some albums only');
      const params: Record<string, unknown> = { network: networkParamsFromFlags(values) };
      const albumIds = idList(values.album, '--album');
      if (albumIds) params.scope = { albumIds };
      if (values.refresh) params.refresh = true;
      if (values['no-artwork']) params.noArtwork = true;
      return runJobInForeground(core, { kind: 'enrich', params, priority: 'user' }, out);
    },
  },
  {
    name: 'albums',
    synopsis: `albums [--view ${ALBUM_VIEWS.join('|')}] [--filter TEXT]`,
    summary: 'Print the albums with their match and artwork: one JSON object a line with --json.',
    options: { view: { type: 'string' }, filter: { type: 'string' } },
    async run(core, values, positionals, out) {
      if (positionals.length > 0) throw new UsageError('albums takes no arguments');
      const view = (values.view ?? 'all') as AlbumView;
      if (!ALBUM_VIEWS.includes(view)) throw new UsageError(`--view is one of ${ALBUM_VIEWS.join(', ')}`);
      const all = view === 'all' && values.filter === undefined;
      const write = (a: AlbumSummary) => out.stdout.write(values.json ? `${JSON.stringify(a)}\n` : albumLine(a));
      if (all) {
        let any = false;
        for (const album of iterateAlbums(core.db)) {
          any = true;
          write(album);
        }
        if (!any && !values.json) out.stdout.write("No albums yet: 'scan DIR' adds your music, and its albums with it.\n");
        return 0;
      }
      for (let offset = 0; ; offset += 1000) {
        const page = listAlbums(core.db, { view, filter: typeof values.filter === 'string' ? values.filter : undefined, offset, limit: 1000 });
        page.albums.forEach(write);
        if (offset + page.albums.length >= page.total || page.albums.length === 0) break;
      }
      return 0;
    },
  },
  {
    name: 'art',
    synopsis: 'art [--album ID [--choose N]] [--accept-suggested] [--refresh]',
    summary: 'Find cover art for albums; with --album, list its candidates, and --choose N picks one for good.',
    options: {
      album: { type: 'string' },
      choose: { type: 'string' },
      'accept-suggested': { type: 'boolean', default: false },
      refresh: { type: 'boolean', default: false },
      ...NETWORK_OPTIONS,
    },
    async run(core, values, positionals, out) {
      if (positionals.length > 0) throw new UsageError('art takes no arguments; use --album ID');
      if (values['accept-suggested']) {
        const count = (await core.api.call('acceptSuggestedArt', [idList(values.album, '--album')])) as number;
        out.stdout.write(values.json ? `${JSON.stringify({ accepted: count })}\n` : `Took the suggested picture for ${count} album${count === 1 ? '' : 's'}.\n`);
        return 0;
      }
      if (values.album === undefined) {
        if (values.choose !== undefined) throw new UsageError('--choose needs --album ID');
        const params: Record<string, unknown> = { network: networkParamsFromFlags(values), artworkOnly: true };
        if (values.refresh) params.refresh = true;
        return runJobInForeground(core, { kind: 'enrich', params, priority: 'user' }, out);
      }
      const albumId = idArg(values.album, '--album');
      const album = albumDetail(core.db, albumId);
      if (!album) throw new UsageError(`No album with id ${albumId}`);
      let candidates = (await core.api.call('artCandidates', [albumId])) as ArtCandidate[];
      if (values.choose !== undefined) {
        const n = Number(values.choose);
        const candidate = Number.isInteger(n) ? candidates[n - 1] : undefined;
        if (!candidate) {
          throw new UsageError(
            candidates.length === 0
              ? `Album ${albumId} has no artwork candidates yet; run 'art' or 'enrich' first`
              : `--choose takes a number from 1 to ${candidates.length}`,
          );
        }
        await core.api.call('chooseArt', [albumId, candidate.id]);
        candidates = (await core.api.call('artCandidates', [albumId])) as ArtCandidate[];
      }
      if (values.json) {
        out.stdout.write(`${JSON.stringify({ album: albumId, candidates })}\n`);
        return 0;
      }
      out.stdout.write(albumLine(album));
      if (candidates.length === 0) out.stdout.write("  No candidates yet: run 'art' or 'enrich' to look for some.\n");
      candidates.forEach((c, i) => out.stdout.write(candidateLine(c, i + 1)));
      return 0;
    },
  },
  {
    name: 'review',
    synopsis: 'review [ALBUM_ID [N|none]]',
    summary: 'List albums waiting for review; with an id, show its candidates; with N, apply candidate N (none: not found).',
    options: {},
    async run(core, values, positionals, out) {
      if (positionals.length === 0) {
        for (let offset = 0; ; offset += 1000) {
          const page = listAlbums(core.db, { view: 'review', offset, limit: 1000 });
          if (page.total === 0 && !values.json) out.stdout.write('Nothing waiting for review.\n');
          for (const a of page.albums) out.stdout.write(values.json ? `${JSON.stringify(a)}\n` : albumLine(a));
          if (offset + page.albums.length >= page.total || page.albums.length === 0) break;
        }
        return 0;
      }
      const albumId = idArg(positionals[0], 'ALBUM_ID');
      if (positionals.length === 2) {
        const pick = positionals[1] === 'none' ? 'none' : Number(positionals[1]) - 1;
        if (pick !== 'none' && (!Number.isInteger(pick) || pick < 0)) throw new UsageError('Pick a candidate by its number, or none');
        const album = (await core.api.call('resolveReview', [albumId, pick])) as AlbumSummary;
        out.stdout.write(values.json ? `${JSON.stringify(album)}\n` : albumLine(album));
        return 0;
      }
      const detail = albumDetail(core.db, albumId);
      if (!detail) throw new UsageError(`No album with id ${albumId}`);
      if (values.json) {
        out.stdout.write(`${JSON.stringify(detail)}\n`);
        return 0;
      }
      out.stdout.write(albumLine(detail));
      detail.candidates.forEach((c, i) => {
        out.stdout.write(`  ${i + 1}. ${c.artist} — ${c.title}  ${[c.date, c.country, c.format].filter(Boolean).join(', ')}  ${c.trackCount ?? '?'} tracks  score ${c.score}\n`);
      });
      return 0;
    },
  },
];
