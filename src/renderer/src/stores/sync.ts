import { create } from 'zustand';
import { isFinished, type JobSnapshot } from '../../../shared/jobs';
import type { SyncOptions, SyncPlan, SyncReviewItem, SyncTargetSpec } from '../../../shared/sync';
import { targetKey } from '../../../shared/sync';
import { api } from '../api';
import { useJobsStore } from './jobs';

export type SyncPhase = 'choose' | 'planning' | 'planned' | 'applying' | 'applied';

interface SyncStore {
  open: boolean;
  phase: SyncPhase;
  options: SyncOptions | null;
  playlistIds: number[];
  targetKind: SyncTargetSpec['kind'];
  folder: string;
  workers: number | null;
  mirror: boolean;
  replayGain: boolean;
  jobId: number | null;
  plans: SyncPlan[];
  review: SyncReviewItem[];
  error: string | null;
  actions: {
    /** Opens the dialog with these playlists ticked (the one in view, from the menu). */
    show(playlistIds: number[]): Promise<void>;
    close(): void;
    set(change: Partial<Pick<SyncStore, 'playlistIds' | 'targetKind' | 'folder' | 'workers' | 'mirror' | 'replayGain'>>): void;
    chooseFolder(): Promise<void>;
    /** A dry run: the plan, nothing written. */
    preview(): Promise<void>;
    apply(): Promise<void>;
    cancel(): Promise<void>;
    /** The job ended: load what it planned or did. */
    finished(job: JobSnapshot): Promise<void>;
    resolve(trackId: number, uri: string | null): Promise<void>;
  };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function target(s: SyncStore): SyncTargetSpec | null {
  if (s.targetKind === 'spotify') return { kind: 'spotify' };
  const folder = s.folder.trim();
  return folder === '' ? null : { kind: 'folder', path: folder };
}

export const useSyncStore = create<SyncStore>()((set, get) => ({
  open: false,
  phase: 'choose',
  options: null,
  playlistIds: [],
  targetKind: 'spotify',
  folder: '',
  workers: null,
  mirror: false,
  replayGain: false,
  jobId: null,
  plans: [],
  review: [],
  error: null,
  actions: {
    async show(playlistIds) {
      set({ open: true, phase: 'choose', playlistIds, plans: [], review: [], error: null, jobId: null });
      try {
        const options = await api.syncOptions();
        set({ options, targetKind: get().targetKind === 'spotify' && !options.spotifyConnected && get().folder ? 'folder' : get().targetKind });
      } catch (err) {
        set({ error: messageOf(err) });
      }
    },
    close() {
      const { phase } = get();
      // A running job goes on in the background (the Jobs view shows it); the dialog only lets go of it.
      set({ open: false, phase: phase === 'planning' || phase === 'applying' ? 'choose' : phase, jobId: null });
    },
    set(change) {
      // Another playlist or target makes the plan shown stale.
      set({ ...change, phase: 'choose', plans: [], review: [], error: null });
    },
    async chooseFolder() {
      try {
        const picked = await api.pickFolders();
        if (picked && picked.length > 0) get().actions.set({ folder: picked[0]!, targetKind: 'folder' });
      } catch (err) {
        set({ error: messageOf(err) });
      }
    },
    async preview() {
      await start(true);
    },
    async apply() {
      await start(false);
    },
    async cancel() {
      const { jobId } = get();
      if (jobId !== null) await api.cancelJob(jobId).catch(() => undefined);
    },
    async finished(job) {
      const s = get();
      if (job.id !== s.jobId) return;
      const dry = s.phase === 'planning';
      if (job.state === 'failed') {
        set({ phase: 'choose', error: job.error ?? 'The sync failed.' });
        return;
      }
      const where = target(s);
      if (!where) return;
      const key = targetKey(where);
      try {
        const plans = (await Promise.all(s.playlistIds.map((id) => api.syncPlan(id, key)))).filter((p): p is SyncPlan => p !== null);
        const review = where.kind === 'spotify' ? (await Promise.all(s.playlistIds.map((id) => api.syncReview(id)))).flat() : [];
        set({ plans, review, phase: job.state === 'cancelled' ? 'choose' : dry ? 'planned' : 'applied' });
      } catch (err) {
        set({ error: messageOf(err), phase: 'choose' });
      }
    },
    async resolve(trackId, uri) {
      try {
        await api.setSpotifyMatch(trackId, uri);
        set({ review: get().review.filter((r) => r.trackId !== trackId) });
      } catch (err) {
        set({ error: messageOf(err) });
      }
    },
  },
}));

async function start(dryRun: boolean): Promise<void> {
  const s = useSyncStore.getState();
  const where = target(s);
  if (!where) {
    useSyncStore.setState({ error: 'Type or choose the folder to copy the playlists into.' });
    return;
  }
  if (s.playlistIds.length === 0) {
    useSyncStore.setState({ error: 'Tick at least one playlist.' });
    return;
  }
  useSyncStore.setState({ phase: dryRun ? 'planning' : 'applying', error: null });
  try {
    const job = await api.syncPlaylists({
      playlistIds: s.playlistIds,
      target: where,
      dryRun,
      ...(s.workers !== null ? { workers: s.workers } : {}),
      ...(where.kind === 'spotify' && s.mirror ? { mirror: true } : {}),
      ...(where.kind === 'folder' && s.replayGain ? { replayGain: true } : {}),
    });
    useJobsStore.getState().actions.upsert(job);
    useSyncStore.setState({ jobId: job.id });
    if (isFinished(job.state)) await useSyncStore.getState().actions.finished(job);
  } catch (err) {
    useSyncStore.setState({ phase: 'choose', error: messageOf(err) });
  }
}

export const useSyncActions = () => useSyncStore((s) => s.actions);
