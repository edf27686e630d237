import { useEffect } from 'react';
import { create } from 'zustand';
import { formatCount } from '../../../shared/format';
import { isFinished, type JobSnapshot } from '../../../shared/jobs';
import type {
  UndoScope,
  WriteHistoryEntry,
  WritePreview,
  WritePreviewFile,
  WriteProblemItem,
  WriteScope,
  WriteSettings,
} from '../../../shared/write-back';
import { api } from '../api';
import { useAlbumsStore } from './albums';
import { useJobsStore } from './jobs';
import { useLibraryStore } from './library';

/** What the dialog writes, and how its header names it ('Album: Title', '12 selected tracks'). */
export interface WriteTarget {
  scope: WriteScope;
  /** Null for the whole library: the header counts its files once the preview knows them. */
  name: string | null;
}

export const WHOLE_LIBRARY: WriteTarget = { scope: { kind: 'all' }, name: null };

/** preview → confirm → writing → written; Undo runs beside the last, or from History. */
export type WritePhase = 'preview' | 'confirm' | 'writing' | 'written';
export type WriteTab = 'preview' | 'history';
export type PreviewTotals = Omit<WritePreview, 'files' | 'offset'>;

/** Files per preview page. */
export const PREVIEW_PAGE = 200;

interface WriteStore {
  open: boolean;
  tab: WriteTab;
  target: WriteTarget;
  settings: WriteSettings | null;
  artBaseUrl: string | null;
  /** Totals over the whole scope, from the first page. */
  totals: PreviewTotals | null;
  /** The files that would change, as far as they are loaded. */
  files: WritePreviewFile[];
  loading: boolean;
  /** Files the user unticked: left out of the write. */
  excluded: ReadonlySet<number>;
  phase: WritePhase;
  /** The write this dialog started. */
  jobId: number | null;
  /** An Undo this dialog started, of that write or from History. */
  undoJobId: number | null;
  problems: WriteProblemItem[] | null;
  undoProblems: WriteProblemItem[] | null;
  history: WriteHistoryEntry[] | null;
  error: string | null;
  /** What the view in front would write (its selection), for the key and the menu. */
  contextTarget: (() => Promise<WriteTarget | null>) | null;
  actions: {
    /** Opens on a target; a write still running is shown again instead. */
    show(target: WriteTarget): Promise<void>;
    /** The key or the menu: the view's selection, else the whole library. */
    showForContext(): Promise<void>;
    /** Hides the dialog; a running write or undo goes on and shows again on the next open. */
    close(): void;
    setTab(tab: WriteTab): void;
    changeSettings(change: Partial<WriteSettings>): Promise<void>;
    toggleFile(trackId: number): void;
    loadMore(): Promise<void>;
    /** Reads the preview afresh from the first page. */
    refresh(): Promise<void>;
    askToWrite(): void;
    back(): void;
    write(): Promise<void>;
    undo(scope: UndoScope): Promise<void>;
    /** A job this dialog follows ended: load its problems and what it changed. */
    finished(job: JobSnapshot): Promise<void>;
    loadHistory(): Promise<void>;
    dismissError(): void;
  };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
/** A write or undo of this dialog is under way: closing only hides it. */
export const writeBusy = (s: Pick<WriteStore, 'phase' | 'undoJobId'>, byId: Record<number, JobSnapshot>) =>
  s.phase === 'writing' || (s.undoJobId !== null && byId[s.undoJobId] !== undefined && !isFinished(byId[s.undoJobId]!.state));

/** Files the write will touch: the changes, less problems and unticked files. */
export function filesToWrite(s: Pick<WriteStore, 'totals' | 'excluded'>): number {
  return Math.max(0, (s.totals?.changed ?? 0) - s.excluded.size);
}

type Fresh = Pick<WriteStore, 'tab' | 'totals' | 'files' | 'excluded' | 'phase' | 'jobId' | 'undoJobId' | 'problems' | 'undoProblems' | 'error'>;

/** The dialog as it opens on a new target: no preview yet, no job. */
const fresh = (): Fresh => ({
  tab: 'preview',
  totals: null,
  files: [],
  excluded: new Set(),
  phase: 'preview',
  jobId: null,
  undoJobId: null,
  problems: null,
  undoProblems: null,
  error: null,
});

/** Bumped by every new preview, so a slower answer to an older one is dropped. */
let generation = 0;

export const useWriteStore = create<WriteStore>()((set, get) => {
  /** Runs an Api call; a failure shows in the dialog and gives null. */
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T | null> => {
    try {
      return await call();
    } catch (err) {
      set({ error: `${what}: ${messageOf(err)}` });
      return null;
    }
  };

  /** The library's tables and albums show the tags as they now are. */
  const libraryChanged = () => {
    void useLibraryStore.getState().actions.refresh();
    useAlbumsStore.getState().actions.changed();
  };

  const follow = (job: JobSnapshot) => {
    useJobsStore.getState().actions.upsert(job);
    if (isFinished(job.state)) void get().actions.finished(job);
  };

  return {
    open: false,
    ...fresh(),
    target: WHOLE_LIBRARY,
    settings: null,
    artBaseUrl: null,
    loading: false,
    history: null,
    contextTarget: null,
    actions: {
      async show(target) {
        if (get().open) return;
        if (writeBusy(get(), useJobsStore.getState().byId)) {
          set({ open: true });
          return;
        }
        set({ ...fresh(), open: true, target });
        if (get().artBaseUrl === null) {
          api.appInfo().then(
            (info) => set({ artBaseUrl: info.artBaseUrl }),
            () => undefined,
          );
        }
        const settings = await attempt('Sleeve could not read the write settings', () => api.writeSettings());
        if (!settings) return;
        set({ settings });
        await get().actions.refresh();
      },
      async showForContext() {
        const { contextTarget } = get();
        const target = contextTarget ? await contextTarget().catch(() => null) : null;
        await get().actions.show(target ?? WHOLE_LIBRARY);
      },
      close() {
        set({ open: false });
      },
      setTab(tab) {
        set({ tab });
        if (tab === 'history') void get().actions.loadHistory();
      },
      async changeSettings(change) {
        const { settings, phase } = get();
        if (!settings || (phase !== 'preview' && phase !== 'written')) return;
        const next = { ...settings, ...change };
        set({ settings: next, phase: 'preview' });
        const saved = await attempt('Sleeve could not save the write settings', () => api.saveWriteSettings(next));
        // Another change made meanwhile wins: its own save follows.
        if (saved && get().settings === next) set({ settings: saved });
        await get().actions.refresh();
      },
      toggleFile(trackId) {
        const excluded = new Set(get().excluded);
        if (excluded.has(trackId)) excluded.delete(trackId);
        else excluded.add(trackId);
        set({ excluded });
      },
      async refresh() {
        const { settings, target } = get();
        if (!settings) return;
        const mine = ++generation;
        set({ loading: true, error: null });
        const page = await attempt('Sleeve could not preview the write', () => api.writePreview({ scope: target.scope, settings }, 0, PREVIEW_PAGE));
        if (mine !== generation) return;
        if (!page) return set({ loading: false });
        const { files, offset: _offset, ...totals } = page;
        // Unticked files stay unticked while they still would change.
        const shown = new Set(files.map((f) => f.trackId));
        const excluded = new Set([...get().excluded].filter((id) => shown.has(id)));
        set({ totals, files, excluded, loading: false, phase: get().phase === 'written' ? 'preview' : get().phase });
      },
      async loadMore() {
        const { settings, target, totals, files, loading } = get();
        if (!settings || !totals || loading || files.length >= totals.changed + totals.problems) return;
        const mine = generation;
        set({ loading: true });
        const page = await attempt('Sleeve could not load more of the preview', () =>
          api.writePreview({ scope: target.scope, settings }, files.length, PREVIEW_PAGE),
        );
        if (mine !== generation) return;
        if (!page) return set({ loading: false });
        const known = new Set(files.map((f) => f.trackId));
        set({ files: [...files, ...page.files.filter((f) => !known.has(f.trackId))], loading: false });
      },
      askToWrite() {
        if (get().phase === 'preview' && filesToWrite(get()) > 0) set({ phase: 'confirm' });
      },
      back() {
        if (get().phase === 'confirm') set({ phase: 'preview' });
      },
      async write() {
        const s = get();
        if (s.phase !== 'confirm' || !s.settings) return;
        set({ phase: 'writing', error: null, problems: null, undoJobId: null, undoProblems: null });
        const job = await attempt('Sleeve could not start the write', () =>
          api.writeTags({ scope: s.target.scope, settings: s.settings!, excludeTrackIds: [...s.excluded] }),
        );
        if (!job) return set({ phase: 'preview' });
        set({ jobId: job.id });
        follow(job);
      },
      async undo(scope) {
        if (writeBusy(get(), useJobsStore.getState().byId)) return;
        set({ error: null, undoProblems: null });
        const job = await attempt('Sleeve could not start the undo', () => api.undoWrite(scope));
        if (!job) return;
        set({ undoJobId: job.id });
        follow(job);
      },
      async finished(job) {
        const s = get();
        if (job.id !== s.jobId && job.id !== s.undoJobId) return;
        libraryChanged();
        const problems = await attempt('Sleeve could not list the files it left alone', () => api.writeProblems(job.id));
        if (job.id === s.jobId && s.phase === 'writing') set({ phase: 'written', problems: problems ?? [] });
        else if (job.id === s.undoJobId) set({ undoProblems: problems ?? [] });
        if (job.state === 'failed') set({ error: job.error ?? 'The job failed.' });
        await get().actions.loadHistory();
      },
      async loadHistory() {
        const history = await attempt('Sleeve could not read the write history', () => api.writeHistory());
        if (history) set({ history });
      },
      dismissError() {
        set({ error: null });
      },
    },
  };
});

export const useWriteActions = () => useWriteStore((s) => s.actions);

/** '1 file', '1,234 files'. */
export const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** The selected tracks of the Library. */
export const tracksTarget = (trackIds: number[]): WriteTarget => ({
  scope: { kind: 'tracks', trackIds },
  name: plural(trackIds.length, 'selected track'),
});

/** Albums of the Albums view; one is named by its title when it is known. */
export const albumsTarget = (albumIds: number[], title?: string): WriteTarget => ({
  scope: { kind: 'albums', albumIds },
  name: albumIds.length === 1 && title ? `Album: ${title}` : plural(albumIds.length, 'selected album'),
});

/**
 * While a view is in front, the key and the menu write what it has selected.
 * provider null: nothing selected, the whole library.
 */
export function useWriteContext(provider: (() => Promise<WriteTarget | null>) | null): void {
  useEffect(() => {
    useWriteStore.setState({ contextTarget: provider });
    return () => {
      if (useWriteStore.getState().contextTarget === provider) useWriteStore.setState({ contextTarget: null });
    };
  }, [provider]);
}
