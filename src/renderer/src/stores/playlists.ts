import { create } from 'zustand';
import { formatCount } from '../../../shared/format';
import type { PlaylistDetail, PlaylistImportResult, PlaylistSummary } from '../../../shared/playlists';
import { api } from '../api';
import { useLibraryStore } from './library';

interface PlaylistsStore {
  /** null until the first load answers. */
  playlists: PlaylistSummary[] | null;
  selectedId: number | null;
  detail: PlaylistDetail | null;
  /** The page asks for a path itself: a browser has no file dialog on the machine Sleeve runs on. */
  prompt: 'import' | 'export' | null;
  importing: boolean;
  /** The last import's outcome, until dismissed. */
  report: PlaylistImportResult[] | null;
  /** The outcome of an export, until dismissed. */
  message: string | null;
  actions: {
    /** newest: select the playlist updated last (one just imported from the desktop menu). */
    load(options?: { newest?: boolean }): Promise<void>;
    select(id: number | null): Promise<void>;
    importPlaylists(): Promise<void>;
    importFrom(paths: string[]): Promise<void>;
    exportSelected(): Promise<void>;
    exportTo(path: string): Promise<void>;
    rename(id: number, name: string): Promise<boolean>;
    remove(id: number): Promise<void>;
    cancelPrompt(): void;
    dismissReport(): void;
    setMessage(message: string | null): void;
  };
}

const report = (message: string) => useLibraryStore.getState().actions.setNotice(message);
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

// Selections and reloads overlap (a click while the last detail loads): only the latest answer may land.
let detailRequest = 0;

export const usePlaylistsStore = create<PlaylistsStore>()((set, get) => ({
  playlists: null,
  selectedId: null,
  detail: null,
  prompt: null,
  importing: false,
  report: null,
  message: null,
  actions: {
    async load(options) {
      let playlists: PlaylistSummary[];
      try {
        playlists = await api.listPlaylists();
      } catch (err) {
        report(`Sleeve could not read the playlists: ${messageOf(err)}`);
        return;
      }
      set({ playlists });
      const { selectedId } = get();
      const newest = options?.newest ? [...playlists].sort((a, b) => b.updatedAt - a.updatedAt)[0] : undefined;
      const keep = playlists.find((p) => p.id === selectedId);
      await get().actions.select((newest ?? keep ?? playlists[0])?.id ?? null);
    },
    async select(id) {
      const request = ++detailRequest;
      // The old detail stays on screen while the same playlist reloads, so the table does not blink.
      set((s) => ({ selectedId: id, detail: s.detail?.id === id ? s.detail : null }));
      if (id === null) return;
      try {
        const detail = await api.playlistDetail(id);
        if (request === detailRequest) set({ detail });
      } catch (err) {
        if (request === detailRequest) report(`Sleeve could not read the playlist: ${messageOf(err)}`);
      }
    },
    async importPlaylists() {
      const files = await api.pickPlaylistFiles().catch(() => null);
      if (files === null) set({ prompt: 'import' });
      else if (files.length > 0) await get().actions.importFrom(files);
    },
    async importFrom(paths) {
      set({ prompt: null, importing: true });
      try {
        const results = await api.importPlaylists(paths);
        set((s) => ({ report: results, selectedId: results[0]?.playlist.id ?? s.selectedId }));
        await get().actions.load();
      } catch (err) {
        report(`Sleeve could not import the playlists: ${messageOf(err)}`);
      } finally {
        set({ importing: false });
      }
    },
    async exportSelected() {
      const { detail } = get();
      if (!detail) return;
      const file = await api.pickPlaylistExportPath(detail.name).catch(() => null);
      if (file === null) set({ prompt: 'export' });
      else if (file !== '') await get().actions.exportTo(file);
    },
    async exportTo(file) {
      const { detail } = get();
      set({ prompt: null });
      if (!detail) return;
      try {
        const written = await api.exportPlaylist(detail.id, file);
        const missing =
          written.missing === 0
            ? 'every one has its track'
            : `${plural(written.missing, 'entry', 'entries')} had no track in the library and kept the location the playlist gave`;
        set({ message: `Exported “${detail.name}” to ${written.path}: ${plural(written.entries, 'entry', 'entries')}; ${missing}.` });
      } catch (err) {
        report(`Sleeve could not export the playlist: ${messageOf(err)}`);
      }
    },
    async rename(id, name) {
      try {
        const renamed = await api.renamePlaylist(id, name);
        if (!renamed) {
          report('That playlist is gone: it was deleted elsewhere.');
          await get().actions.load();
          return false;
        }
        set((s) => ({
          playlists: s.playlists?.map((p) => (p.id === id ? renamed : p)) ?? null,
          detail: s.detail?.id === id ? { ...s.detail, ...renamed } : s.detail,
        }));
        return true;
      } catch (err) {
        report(`Sleeve could not rename the playlist: ${messageOf(err)}`);
        return false;
      }
    },
    async remove(id) {
      const before = get().playlists ?? [];
      const at = before.findIndex((p) => p.id === id);
      try {
        await api.deletePlaylist(id);
      } catch (err) {
        report(`Sleeve could not delete the playlist: ${messageOf(err)}`);
        return;
      }
      // The one below takes its place in the list, as in a file manager; at the end, the one above.
      const rest = before.filter((p) => p.id !== id);
      const next = rest[Math.min(Math.max(at, 0), rest.length - 1)];
      set({ playlists: rest, selectedId: next?.id ?? null, detail: null });
      await get().actions.load();
    },
    cancelPrompt: () => set({ prompt: null }),
    dismissReport: () => set({ report: null }),
    setMessage: (message) => set({ message }),
  },
}));

export const usePlaylistsActions = () => usePlaylistsStore((s) => s.actions);
