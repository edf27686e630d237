import { create } from 'zustand';
import { formatCount } from '../../../shared/format';
import { moveOrder, removeOrder } from '../../../shared/playlist-edits';
import type { PlaylistDetail, PlaylistImportResult, PlaylistSummary } from '../../../shared/playlists';
import { api } from '../api';
import { NO_SELECTION, type Selection } from '../selection';
import { useLibraryStore } from './library';

interface PlaylistsStore {
  /** null until the first load answers. */
  playlists: PlaylistSummary[] | null;
  selectedId: number | null;
  detail: PlaylistDetail | null;
  /** The page asks for a path itself: a browser has no file dialog on the machine Sleeve runs on. */
  prompt: 'import' | 'export' | 'create' | null;
  importing: boolean;
  /** The last import's outcome, until dismissed. */
  report: PlaylistImportResult[] | null;
  /** The outcome of an export, until dismissed. */
  message: string | null;
  /** Entries picked in the open playlist; their positions are the ids. */
  selection: Selection;
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
    /** Asks for the name of a new playlist in the page. */
    startCreate(): void;
    /** Makes an empty playlist and opens it; null when it could not (the notice says why). */
    create(name: string): Promise<PlaylistSummary | null>;
    /** Adds library tracks at the end of a playlist; null when it could not (the notice says why). */
    addTracks(playlistId: number, trackIds: number[]): Promise<PlaylistDetail | null>;
    setSelection(selection: Selection): void;
    /** Moves the entries at positions as one block so the first lands at to (counted after the move); they end up selected. */
    move(positions: number[], to: number): Promise<void>;
    /** Removes the selected entries from the open playlist. */
    removeSelected(): Promise<void>;
  };
}

const report = (message: string) => useLibraryStore.getState().actions.setNotice(message);
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

// Selections and reloads overlap (a click while the last detail loads): only the latest answer may land.
let detailRequest = 0;

/** The selected positions of a playlist of count entries, in order. */
export function selectedPositions(selection: Selection, count: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < count; p++) if (selection.all !== selection.ids.has(p)) out.push(p);
  return out;
}

/** The entries in a new order (order[i]: the old position of the entry now at i), renumbered. */
function reordered(detail: PlaylistDetail, order: readonly number[]): PlaylistDetail {
  const entries = order.map((old, i) => ({ ...detail.entries[old]!, position: i }));
  return { ...detail, entries, entryCount: entries.length, missingCount: entries.filter((e) => e.track === null).length };
}

/**
 * Edits go to the app one after another, each shown at once: the next
 * Alt+Arrow works on what the screen shows, which is what the app will have
 * once the edits before it land. The app's answer replaces the guess when
 * no other edit is on its way.
 */
let editChain: Promise<void> = Promise.resolve();
let editsInFlight = 0;

export const usePlaylistsStore = create<PlaylistsStore>()((set, get) => ({
  playlists: null,
  selectedId: null,
  detail: null,
  prompt: null,
  importing: false,
  report: null,
  message: null,
  selection: NO_SELECTION,
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
      set((s) => ({ selectedId: id, detail: s.detail?.id === id ? s.detail : null, selection: s.selectedId === id ? s.selection : NO_SELECTION }));
      if (id === null) return;
      try {
        const detail = await api.playlistDetail(id);
        // An edit on its way has the newer picture: its answer lands instead.
        if (request === detailRequest && editsInFlight === 0) set({ detail });
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
    startCreate: () => set({ prompt: 'create' }),
    async create(name) {
      let made: PlaylistDetail;
      try {
        made = await api.createPlaylist(name);
      } catch (err) {
        report(`Sleeve could not make the playlist: ${messageOf(err)}`);
        return null;
      }
      set((s) => ({ prompt: s.prompt === 'create' ? null : s.prompt, selectedId: made.id, detail: made, selection: NO_SELECTION }));
      await get().actions.load();
      return made;
    },
    async addTracks(playlistId, trackIds) {
      try {
        const detail = await api.addToPlaylist(playlistId, trackIds);
        if (!detail) {
          report('That playlist is gone: it was deleted elsewhere.');
          return null;
        }
        const { entries: _entries, ...summary } = detail;
        set((s) => ({
          playlists: s.playlists?.map((p) => (p.id === playlistId ? summary : p)) ?? null,
          detail: s.detail?.id === playlistId && editsInFlight === 0 ? detail : s.detail,
        }));
        return detail;
      } catch (err) {
        report(`Sleeve could not add to the playlist: ${messageOf(err)}`);
        return null;
      }
    },
    setSelection: (selection) => set({ selection }),
    async move(positions, to) {
      const { detail, selection } = get();
      if (!detail || positions.length === 0) return;
      let order: number[];
      try {
        order = moveOrder(detail.entries.length, positions, to);
      } catch {
        return; // A drag that began before the list changed under it.
      }
      const newPlace = new Map(order.map((old, i) => [old, i]));
      const moved = (p: number | null) => (p === null ? null : (newPlace.get(p) ?? p));
      set({
        detail: reordered(detail, order),
        selection: { ids: new Set(positions.map((p) => newPlace.get(p)!)), all: false, anchor: moved(selection.anchor), focus: moved(selection.focus) },
      });
      await queueEdit(detail.id, () => api.moveInPlaylist(detail.id, positions, to), 'move the entries');
    },
    async removeSelected() {
      const { detail, selection } = get();
      if (!detail) return;
      const positions = selectedPositions(selection, detail.entries.length);
      if (positions.length === 0) return;
      const rest = removeOrder(detail.entries.length, positions);
      // The focus stays where the first removed entry was, so the keyboard goes on from there; nothing is picked.
      const focus = rest.length === 0 ? null : Math.min(positions[0]!, rest.length - 1);
      set({ detail: reordered(detail, rest), selection: { ...NO_SELECTION, anchor: focus, focus } });
      await queueEdit(detail.id, () => api.removeFromPlaylist(detail.id, positions), 'remove the entries');
    },
    cancelPrompt: () => set({ prompt: null }),
    dismissReport: () => set({ report: null }),
    setMessage: (message) => set({ message }),
  },
}));

export const usePlaylistsActions = () => usePlaylistsStore((s) => s.actions);

/** Sends one edit after those before it; see editChain. */
function queueEdit(playlistId: number, send: () => Promise<PlaylistDetail | null>, what: string): Promise<void> {
  editsInFlight++;
  const run = async () => {
    const { actions } = usePlaylistsStore.getState();
    let answer: PlaylistDetail | null = null;
    let failed = false;
    try {
      answer = await send();
      if (!answer) {
        failed = true;
        report('That playlist is gone: it was deleted elsewhere.');
      }
    } catch (err) {
      failed = true;
      report(`Sleeve could not ${what}: ${messageOf(err)}`);
    } finally {
      editsInFlight--;
    }
    if (failed) {
      // What the screen shows is no longer what the app has: show the app's.
      usePlaylistsStore.setState({ selection: NO_SELECTION });
      await actions.load();
      return;
    }
    const { entries: _entries, ...summary } = answer!;
    usePlaylistsStore.setState((s) => ({
      playlists: s.playlists?.map((p) => (p.id === playlistId ? summary : p)) ?? null,
      detail: editsInFlight === 0 && s.detail?.id === playlistId ? answer : s.detail,
    }));
  };
  editChain = editChain.then(run, run);
  return editChain;
}
