import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { formatCount, formatDuration } from '../../../shared/format';
import { isFinished } from '../../../shared/jobs';
import type { AlbumKey, AlbumRow, Track, TrackSort } from '../../../shared/library';
import { api } from '../api';
import { isTyping, shortcut } from '../keys';
import { NO_SELECTION, selectedCount, type Selection } from '../selection';
import { useJobsStore } from '../stores/jobs';
import { useLibraryActions, useLibraryStore } from '../stores/library';
import { usePlaylistsActions } from '../stores/playlists';
import { tracksTarget, useWriteActions, useWriteContext } from '../stores/write';
import { useYearsActions } from '../stores/years';
import { libraryScope, yearTooltip } from '../years';
import { ActiveScan } from './ActiveScan';
import { AddToPlaylist } from './AddToPlaylist';
import { PathPrompt } from './PathPrompt';
import { VirtualTable, type Column } from './VirtualTable';
import { YearCell } from './YearCell';
import { useDebounced } from './useDebounced';
import { YearsJobCard } from './YearJobs';

const text = (value: string | number | null) => (value === null ? '' : String(value));
const trackId = (t: Track) => t.id;
/** Rows per request when Select All's ids are asked for (the Api's most). */
const ID_PAGE = 1000;

/** The Tracks columns; the Year cell edits in place, for the track being edited. */
function trackColumns(editing: number | null, onEdit: (id: number) => void, onDone: () => void): Column<Track>[] {
  return [
    { key: 'artist', label: 'Artist', width: 'minmax(120px, 1.2fr)', sortable: true, render: (t) => text(t.artist), title: (t) => t.artist ?? undefined },
    { key: 'album', label: 'Album', width: 'minmax(120px, 1.2fr)', sortable: true, render: (t) => text(t.album), title: (t) => t.album ?? undefined },
    { key: 'title', label: 'Title', width: 'minmax(140px, 1.6fr)', sortable: true, render: (t) => text(t.title), title: (t) => t.title ?? undefined },
    { key: 'track', label: '#', width: '44px', align: 'right', sortable: true, render: (t) => text(t.trackNumber) },
    {
      key: 'year',
      label: 'Year',
      width: '104px',
      sortable: true,
      render: (t) => <YearCell track={t} editing={editing === t.id} onEdit={onEdit} onDone={onDone} />,
      title: (t) => (editing === t.id ? undefined : yearTooltip(t)),
    },
    { key: 'format', label: 'Format', width: '64px', sortable: true, render: (t) => text(t.format) },
    { key: 'duration', label: 'Time', width: '56px', align: 'right', sortable: true, render: (t) => (t.durationMs === null ? '' : formatClock(t.durationMs)) },
    { key: 'path', label: 'Path', width: 'minmax(160px, 2fr)', sortable: true, render: (t) => t.path, title: (t) => t.path },
  ];
}

const ALBUM_COLUMNS: Column<AlbumRow>[] = [
  { key: 'artist', label: 'Album artist', width: 'minmax(140px, 1.4fr)', render: (a) => text(a.artist) || 'Unknown artist' },
  { key: 'title', label: 'Album', width: 'minmax(160px, 2fr)', render: (a) => albumName(a), title: (a) => a.folder ?? undefined },
  { key: 'year', label: 'Year', width: '56px', align: 'right', render: (a) => text(a.year) },
  { key: 'tracks', label: 'Tracks', width: '64px', align: 'right', render: (a) => formatCount(a.tracks) },
  { key: 'time', label: 'Time', width: '80px', align: 'right', render: (a) => formatDuration(a.durationMs) },
  { key: 'formats', label: 'Formats', width: '100px', render: (a) => a.formats },
];

const PROBLEM_COLUMNS: Column<Track>[] = [
  { key: 'path', label: 'Path', width: 'minmax(200px, 2fr)', render: (t) => t.path, title: (t) => t.path },
  { key: 'reason', label: 'Reason', width: 'minmax(200px, 2fr)', render: (t) => t.error ?? (t.status === 'missing' ? 'the file is no longer there' : ''), title: (t) => t.error ?? undefined },
];

/** An album's title, or for untagged tracks the folder they sit in. */
function albumName(album: AlbumKey): string {
  if (album.title) return album.title;
  return album.folder ? `${album.folder.split(/[\\/]/).pop()} (folder)` : 'Unknown album';
}

