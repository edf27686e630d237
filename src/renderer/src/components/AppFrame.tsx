import { useCallback, useEffect, useState } from 'react';
import type { AppInfo } from '../../../shared/api';
import { api } from '../api';
import { useFolderDrop } from '../import/useFolderDrop';
import { sortOpenedPaths } from '../../../shared/opened-paths';
import { isTyping } from '../keys';
import { useAlbumsActions, useAlbumsStore } from '../stores/albums';
import { useConnectionState } from '../stores/connection';
import { useJobsStore } from '../stores/jobs';
import { useLibraryActions, useLibraryStore } from '../stores/library';
import { usePlaylistsActions, usePlaylistsStore } from '../stores/playlists';
import { useSyncActions } from '../stores/sync';
import { useWriteActions } from '../stores/write';
import { useYearsActions } from '../stores/years';
import { libraryScope } from '../years';
import { AlbumsView } from './AlbumsView';
import { ErrorBanner } from './ErrorBanner';
import { JobsPanel } from './JobsPanel';
import { LibraryView } from './LibraryView';
import { PlaylistsView } from './PlaylistsView';
import { SettingsView } from './SettingsView';
import { SyncDialog } from './SyncDialog';
import { WriteDialog } from './WriteDialog';
import { YearsView } from './YearsView';

const CONNECTION_LABEL = { connecting: 'Connecting…', open: 'Connected', closed: 'Disconnected, retrying…' } as const;
const SECTIONS = { library: 'Library', albums: 'Albums', playlists: 'Playlists', years: 'Years', jobs: 'Jobs', settings: 'Settings' } as const;
type Section = keyof typeof SECTIONS;

const sectionFromHash = (): Section => {
  const name = location.hash.slice(1);
  return name in SECTIONS ? (name as Section) : 'library';
};

