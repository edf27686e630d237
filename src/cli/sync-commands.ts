import type { SleeveCore } from '../core/app';
import { listPlaylists } from '../core/playlists/store';
import { defaultSecretsPath } from '../core/paths';
import { FileSecretStore } from '../core/net/secrets';
import { resolveTarget, startSync, SyncBusyError, syncParams } from '../core/sync/request';
import { reviewItems } from '../core/sync/spotify-match';
import { loadSyncPlan } from '../core/sync/targets';
import { formatDuration } from '../shared/format';
import { parseTargetKey, SyncTargetError, targetKey, type SyncPlan, type SyncPlanItem, type SyncRequest } from '../shared/sync';
import type { Command } from './commands';
import { NETWORK_OPTIONS, networkParamsFromFlags } from './network-options';
import { runJobInForeground, type JobOutput } from './run-job';
import { UsageError } from './usage-error';

/** A playlist by id, or by its name (ignoring case) when exactly one has it. */
function findPlaylist(core: SleeveCore, text: string): number {
  const all = listPlaylists(core.db);
  const asId = Number(text);
  if (Number.isInteger(asId) && asId > 0 && all.some((p) => p.id === asId)) return asId;
  const named = all.filter((p) => p.name.toLowerCase() === text.trim().toLowerCase());
  if (named.length === 1) return named[0]!.id;
  if (named.length > 1) throw new UsageError(`${named.length} playlists are called '${text}': use an id (${named.map((p) => p.id).join(', ')})`);
  throw new UsageError(`No playlist '${text}'; 'playlists' lists them with their ids`);
}

const MARK: Record<SyncPlanItem['action'], string> = { add: '+', remove: '-', update: '~', unchanged: '=', unmatched: '!', review: '?' };

function itemLine(item: SyncPlanItem): string {
  const name = [item.artist, item.title].filter(Boolean).join(' – ') || item.item || '(unnamed)';
  const why = item.reason ? `  (${item.reason}${item.score !== null && item.action !== 'unchanged' ? ` ${item.score.toFixed(2)}` : ''})` : '';
  const hint = item.action === 'review' && item.trackId !== null ? `  → sync-review ${item.trackId}` : '';
  return `  ${MARK[item.action]} ${name}${why}${hint}\n`;
}

function planReport(plan: SyncPlan, dryRun: boolean, all: boolean): string {
  const c = plan.counts;
  const where = plan.target === 'spotify' ? 'Spotify' : plan.target.slice('folder:'.length);
  const verb = dryRun ? 'would' : 'did';
  const lines = [
    `${plan.playlistName} → ${where}: ${c.add} to add, ${c.remove} to remove, ${c.unchanged} unchanged, ${c.unmatched} unmatched, ${c.review} to review` +
      (c.update > 0 ? `, ${c.update} to update` : '') +
      (dryRun ? ' (dry run: nothing changed)' : '') +
      '\n',
  ];
  // The unchanged ones are the bulk of a routine sync and tell nothing.
  const shown = plan.items.filter((i) => i.action !== 'unchanged');
  const limit = all ? shown.length : 50;
  for (const item of shown.slice(0, limit)) lines.push(itemLine(item));
  if (shown.length > limit) lines.push(`  … and ${shown.length - limit} more (--all lists every one; this ${verb} change only what is marked +, - and ~)\n`);
  return lines.join('');
}