function formatClock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** children: actions on the selected rows, before the library-wide ones. picked: selected tracks, which Write Tags… writes. */
function Toolbar({ children, picked }: { children?: ReactNode; picked: number }) {
  const { mode, filter, stats, album, problems } = useLibraryStore();
  const actions = useLibraryActions();
  return (
    <div className="library-toolbar">
      <div className="segmented" role="tablist" aria-label="Library view">
        {(['tracks', 'albums'] as const).map((m) => (
          <button key={m} type="button" role="tab" aria-selected={mode === m} onClick={() => actions.setMode(m)}>
            {m === 'tracks' ? 'Tracks' : 'Albums'}
          </button>
        ))}
        <button type="button" role="tab" aria-selected={mode === 'problems'} onClick={() => actions.showProblems(problems)}>
          Problems{stats && stats.failed + stats.missing > 0 ? ` (${formatCount(stats.failed + stats.missing)})` : ''}
        </button>
      </div>
      <input
        type="search"
        className="filter"
        placeholder="Filter by title, artist, album or path"
        aria-label="Filter"
        value={filter}
        onChange={(e) => actions.setFilter(e.target.value)}
      />
      {album && mode === 'tracks' && (
        <span className="chip">
          {album.artist ?? 'Unknown artist'} — {albumName(album)}
          <button type="button" aria-label="Show all tracks" onClick={actions.closeAlbum}>
            ✕
          </button>
        </span>
      )}
      <span className="spacer" />
      {children}
      <WriteTagsButton picked={picked} />
      <FindYearsButton />
      <button type="button" onClick={() => void actions.addFolder()} title={`Add Folder… (${shortcut('O')})`}>
        Add Folder…
      </button>
      <button type="button" onClick={() => void actions.scan([])} disabled={!stats || stats.roots.length === 0} title="Rescan every folder">
        Rescan All
      </button>
    </div>
  );
}

/** Write Tags to Files…: the selected tracks, or every file. */
function WriteTagsButton({ picked }: { picked: number }) {
  const { showForContext } = useWriteActions();
  const what = picked > 0 ? `the ${formatCount(picked)} selected ${picked === 1 ? 'track' : 'tracks'}` : 'every file';
  return (
    <button type="button" onClick={() => void showForContext()} title={`Writes what Sleeve found into ${what}, after a preview (${shortcut('Shift+E')})`}>
      Write Tags…
    </button>
  );
}

