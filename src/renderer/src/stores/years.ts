import { create } from 'zustand';
import type { JobSnapshot, JobState } from '../../../shared/jobs';
import { isFinished } from '../../../shared/jobs';
import type { YearScope, YearStats } from '../../../shared/library';
import { api } from '../api';
import { YEAR_JOB_KINDS } from '../years';
import { useJobsStore } from './jobs';
import { useLibraryStore } from './library';

export type YearGrouping = 'years' | 'decades';

interface YearsStore {
  stats: YearStats | null;
  /** The chart's bars: one a year or one a decade. */
  grouping: YearGrouping;
  /** Set when the page must ask for the listens file's path itself (no system dialog in a browser). */
  askingForListensPath: boolean;
  /** Years and import jobs seen queued or running in this window, newest first: their cards stay until dismissed. */
  watched: Array<{ id: number; kind: string }>;
  dismissed: number[];
  actions: {
    loadStats(): Promise<void>;
    setGrouping(grouping: YearGrouping): void;
    /** Starts a years run over a scope (a Library view) or everything. */
    findYears(scope?: YearScope, options?: { refresh?: boolean }): Promise<void>;
    /** Asks for a listening-history file (the system dialog, or the page's own prompt) and imports it. */
    importListens(): Promise<void>;
    importListensFrom(path: string): Promise<void>;
    cancelListensPrompt(): void;
    /** Sets a track's year by hand, or gives it back to the lookups (null); false when it failed. */
    setTrackYear(id: number, year: number | null): Promise<boolean>;
    watch(job: Pick<JobSnapshot, 'id' | 'kind'>): void;
    dismiss(id: number): void;
  };
}

/** Errors show in the frame's banner, over whichever section is open. */
const report = (message: string) => useLibraryStore.getState().actions.setNotice(message);
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useYearsStore = create<YearsStore>()((set, get) => {
  const started = (job: JobSnapshot) => {
    useJobsStore.getState().actions.upsert(job);
    get().actions.watch(job);
  };
  return {
    stats: null,
    grouping: 'years',
    askingForListensPath: false,
    watched: [],
    dismissed: [],
    actions: {
      async loadStats() {
        try {
          set({ stats: await api.yearStats() });
        } catch (err) {
          report(`Sleeve could not read the years: ${messageOf(err)}`);
        }
      },
      setGrouping: (grouping) => set({ grouping }),
      async findYears(scope, options) {
        // One run at a time: a second would only queue behind the first and find nothing left.
        const { ids, byId } = useJobsStore.getState();
        if (ids.some((id) => byId[id]?.kind === 'years' && !isFinished(byId[id]!.state))) return;
        try {
          started(await api.findYears(scope, options));
        } catch (err) {
          report(`Sleeve could not start finding release years: ${messageOf(err)}`);
        }
      },
      async importListens() {
        let file: string | null;
        try {
          file = await api.pickListensFile();
        } catch {
          file = null;
        }
        // null: no system dialog here (a browser), so ask for a path; '': the user closed the dialog.
        if (file === null) set({ askingForListensPath: true });
        else if (file !== '') await get().actions.importListensFrom(file);
      },
      async importListensFrom(path) {
        set({ askingForListensPath: false });
        try {
          started(await api.importListens(path));
        } catch (err) {
          report(`Sleeve could not import ${path}: ${messageOf(err)}`);
        }
      },
      cancelListensPrompt: () => set({ askingForListensPath: false }),
      async setTrackYear(id, year) {
        try {
          await api.setTrackYear(id, year);
          useLibraryStore.getState().actions.setNotice(null);
          await useLibraryStore.getState().actions.refresh();
          return true;
        } catch (err) {
          report(`Sleeve could not save the year: ${messageOf(err)}`);
          return false;
        }
      },
      watch: ({ id, kind }) =>
        set(({ watched }) => (watched.some((w) => w.id === id) ? {} : { watched: [{ id, kind }, ...watched].sort((a, b) => b.id - a.id) })),
      dismiss: (id) => set(({ dismissed }) => ({ dismissed: [...dismissed, id] })),
    },
  };
});

export const useYearsActions = () => useYearsStore((s) => s.actions);

/** The newest job of this kind this window has seen running and the user has not dismissed. */
export function useWatchedJob(kind: string): JobSnapshot | undefined {
  const id = useYearsStore((s) => s.watched.find((w) => w.kind === kind && !s.dismissed.includes(w.id))?.id);
  return useJobsStore((s) => (id === undefined ? undefined : s.byId[id]));
}

const ENDED_TITLE: Record<string, string> = { years: 'Finding release years', 'import-listens': 'Importing listening history' };

/**
 * Watches years and import jobs for the life of the window, however they
 * were started (a button, a key, the desktop menu, another window): a card
 * follows each, and when one ends the tables and the Years view reload.
 */
export function followYearJobs(): () => void {
  const states = new Map<number, JobState>();
  const check = () => {
    const { ids, byId } = useJobsStore.getState();
    for (const id of ids) {
      const job = byId[id];
      if (!job || !YEAR_JOB_KINDS.includes(job.kind)) continue;
      const before = states.get(id);
      if (before === job.state) continue;
      states.set(id, job.state);
      if (!isFinished(job.state)) {
        useYearsStore.getState().actions.watch(job);
      } else if (before !== undefined && !isFinished(before)) {
        void useLibraryStore.getState().actions.refresh();
        if (job.state === 'failed') report(`${ENDED_TITLE[job.kind] ?? job.kind} failed: ${job.error ?? 'no reason given'}`);
      }
    }
  };
  check();
  return useJobsStore.subscribe(check);
}