export const SYNC_COMMANDS: Command[] = [
  {
    name: 'sync',
    synopsis: 'sync PLAYLIST... --to spotify|folder:PATH [--dry-run] [--workers N] [--mirror] [--replaygain] [--all]',
    summary: 'Sync playlists (id or name) to Spotify or a folder; --dry-run only shows the plan.',
    options: {
      to: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      workers: { type: 'string' },
      mirror: { type: 'boolean', default: false },
      replaygain: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      ...NETWORK_OPTIONS,
    },
    async run(core, values, positionals, out: JobOutput) {
      if (positionals.length === 0) throw new UsageError('sync needs a playlist: its id or name (see playlists)');
      if (typeof values.to !== 'string') throw new UsageError('sync needs --to spotify or --to folder:PATH');
      let target;
      try {
        target = resolveTarget(parseTargetKey(values.to));
      } catch (err) {
        if (err instanceof SyncTargetError) throw new UsageError(err.message);
        throw err;
      }
      if (values.mirror && target.kind !== 'spotify') throw new UsageError('--mirror is for Spotify; a folder sync only ever removes files it copied');
      if (values.replaygain && target.kind !== 'folder') throw new UsageError('--replaygain is for a folder target');
      const request: SyncRequest = { playlistIds: positionals.map((p) => findPlaylist(core, p)), target, dryRun: Boolean(values['dry-run']) };
      if (values.workers !== undefined) {
        const n = Number(values.workers);
        if (!Number.isInteger(n) || n < 1 || n > 16) throw new UsageError(`--workers is a whole number from 1 to 16, got '${String(values.workers)}'`);
        request.workers = n;
      }
      if (values.mirror) request.mirror = true;
      if (values.replaygain) request.replayGain = true;
      let params;
      try {
        params = syncParams(core.db, request, new FileSecretStore(defaultSecretsPath()).all());
      } catch (err) {
        if (err instanceof SyncTargetError) throw new UsageError(err.message);
        throw err;
      }
      const network = networkParamsFromFlags(values);
      if (Object.keys(network).length > 0) params.network = network;
      let job;
      try {
        job = startSync(core.jobs, params);
      } catch (err) {
        if (!(err instanceof SyncBusyError)) throw err;
        out.stderr.write(`${err.message}\n`);
        return 1;
      }
      return runJobInForeground(core, job, out, () => {
        for (const id of request.playlistIds) {
          const plan = loadSyncPlan(core.db, id, targetKey(target));
          if (!plan) continue;
          out.stdout.write(values.json ? `${JSON.stringify({ plan })}\n` : planReport(plan, Boolean(values['dry-run']), Boolean(values.all)));
        }
      });
    },
  },
  {
    name: 'sync-review',
    synopsis: 'sync-review PLAYLIST | sync-review TRACK_ID N|none|SPOTIFY_URI',
    summary: 'List the Spotify matches a playlist needs you to decide, or settle one (remembered for later syncs).',
    options: {},
    async run(core, values, positionals, out) {
      if (positionals.length === 1) {
        const items = reviewItems(core.db, findPlaylist(core, positionals[0]!));
        if (values.json) {
          for (const item of items) out.stdout.write(`${JSON.stringify(item)}\n`);
          return 0;
        }
        if (items.length === 0) out.stdout.write('Nothing to review: sync the playlist (or sync --dry-run) to match it first.\n');
        for (const item of items) {
          const len = item.durationMs === null ? '' : ` [${formatDuration(item.durationMs)}]`;
          out.stdout.write(`Track ${item.trackId}: ${[item.artist, item.title].filter(Boolean).join(' – ')}${len}\n`);
          item.candidates.forEach((c, i) =>
            out.stdout.write(`  ${i + 1}. ${c.artists.join(', ')} – ${c.name} (${c.album}) [${formatDuration(c.durationMs)}] ${c.score.toFixed(2)}\n`),
          );
        }
        return 0;
      }
      if (positionals.length !== 2) throw new UsageError('sync-review takes a playlist, or a track id and a choice');
      const trackId = Number(positionals[0]);
      if (!Number.isInteger(trackId) || trackId <= 0) throw new UsageError(`A track id is needed, got '${positionals[0]}'`);
      const choice = positionals[1]!;
      let uri: string | null;
      if (choice === 'none') uri = null;
      else if (/^\d+$/.test(choice)) {
        const row = core.db.prepare('SELECT candidates FROM spotify_matches WHERE track_id = ?').get(trackId) as { candidates: string | null } | undefined;
        const candidates = row?.candidates ? (JSON.parse(row.candidates) as Array<{ uri: string }>) : [];
        const picked = candidates[Number(choice) - 1];
        if (!picked) throw new UsageError(candidates.length ? `Choose a number from 1 to ${candidates.length}` : `Track ${trackId} has no candidates; paste a Spotify link instead`);
        uri = picked.uri;
      } else uri = choice;
      await core.api.call('setSpotifyMatch', [trackId, uri]);
      out.stdout.write(values.json ? `${JSON.stringify({ trackId, uri })}\n` : uri ? `Track ${trackId} is ${uri} on Spotify from now on.\n` : `Track ${trackId} is marked as not on Spotify.\n`);
      return 0;
    },
  },
];