/** Finds release years for the tracks in view: a filter or an open album narrows the run to them. */
function FindYearsButton() {
  const { mode, album, version } = useLibraryStore();
  const filter = useDebounced(useLibraryStore((s) => s.filter), 200);
  const { findYears } = useYearsActions();
  const scope = useMemo(() => libraryScope({ mode, filter, album }), [mode, filter, album]);
  const scopeKey = JSON.stringify(scope ?? null);
  const [count, setCount] = useState<{ key: string; tracks: number } | null>(null);
  const running = useJobsStore((s) => s.ids.some((id) => s.byId[id]?.kind === 'years' && !isFinished(s.byId[id]!.state)));

  useEffect(() => {
    if (!scope) return;
    let current = true;
    api.queryTracks({ filter: scope.filter, album: scope.album, limit: 1 }).then(
      (page) => current && setCount({ key: scopeKey, tracks: page.total }),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [scope, scopeKey, version]);

  const tracks = count?.key === scopeKey ? count.tracks : null;
  const label = !scope
    ? 'Find Release Years'
    : tracks === null
      ? 'Find Years for These Tracks'
      : `Find Years for ${formatCount(tracks)} ${tracks === 1 ? 'Track' : 'Tracks'}`;
  const hint = scope
    ? 'Looks up the original release year of the tracks in view'
    : 'Looks up the original release year of every track and listen';
  return (
    <button
      type="button"
      onClick={() => void findYears(scope)}
      disabled={running || tracks === 0}
      title={running ? 'Finding release years…' : `${hint} (${shortcut('Y')})`}
    >
      {label}
    </button>
  );
}

function StatsLine() {
  const stats = useLibraryStore((s) => s.stats);
  const { showProblems } = useLibraryActions();
  if (!stats) return null;
  return (
    <p className="stats-line" aria-label="Library totals">
      <span data-stat="tracks">{formatCount(stats.tracks)} tracks</span> · <span data-stat="albums">{formatCount(stats.albums)} albums</span>
      {stats.failed > 0 && (
        <>
          {' · '}
          <button type="button" className="link" data-stat="failed" onClick={() => showProblems('failed')}>
            {formatCount(stats.failed)} failed
          </button>
        </>
      )}
      {stats.missing > 0 && (
        <>
          {' · '}
          <button type="button" className="link" data-stat="missing" onClick={() => showProblems('missing')}>
            {formatCount(stats.missing)} missing
          </button>
        </>
      )}
    </p>
  );
}

function EmptyLibrary() {
  const { addFolder } = useLibraryActions();
  return (
    <div className="empty-library">
      <h2>Your library is empty</h2>
      <p>Drop music folders anywhere on this window, or choose them.</p>
      <button type="button" className="primary" onClick={() => void addFolder()}>
        Add Folder…
      </button>
      <p className="hint">{shortcut('O')} · Sleeve reads tags only; it changes no file until you ask it to.</p>
    </div>
  );
}

export function LibraryView() {
  const { mode, sort, descending, album, problems, version, stats, askingForPath } = useLibraryStore();
  const actions = useLibraryActions();
  const filter = useDebounced(useLibraryStore((s) => s.filter), 200);
  const [totals, setTotals] = useState({ key: '', total: 0 });
  const [editing, setEditing] = useState<number | null>(null);
  const stopEditing = useCallback(() => setEditing(null), []);
  const columns = useMemo(() => trackColumns(editing, setEditing, stopEditing), [editing, stopEditing]);

  const queryKey = JSON.stringify({ mode, sort, descending, album, problems, filter });
  const loadTracks = useCallback(
    async (offset: number, limit: number) => {
      const status = mode === 'problems' ? problems : undefined;
      // An opened album narrows the Tracks view only, not the list of problems.
      const inAlbum = mode === 'tracks' && album ? album : undefined;
      const page = await api.queryTracks({ filter, sort, descending, album: inAlbum, status, offset, limit });
      setTotals({ key: queryKey, total: page.total });
      return page.tracks;
    },
    [mode, problems, filter, sort, descending, album, queryKey],
  );
  const loadAlbums = useCallback(
    async (offset: number, limit: number) => {
      const page = await api.queryAlbums({ filter, offset, limit });
      setTotals({ key: queryKey, total: page.total });
      return page.albums;
    },
    [filter, queryKey],
  );
  // The first page tells the total; ask for it whenever the query or the library changes.
  useEffect(() => {
    if (mode === 'albums') void loadAlbums(0, 1);
    else void loadTracks(0, 1);
  }, [mode, loadAlbums, loadTracks, version]);
  const total = totals.key === queryKey ? totals.total : 0;
  // Another query shows other rows: an open editor would edit one out of sight.
  useEffect(() => setEditing(null), [queryKey]);

  // Tracks picked for Add to Playlist…, by id; another query starts with none.
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  useEffect(() => setSelection(NO_SELECTION), [queryKey]);
  const [adding, setAdding] = useState(false);
  // "Added 3 tracks to Road Trip", until dismissed, replaced by the next, or the view is left.
  const [added, setAdded] = useState<{ id: number; text: string } | null>(null);
  const selectable = mode === 'tracks';
  const picked = selectable ? selectedCount(selection, total) : 0;
  const trackIds = useCallback(async (): Promise<number[]> => {
    if (!selection.all) return [...selection.ids];
    // Select All knows the exceptions only: ask for the rest, a page at a time, in the table's order.
    const ids: number[] = [];
    for (let offset = 0; offset < total; offset += ID_PAGE) {
      const page = await loadTracks(offset, ID_PAGE);
      for (const t of page) if (!selection.ids.has(t.id)) ids.push(t.id);
      if (page.length < ID_PAGE) break;
    }
    return ids;
  }, [selection, total, loadTracks]);

  // Write Tags… (its button, its key, the menu) writes the selected tracks.
  const writeTarget = useCallback(async () => tracksTarget(await trackIds()), [trackIds]);
  useWriteContext(picked > 0 ? writeTarget : null);

  // Ctrl/Cmd+Shift+A: Add to Playlist… for the selected tracks.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || !event.shiftKey || event.altKey || event.key.toLowerCase() !== 'a' || isTyping(event.target)) return;
      if (!selectable) return;
      event.preventDefault();
      if (picked > 0) setAdding(true);
      else actions.setNotice('Select the tracks to add first: click, Shift-click or Ctrl-click rows, or Ctrl+A in the table.');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selectable, picked, actions]);
  const playlists = usePlaylistsActions();

  const scanning = useJobsStore((s) => s.ids.some((id) => s.byId[id]?.kind === 'scan' && (s.byId[id]?.state === 'running' || s.byId[id]?.state === 'queued')));
  // While a first scan runs, show the table it fills rather than the empty-library welcome.
  const emptyLibrary = !scanning && stats !== null && stats.tracks + stats.failed + stats.missing === 0;
  const table = useMemo(() => {
    if (mode === 'albums') {
      return (
        <VirtualTable<AlbumRow>
          label="Albums"
          columns={ALBUM_COLUMNS}
          total={total}
          loadPage={loadAlbums}
          version={version}
          queryKey={queryKey}
          rowKey={(a) => `${a.artist}\u0000${a.title}\u0000${a.folder}`}
          onActivate={(a) => actions.openAlbum(a)}
        />
      );
    }
    return (
      <VirtualTable<Track>
        label={mode === 'problems' ? 'Problems' : 'Tracks'}
        columns={mode === 'problems' ? PROBLEM_COLUMNS : columns}
        total={total}
        loadPage={loadTracks}
        version={version}
        queryKey={queryKey}
        sortedBy={mode === 'problems' ? undefined : sort}
        descending={descending}
        onSort={mode === 'problems' ? undefined : (key) => actions.sortBy(key as TrackSort)}
        rowKey={(t) => t.id}
        onEdit={mode === 'problems' ? undefined : (t) => setEditing(t.id)}
        {...(mode === 'tracks' ? { selection, onSelection: setSelection, rowId: trackId } : {})}
      />
    );
  }, [mode, total, loadAlbums, loadTracks, version, queryKey, sort, descending, actions, columns, selection]);

  return (
    <section className="panel library" aria-labelledby="library-heading">
      <header className="panel-head">
        <h1 id="library-heading">Library</h1>
        <StatsLine />
      </header>
      <ActiveScan />
      <YearsJobCard />
      {askingForPath && <PathPrompt onScan={(paths) => void actions.scan(paths)} onCancel={actions.cancelPathPrompt} />}
      {emptyLibrary ? (
        <EmptyLibrary />
      ) : (
        <>
          <Toolbar picked={picked}>
            {selectable && (
              <>
                {picked > 0 && (
                  <span className="selection-count muted" data-selected={picked}>
                    {formatCount(picked)} selected
                  </span>
                )}
                <AddToPlaylist
                  count={picked}
                  open={adding}
                  setOpen={setAdding}
                  trackIds={trackIds}
                  onAdded={(playlist, n) =>
                    setAdded({ id: playlist.id, text: `Added ${formatCount(n)} ${n === 1 ? 'track' : 'tracks'} to ${playlist.name}` })
                  }
                />
              </>
            )}
          </Toolbar>
          {added && (
            <div className="banner banner-info" role="status" aria-label="Added to playlist">
              <span>{added.text}</span>
              <span className="banner-actions">
                <button
                  type="button"
                  onClick={() => {
                    void playlists.select(added.id);
                    location.hash = '#playlists';
                  }}
                >
                  Show Playlist
                </button>
                <button type="button" onClick={() => setAdded(null)}>
                  Dismiss
                </button>
              </span>
            </div>
          )}
          {mode === 'problems' && (
            <div className="segmented small" role="tablist" aria-label="Problem kind">
              {(['failed', 'missing'] as const).map((kind) => (
                <button key={kind} type="button" role="tab" aria-selected={problems === kind} onClick={() => actions.showProblems(kind)}>
                  {kind === 'failed' ? 'Could not read' : 'Missing files'}
                </button>
              ))}
            </div>
          )}
          {table}
        </>
      )}
    </section>
  );
}
