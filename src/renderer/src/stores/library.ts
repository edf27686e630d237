import { create } from 'zustand';
import type { AlbumKey, LibraryStats, TrackSort, TrackStatus } from '../../../shared/library';
import { api } from '../api';
import { followWithReload } from './connection';

export type LibraryMode = 'tracks' | 'albums' | 'problems';

interface LibraryStore {
  mode: LibraryMode;
  filter: string;
  sort: TrackSort;
  descending: boolean;
  /** Tracks of one album, opened from the album grouping. */
  album: AlbumKey | null;
  problems: Exclude<TrackStatus, 'ok'>;
  stats: LibraryStats | null;
  /** Bumped when the library's rows change, so open tables reload what they show. */
  version: number;
  /** Set when the page must ask for a folder path itself (no system dialog in a browser). */
  askingForPath: boolean;
  notice: string | null;
  actions: {
    setMode(mode: LibraryMode): void;
    setFilter(filter: string): void;
    sortBy(column: TrackSort): void;
    openAlbum(album: AlbumKey): void;
    closeAlbum(): void;
    showProblems(kind: Exclude<TrackStatus, 'ok'>): void;
    refresh(): Promise<void>;
    scan(paths: string[]): Promise<void>;
    addFolder(): Promise<void>;
    cancelPathPrompt(): void;
    setNotice(notice: string | null): void;
  };
}

export const useLibraryStore = create<LibraryStore>()((set, get) => ({
  mode: 'tracks',
  filter: '',
  sort: 'artist',
  descending: false,
  album: null,
  problems: 'failed',
  stats: null,
  version: 0,
  askingForPath: false,
  notice: null,
  actions: {
    setMode: (mode) => set({ mode }),
    setFilter: (filter) => set({ filter }),
    sortBy: (column) =>
      set(({ sort, descending }) => ({ sort: column, descending: sort === column ? !descending : false })),
    openAlbum: ({ artist, title, folder }) => set({ album: { artist, title, folder }, mode: 'tracks', sort: 'album', descending: false }),
    closeAlbum: () => set({ album: null }),
    showProblems: (problems) => set({ mode: 'problems', problems }),
    async refresh() {
      try {
        const stats = await api.libraryStats();
        set(({ version }) => ({ stats, version: version + 1 }));
      } catch (err) {
        set({ notice: (err as Error).message });
      }
    },
    async scan(paths) {
      set({ askingForPath: false });
      try {
        await api.scan(paths);
        set({ notice: null });
      } catch (err) {
        set({ notice: (err as Error).message });
      }
    },
    async addFolder() {
      const folders = await api.pickFolders().catch(() => null);
      if (folders === null) set({ askingForPath: true });
      else if (folders.length > 0) await get().actions.scan(folders);
    },
    cancelPathPrompt: () => set({ askingForPath: false }),
    setNotice: (notice) => set({ notice }),
  },
}));

export const useLibraryActions = () => useLibraryStore((s) => s.actions);

/** Keeps stats and open tables current while scans write, and after a reconnect. */
export function followLibraryChanges(): () => void {
  const { actions } = useLibraryStore.getState();
  return followWithReload(
    () => void actions.refresh(),
    () => api.onLibraryChange(() => void actions.refresh()),
  );
}