export function AppFrame() {
  const connection = useConnectionState();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [section, setSection] = useState<Section>(sectionFromHash);
  const runningJobs = useJobsStore((s) => s.ids.filter((id) => s.byId[id]?.state === 'running').length);
  const notice = useLibraryStore((s) => s.notice);
  const library = useLibraryActions();
  const years = useYearsActions();
  const albums = useAlbumsActions();
  const playlists = usePlaylistsActions();
  const sync = useSyncActions();
  const write = useWriteActions();
  const inReview = useAlbumsStore((s) => s.stats?.review ?? 0);

  /** Find Release Years from a key or the menu: the Library's view narrows it, as its button does. */
  const findYears = useCallback(() => {
    const scope = section === 'library' ? libraryScope(useLibraryStore.getState()) : undefined;
    void years.findYears(scope);
  }, [section, years]);

  /** Enrich from a key or the menu: the Albums view's selection narrows it; the view shows the run. */
  const enrich = useCallback(async () => {
    const { selection } = useAlbumsStore.getState();
    const some = section === 'albums' && (selection.all || selection.ids.size > 0);
    location.hash = '#albums';
    await albums.enrich(some ? { albumIds: await albums.selectedIds() } : undefined);
  }, [section, albums]);

  /** Playlists → Sync…: the playlist in view comes ticked. */
  const openSync = useCallback(async () => {
    const { playlists: known, selectedId } = usePlaylistsStore.getState();
    if (known === null) await playlists.load();
    await sync.show(selectedId !== null ? [selectedId] : []);
  }, [playlists, sync]);

  useEffect(() => {
    api.appInfo().then(setInfo, () => undefined);
    const onHash = () => setSection(sectionFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Ctrl/Cmd+O, +Shift+O, +Shift+S, +Y, +E, +Shift+E and +, in the browser; in the desktop app the menu's accelerators answer first.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === 'o' && !event.shiftKey) {
        event.preventDefault();
        void library.addFolder();
      } else if (key === 'o' && event.shiftKey) {
        event.preventDefault();
        location.hash = '#playlists';
        void playlists.importPlaylists();
      } else if (key === 's' && event.shiftKey) {
        event.preventDefault();
        void openSync();
      } else if (key === 'y' && !event.shiftKey && !isTyping(event.target)) {
        event.preventDefault();
        findYears();
      } else if (key === 'e' && !event.shiftKey && !isTyping(event.target)) {
        event.preventDefault();
        void enrich();
      } else if (key === 'e' && event.shiftKey) {
        // Write Tags to Files…: the view's selection, else every file.
        event.preventDefault();
        void write.showForContext();
      } else if (event.key === ',') {
        event.preventDefault();
        location.hash = '#settings';
      }
    };
    // The desktop menu's commands that depend on what the page shows arrive as this event.
    const onCommand = (event: Event) => {
      const command = (event as CustomEvent<string>).detail;
      if (command === 'find-years') findYears();
      else if (command === 'enrich') void enrich();
      // The menu imported already; the page shows what came in.
      else if (command === 'sync') void openSync();
      else if (command === 'write-tags') void write.showForContext();
      else if (command === 'playlists-changed') void playlists.load({ newest: true });
      // New Playlist… from the menu: the Playlists view asks for the name.
      else if (command === 'new-playlist') {
        location.hash = '#playlists';
        playlists.startCreate();
      }
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('sleeve:command', onCommand);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('sleeve:command', onCommand);
    };
  }, [library, playlists, write, findYears, enrich, openSync]);

  /** Dropped on the window or opened from outside (the desktop app's launch, a file association): folders and audio are scanned, playlists imported with their report. */
  const onPaths = useCallback(
    (paths: string[]) => {
      const opened = sortOpenedPaths(paths);
      if (opened.scan.length > 0) void library.scan(opened.scan);
      if (opened.playlists.length > 0) {
        location.hash = '#playlists';
        void playlists.importFrom(opened.playlists);
      }
    },
    [library, playlists],
  );
  useEffect(() => {
    // The desktop shell queues paths on the window, so ones sent before this listener existed are not lost.
    const take = () => {
      const queued = window.__sleeveOpened ?? [];
      window.__sleeveOpened = [];
      if (queued.length > 0) onPaths(queued);
    };
    take();
    window.addEventListener('sleeve:opened', take);
    return () => window.removeEventListener('sleeve:opened', take);
  }, [onPaths]);
  const onUnresolved = useCallback(
    (count: number) =>
      library.setNotice(
        `Your browser did not say where the ${count === 1 ? 'dropped item is' : `${count} dropped items are`}. ` +
          'Drag from a file manager that sends file:// links, or use Add Folder… and type the path.',
      ),
    [library],
  );
  const dragging = useFolderDrop(onPaths, onUnresolved);

  return (
    <div className="frame">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">Sleeve</div>
        <ul>
          {(Object.keys(SECTIONS) as Section[]).map((key) => (
            <li key={key}>
              <a href={`#${key}`} aria-current={section === key ? 'page' : undefined}>
                {SECTIONS[key]}
                {key === 'jobs' && runningJobs > 0 && <span className="badge">{runningJobs}</span>}
                {key === 'albums' && inReview > 0 && (
                  <span className="badge" title={`${inReview} waiting for review`}>
                    {inReview}
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
        <footer className="sidebar-foot">
          <span className={`connection connection-${connection}`}>{CONNECTION_LABEL[connection]}</span>
          {info && (
            <span className="library-path" title={info.libraryPath}>
              {/* bdi keeps the path left-to-right inside the right-to-left box that puts the ellipsis first. */}
              <bdi>{info.libraryPath}</bdi>
            </span>
          )}
          {info && <span className="version">v{info.version}</span>}
        </footer>
      </nav>
      <main className="content">
        {notice && <ErrorBanner message={notice} onDismiss={() => library.setNotice(null)} />}
        {section === 'library' ? (
          <LibraryView />
        ) : section === 'albums' ? (
          <AlbumsView />
        ) : section === 'playlists' ? (
          <PlaylistsView />
        ) : section === 'years' ? (
          <YearsView />
        ) : section === 'jobs' ? (
          <JobsPanel />
        ) : (
          <SettingsView />
        )}
      </main>
      <SyncDialog />
      <WriteDialog />
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div>Drop music folders or files to add them</div>
        </div>
      )}
    </div>
  );
}
