import { create } from 'zustand';
import type { AlbumSummary, AlbumView, EnrichScope, EnrichStats } from '../../../shared/albums';
import { formatCount } from '../../../shared/format';
import { isFinished, type JobSnapshot, type JobState } from '../../../shared/jobs';
import { api } from '../api';
import { NO_SELECTION, selectOne, selectedCount, type Selection } from '../selection';
import { useJobsStore } from './jobs';
import { useLibraryStore } from './library';
import { useYearsStore } from './years';

interface AlbumsStore {
  view: AlbumView;
  filter: string;
  stats: EnrichStats | null;
  /** Bumped when albums may have changed (a scan, an enrichment run, a choice), so the list reloads what it shows. */
  version: number;
  selection: Selection;
  /** The album the list's focus is on: the Review panel and Choose Artwork… act on it. */
  current: AlbumSummary | null;
  /** The album whose artwork chooser is open. */
  chooser: AlbumSummary | null;
  /** Where thumbnails come from; null until the app said. */
  artBaseUrl: string | null;
  /** The outcome of a bulk action, until dismissed. */
  message: string | null;
  actions: {
    load(): Promise<void>;
    /** quiet: a reload in the background, whose failure the next one mends, says nothing. */
    loadStats(quiet?: boolean): Promise<void>;
    setView(view: AlbumView): void;
    setFilter(filter: string): void;
    setSelection(selection: Selection, current?: AlbumSummary | null): void;
    /** Queues albums (all, or some) for enrichment and starts the job. */
    enrich(scope?: EnrichScope, options?: { refresh?: boolean }): Promise<void>;
    /** The ids of the selected albums, fetched when Select All covers rows never loaded. */
    selectedIds(): Promise<number[]>;
    openChooser(album: AlbumSummary): void;
    closeChooser(): void;
    chooseArt(albumId: number, candidateId: number): Promise<AlbumSummary | null>;
    /** Accept Suggested for the selection, or every album when none is selected. */
    acceptSuggested(): Promise<void>;
    /** Settles the album in review at this position, then moves to the one that takes its place. */
    resolveReview(album: AlbumSummary, index: number, choice: number | 'none'): Promise<void>;
    changed(): void;
    setMessage(message: string | null): void;
  };
}

const report = (message: string) => useLibraryStore.getState().actions.setNotice(message);
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const ID_PAGE = 1000;

/** True while an enrichment job is queued or running: a second one would only wait behind it. */
export function enrichRunning(): boolean {
  const { ids, byId } = useJobsStore.getState();
  return ids.some((id) => byId[id]?.kind === 'enrich' && !isFinished(byId[id]!.state));
}

export const useAlbumsStore = create<AlbumsStore>()((set, get) => ({
  view: 'all',
  filter: '',
  stats: null,
  version: 0,
  selection: NO_SELECTION,
  current: null,
  chooser: null,
  artBaseUrl: null,
  message: null,
  actions: {
    async load() {
      if (get().artBaseUrl === null) {
        api.appInfo().then(
          (info) => set({ artBaseUrl: info.artBaseUrl }),
          () => undefined,
        );
      }
      await get().actions.loadStats();
    },
    async loadStats(quiet = false) {
      try {
        set({ stats: await api.enrichStats() });
      } catch (err) {
        if (!quiet) report(`Sleeve could not read the albums: ${messageOf(err)}`);
      }
    },
    // Another view or filter lists other rows: what was selected in the last one is out of sight.
    setView: (view) => set({ view, selection: NO_SELECTION, current: null }),
    setFilter: (filter) => set({ filter, selection: NO_SELECTION, current: null }),
    setSelection: (selection, current) => set(current === undefined ? { selection } : { selection, current }),
    async enrich(scope, options) {
      if (enrichRunning()) return;
      try {
        const job = await api.enrich(scope, options);
        useJobsStore.getState().actions.upsert(job);
        useYearsStore.getState().actions.watch(job);
      } catch (err) {
        report(`Sleeve could not start enriching: ${messageOf(err)}`);
      }
    },
    async selectedIds() {
      const { selection, view, filter } = get();
      if (!selection.all) return [...selection.ids];
      const ids: number[] = [];
      for (let offset = 0; ; offset += ID_PAGE) {
        const page = await api.listAlbums({ view, filter, offset, limit: ID_PAGE });
        for (const album of page.albums) if (!selection.ids.has(album.id)) ids.push(album.id);
        if (page.albums.length < ID_PAGE || offset + ID_PAGE >= page.total) return ids;
      }
    },
    openChooser: (album) => set({ chooser: album }),
    closeChooser: () => set({ chooser: null }),
    async chooseArt(albumId, candidateId) {
      try {
        const album = await api.chooseArt(albumId, candidateId);
        get().actions.changed();
        return album;
      } catch (err) {
        report(`Sleeve could not save the picture: ${messageOf(err)}`);
        return null;
      }
    },
    async acceptSuggested() {
      const { selection, stats } = get();
      try {
        const some = selectedCount(selection, stats?.albums ?? 0) > 0;
        const count = await api.acceptSuggestedArt(some ? await get().actions.selectedIds() : undefined);
        set({
          message:
            count === 0
              ? 'No album needed the suggested picture: each one has a picture chosen, art of its own, or no suggestion yet.'
              : `Set the suggested picture on ${formatCount(count)} ${count === 1 ? 'album' : 'albums'}.`,
        });
        get().actions.changed();
      } catch (err) {
        report(`Sleeve could not accept the suggested pictures: ${messageOf(err)}`);
      }
    },
    async resolveReview(album, index, choice) {
      try {
        await api.resolveReview(album.id, choice);
      } catch (err) {
        report(`Sleeve could not save the match: ${messageOf(err)}`);
        return;
      }
      const { view, filter } = get();
      // The settled album leaves the queue, so the next one now sits where it was (or, at the end, just above).
      let next: { album: AlbumSummary; index: number } | null = null;
      try {
        for (const at of [index, index - 1]) {
          if (at < 0) continue;
          const page = await api.listAlbums({ view, filter, offset: at, limit: 1 });
          const found = page.albums[0];
          if (found && found.id !== album.id) {
            next = { album: found, index: at };
            break;
          }
        }
      } catch {
        // The list reloads below either way; only the move to the next album is lost.
      }
      set(next ? { selection: selectOne(next.index, next.album.id), current: next.album } : { selection: NO_SELECTION, current: null });
      get().actions.changed();
    },
    changed() {
      set(({ version }) => ({ version: version + 1 }));
      void get().actions.loadStats(true);
    },
    setMessage: (message) => set({ message }),
  },
}));

export const useAlbumsActions = () => useAlbumsStore((s) => s.actions);

/** While a run goes on, the list and the stats reload at most this often. */
const LIVE_RELOAD_MS = 1000;

/**
 * Keeps the Albums view current for the life of the window: a scan adds
 * albums, and an enrichment job (from a button, a key, the menu, the CLI)
 * matches them and finds their pictures as it goes. Its card is the one the
 * years store keeps for every job this window watches.
 */
export function followAlbumChanges(): () => void {
  const states = new Map<number, { state: JobState; done: number }>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const reload = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    useAlbumsStore.getState().actions.changed();
  };
  const soon = () => {
    if (timer === null) timer = setTimeout(reload, LIVE_RELOAD_MS);
  };
  const checkJobs = () => {
    const { ids, byId } = useJobsStore.getState();
    for (const id of ids) {
      const job: JobSnapshot | undefined = byId[id];
      if (!job || job.kind !== 'enrich') continue;
      const before = states.get(id);
      if (before && before.state === job.state && before.done === job.done) continue;
      states.set(id, { state: job.state, done: job.done });
      if (!isFinished(job.state)) {
        useYearsStore.getState().actions.watch(job);
        if (before) soon();
      } else if (before && !isFinished(before.state)) {
        reload();
        if (job.state === 'failed') report(`Enriching albums failed: ${job.error ?? 'no reason given'}`);
      }
    }
  };
  // The sidebar shows how many albums wait for review, whichever section is open.
  void useAlbumsStore.getState().actions.loadStats(true);
  checkJobs();
  const stopJobs = useJobsStore.subscribe(checkJobs);
  // The library store's version moves on every library change and after a reconnect.
  const stopLibrary = useLibraryStore.subscribe((now, before) => {
    if (now.version !== before.version) soon();
  });
  return () => {
    stopJobs();
    stopLibrary();
    if (timer !== null) clearTimeout(timer);
  };
}
