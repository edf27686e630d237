import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type CSSProperties, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { formatCount } from '../../../shared/format';
import { dropTarget, stepTarget } from '../../../shared/playlist-edits';
import type { PlaylistDetail, PlaylistEntry, PlaylistImportResult, PlaylistSummary, Resolution } from '../../../shared/playlists';
import { shortcut } from '../keys';
import { isSelected, moveFocus, NO_SELECTION, nextIndex, selectAll, selectOne, selectRange, toggleOne, type Selection } from '../selection';
import { useLibraryStore } from '../stores/library';
import { selectedPositions, usePlaylistsActions, usePlaylistsStore } from '../stores/playlists';
import { PlaylistNameForm } from './AddToPlaylist';
import { PathPrompt } from './PathPrompt';

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function formatClock(seconds: number): string {
  const s = Math.round(seconds);
  const clock = `${Math.floor((s % 3600) / 60)}:${String(s % 60).padStart(2, '0')}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${clock.padStart(5, '0')}` : clock;
}

const FOUND: Record<Resolution, { label: string; title: string }> = {
  path: { label: 'path', title: 'Found at the path the playlist wrote' },
  relative: { label: 'relative', title: "Found at the path taken relative to the playlist's folder" },
  tags: { label: 'tags', title: 'Found by its tags: the path led nowhere here (the file moved, or the playlist came from another machine)' },
  missing: { label: 'missing', title: 'No track in the library fits this entry' },
};

const countsText = (r: PlaylistImportResult) => {
  const c = r.counts;
  const total = c.path + c.relative + c.tags + c.missing;
  return `${plural(total, 'entry', 'entries')}: ${formatCount(c.path)} by path, ${formatCount(c.relative)} relative, ${formatCount(c.tags)} by tags, ${formatCount(c.missing)} missing`;
};

/** Enough of what went missing to recognise it; the playlist itself lists every entry. */
const REPORT_MISSING = 5;

function ImportReport({ results, onDismiss }: { results: PlaylistImportResult[]; onDismiss(): void }) {
  return (
    <div className="banner banner-info import-report" role="status" aria-label="Import report">
      <div className="report-body">
        {results.map((r) => (
          <div key={r.playlist.id} className="report-item" data-playlist={r.playlist.name}>
            <div>
              <strong>{r.playlist.name}</strong> {r.created ? 'imported' : 'updated'}: <span data-counts>{countsText(r)}</span>
            </div>
            {r.missing.length > 0 && (
              <ul className="report-lines" aria-label={`Missing entries of ${r.playlist.name}`}>
                {r.missing.slice(0, REPORT_MISSING).map((m) => (
                  <li key={m.line}>
                    <span className="report-line">line {m.line}</span>
                    {/* The file name says most: a path too long for the line loses its start, not its end. */}
                    <code className="path-tail" title={m.location}>
                      <bdi>{m.location}</bdi>
                    </code>
                    <span className="muted">{m.reason}</span>
                  </li>
                ))}
                {r.missing.length > REPORT_MISSING && <li className="muted">and {formatCount(r.missing.length - REPORT_MISSING)} more, greyed in the list</li>}
              </ul>
            )}
            {r.problems.length > 0 && (
              <ul className="report-lines" aria-label={`Lines of ${r.playlist.name} read with a problem`}>
                {r.problems.slice(0, REPORT_MISSING).map((p) => (
                  <li key={p.line}>
                    <span className="report-line">line {p.line}</span>
                    <span className="muted">{p.reason}</span>
                  </li>
                ))}
                {r.problems.length > REPORT_MISSING && <li className="muted">and {formatCount(r.problems.length - REPORT_MISSING)} more</li>}
              </ul>
            )}
          </div>
        ))}
      </div>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function PlaylistList({ playlists, selectedId, onRename }: { playlists: PlaylistSummary[]; selectedId: number | null; onRename(): void }) {
  const { select } = usePlaylistsActions();
  const optionId = (id: number) => `playlist-option-${id}`;

  useEffect(() => {
    if (selectedId !== null) document.getElementById(optionId(selectedId))?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (playlists.length === 0) return;
    const at = playlists.findIndex((p) => p.id === selectedId);
    let next: number | null = null;
    if (event.key === 'ArrowDown') next = Math.min(playlists.length - 1, at + 1);
    else if (event.key === 'ArrowUp') next = Math.max(0, at - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = playlists.length - 1;
    else if (event.key === 'F2' && at >= 0) {
      event.preventDefault();
      onRename();
      return;
    }
    if (next === null) return;
    event.preventDefault();
    if (next !== at) void select(playlists[next]!.id);
  };

  return (
    <ul
      className="playlist-list"
      role="listbox"
      aria-label="Playlists"
      tabIndex={0}
      aria-activedescendant={selectedId !== null ? optionId(selectedId) : undefined}
      onKeyDown={onKeyDown}
    >
      {playlists.map((p) => (
        <li key={p.id} id={optionId(p.id)} role="option" aria-selected={p.id === selectedId} data-playlist-id={p.id} onClick={() => void select(p.id)}>
          <span className="playlist-name" title={p.sourcePath ?? undefined}>
            {p.name}
          </span>
          <span className="playlist-meta">
            {plural(p.entryCount, 'entry', 'entries')}
            {p.missingCount > 0 && (
              <span className="missing-badge" title={`${plural(p.missingCount, 'entry', 'entries')} with no track in the library`}>
                {formatCount(p.missingCount)} missing
              </span>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Up to this many entries render as plain rows; longer playlists only render what is in view. */
const PLAIN_ROWS = 2000;
const ROW_HEIGHT = 28;
const ENTRY_COLUMNS = '30px minmax(120px, 2fr) minmax(90px, 1.3fr) minmax(90px, 1.3fr) 52px 72px';

const extinfText = ({ extinf }: PlaylistEntry) =>
  extinf.artist && extinf.title ? `${extinf.artist} – ${extinf.title}` : (extinf.title ?? extinf.artist ?? 'no #EXTINF line');

/** The drag of entries within a playlist; no other drop target knows it, and the window's folder drop ignores it. */
const ENTRY_DRAG_TYPE = 'application/x-sleeve-entries';

interface RowProps {
  entry: PlaylistEntry;
  style?: CSSProperties;
  selected: boolean;
  focused: boolean;
  /** A drop would land before this row, or (the last row only) after it. */
  drop: 'before' | 'after' | null;
  onPick(event: MouseEvent, position: number): void;
  onDragStart(event: DragEvent, position: number): void;
}

const rowDomId = (position: number) => `entry-row-${position}`;

function EntryRow({ entry, style, selected, focused, drop, onPick, onDragStart }: RowProps) {
  const { track, resolution } = entry;
  const where = entry.line !== null ? `Line ${entry.line}: ${entry.location}` : entry.location;
  const seconds = track && track.durationMs !== null ? track.durationMs / 1000 : entry.extinf.durationSeconds;
  const classes = ['entry-row', entry.position % 2 ? 'odd' : '', track ? '' : 'missing', selected ? 'selected' : '', focused ? 'focused' : '', drop ? `drop-${drop}` : ''];
  return (
    <div
      id={rowDomId(entry.position)}
      role="row"
      aria-rowindex={entry.position + 2}
      aria-selected={selected}
      className={classes.filter(Boolean).join(' ')}
      data-resolution={resolution}
      data-position={entry.position}
      style={{ gridTemplateColumns: ENTRY_COLUMNS, ...style }}
      title={where}
      draggable
      onMouseDown={(e) => {
        // Shift-click picks rows, not the text between two clicks.
        if (e.shiftKey) e.preventDefault();
      }}
      onClick={(e) => onPick(e, entry.position)}
      onDragStart={(e) => onDragStart(e, entry.position)}
    >
      <div role="gridcell" className="entry-cell right muted">
        {entry.position + 1}
      </div>
      {track ? (
        <>
          <div role="gridcell" className="entry-cell">
            {track.title ?? entry.extinf.title ?? track.path.split(/[\\/]/).pop()}
          </div>
          <div role="gridcell" className="entry-cell">
            {track.artist ?? ''}
          </div>
          <div role="gridcell" className="entry-cell">
            {track.album ?? ''}
          </div>
        </>
      ) : (
        // A missing entry has no title, artist or album of its own: what the playlist wrote stands in for them.
        <div role="gridcell" aria-colspan={3} className="entry-cell entry-written">
          <span className="entry-extinf">{extinfText(entry)}</span>
          <code className="entry-location path-tail">
            <bdi>{entry.location}</bdi>
          </code>
        </div>
      )}
      <div role="gridcell" className="entry-cell right">
        {seconds !== null && seconds >= 0 ? formatClock(seconds) : ''}
      </div>
      <div role="gridcell" className="entry-cell">
        <span className={`found-badge found-${resolution}`} data-found={resolution} title={FOUND[resolution].title}>
          {FOUND[resolution].label}
        </span>
      </div>
    </div>
  );
}

/**
 * The entries, to pick and put in order as in a file manager: click,
 * Shift- and Ctrl/Cmd-click, the arrows (with Shift, Ctrl), Space, Ctrl+A,
 * Escape; drag the picked entries to a line between two rows, or move them
 * with Alt+ArrowUp and Alt+ArrowDown; Delete or Backspace removes them.
 */
function EntryTable({ detail, selection }: { detail: PlaylistDetail; selection: Selection }) {
  const { entries } = detail;
  const count = entries.length;
  const actions = usePlaylistsActions();
  const virtual = count > PLAIN_ROWS;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: virtual ? count : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  /** The positions being dragged; null when no drag of entries is on. */
  const dragging = useRef<number[] | null>(null);
  /** The gap a drop would land in: before the entry at this position, or count for after the last. */
  const [gap, setGap] = useState<number | null>(null);
  const focus = selection.focus !== null && selection.focus < count ? selection.focus : null;

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [detail.id]);

  // The keyboard's row stays in view, wherever an edit or a key took it.
  useEffect(() => {
    if (focus === null) return;
    if (virtual) virtualizer.scrollToIndex(focus, { align: 'auto' });
    else document.getElementById(rowDomId(focus))?.scrollIntoView({ block: 'nearest' });
  }, [focus, virtual, virtualizer, entries]);

  /**
   * The selection and entries as the store has them now: a second key may
   * come before React has shown what the first one did, and must work on
   * that, not on what this render saw.
   */
  const live = () => {
    const state = usePlaylistsStore.getState();
    const n = state.detail?.id === detail.id ? state.detail.entries.length : count;
    const sel = state.selection;
    return { sel, n, at: sel.focus !== null && sel.focus < n ? sel.focus : null };
  };
  const rangeIds = (from: number, to: number) => Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => Math.min(from, to) + i);

  const pick = (position: number, how: { range?: boolean; toggle?: boolean; focusOnly?: boolean }) => {
    const { sel } = live();
    if (how.focusOnly) actions.setSelection(moveFocus(sel, position));
    else if (how.range) actions.setSelection(selectRange(sel, position, rangeIds(sel.anchor ?? position, position), Boolean(how.toggle)));
    else if (how.toggle) actions.setSelection(toggleOne(sel, position, position));
    else actions.setSelection(selectOne(position, position));
  };

  const onPick = (event: MouseEvent, position: number) => {
    scrollRef.current?.focus({ preventScroll: true });
    pick(position, { range: event.shiftKey, toggle: event.ctrlKey || event.metaKey });
  };

  /** Alt+arrow: the selection (or the row the keyboard is on) one place up or down. */
  const step = (by: -1 | 1) => {
    const { sel, n, at } = live();
    const chosen = selectedPositions(sel, n);
    const positions = chosen.length > 0 ? chosen : at !== null ? [at] : [];
    if (positions.length === 0) return;
    if (chosen.length === 0) actions.setSelection(selectOne(at!, at!));
    const to = stepTarget(n, positions, by);
    if (to !== null) void actions.move(positions, to);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const { sel, n, at } = live();
    if (n === 0) return;
    const ctrl = event.ctrlKey || event.metaKey;
    if (event.altKey && !ctrl && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      step(event.key === 'ArrowUp' ? -1 : 1);
      return;
    }
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      if (selectedPositions(sel, n).length > 0) void actions.removeSelected();
      return;
    }
    if (ctrl && !event.altKey && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      actions.setSelection(selectAll(sel));
      return;
    }
    if (event.key === 'Escape' && (sel.all || sel.ids.size > 0)) {
      event.preventDefault();
      actions.setSelection({ ...NO_SELECTION, anchor: at, focus: at });
      return;
    }
    if (event.key === ' ' && at !== null) {
      event.preventDefault();
      pick(at, { toggle: true });
      return;
    }
    if (event.altKey) return;
    const rows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const next = nextIndex(event.key, at, n, rows);
    if (next === null) return;
    event.preventDefault();
    pick(next, { range: event.shiftKey, toggle: ctrl && event.shiftKey, focusOnly: ctrl && !event.shiftKey });
  };

  const onDragStart = (event: DragEvent, position: number) => {
    const { sel, n } = live();
    // A row outside the selection is dragged alone, and becomes the selection.
    const inSelection = isSelected(sel, position);
    const positions = inSelection ? selectedPositions(sel, n) : [position];
    if (!inSelection) actions.setSelection(selectOne(position, position));
    dragging.current = positions;
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData(ENTRY_DRAG_TYPE, JSON.stringify(positions));
  };

  const onDragOver = (event: DragEvent) => {
    if (!dragging.current) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-position]');
    let next = count;
    if (row) {
      const position = Number(row.dataset.position);
      const box = row.getBoundingClientRect();
      next = event.clientY < box.top + box.height / 2 ? position : position + 1;
    }
    if (next !== gap) setGap(next);
  };

  const onDrop = (event: DragEvent) => {
    const positions = dragging.current;
    if (!positions) return;
    event.preventDefault();
    const { n } = live();
    let to: number | null = null;
    try {
      to = dropTarget(n, positions, gap ?? n);
    } catch {
      // The list changed under the drag (another window edited it): nothing to move.
    }
    dragging.current = null;
    setGap(null);
    if (to !== null) void actions.move(positions, to);
  };

  const endDrag = () => {
    dragging.current = null;
    setGap(null);
  };

  const rowProps = (entry: PlaylistEntry) => ({
    entry,
    selected: isSelected(selection, entry.position),
    focused: focus === entry.position,
    drop: gap === null ? null : gap === entry.position ? ('before' as const) : gap === count && entry.position === count - 1 ? ('after' as const) : null,
    onPick,
    onDragStart,
  });

  return (
    <div className="entries" role="grid" aria-multiselectable="true" aria-label={`Entries of ${detail.name}`} aria-rowcount={count + 1}>
      <div className="entries-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: ENTRY_COLUMNS }}>
        <div role="columnheader" className="entry-cell right">
          #
        </div>
        <div role="columnheader" className="entry-cell">
          Title
        </div>
        <div role="columnheader" className="entry-cell">
          Artist
        </div>
        <div role="columnheader" className="entry-cell">
          Album
        </div>
        <div role="columnheader" className="entry-cell right">
          Time
        </div>
        <div role="columnheader" className="entry-cell">
          Found by
        </div>
      </div>
      <div
        className="entries-body"
        ref={scrollRef}
        role="rowgroup"
        tabIndex={0}
        aria-activedescendant={focus !== null ? rowDomId(focus) : undefined}
        onKeyDown={onKeyDown}
        onDragOver={onDragOver}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setGap(null);
        }}
        onDrop={onDrop}
        onDragEnd={endDrag}
      >
        {count === 0 ? (
          <p className="empty entries-empty">
            This playlist has no entries. Add some from the Library: select tracks there, then Add to Playlist… ({shortcut('Shift+A')}).
          </p>
        ) : virtual ? (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => (
              <EntryRow
                key={item.index}
                {...rowProps(entries[item.index]!)}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
              />
            ))}
          </div>
        ) : (
          entries.map((entry) => <EntryRow key={entry.position} {...rowProps(entry)} />)
        )}
      </div>
    </div>
  );
}

/** An armed Delete waits this long for its second click, then stands down. */
const CONFIRM_MS = 5000;

function PlaylistPane({ detail, renaming, setRenaming }: { detail: PlaylistDetail; renaming: boolean; setRenaming(on: boolean): void }) {
  const actions = usePlaylistsActions();
  const selection = usePlaylistsStore((s) => s.selection);
  const [name, setName] = useState(detail.name);
  const [armed, setArmed] = useState(false);
  const picked = selectedPositions(selection, detail.entries.length).length;

  useEffect(() => {
    if (renaming) setName(detail.name);
  }, [renaming, detail.name]);

  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [armed]);

  const save = async () => {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed === detail.name) {
      setRenaming(false);
      return;
    }
    if (await actions.rename(detail.id, trimmed)) setRenaming(false);
  };

  const seconds = detail.entries.reduce((sum, e) => sum + (e.track?.durationMs ?? 0) / 1000, 0);
  return (
    <div className="playlist-pane">
      <div className="playlist-head">
        <div className="playlist-title">
          {renaming ? (
            <input
              className="rename-input"
              aria-label="Playlist name"
              autoFocus
              value={name}
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void save();
                } else if (e.key === 'Escape') {
                  e.preventDefault();
                  setRenaming(false);
                }
              }}
              // Leaving the field is not a decision to rename: only Enter saves.
              onBlur={() => setRenaming(false)}
            />
          ) : (
            <h2 id="playlist-heading">{detail.name}</h2>
          )}
          <p className="playlist-facts muted">
            <span>
              {plural(detail.entryCount, 'entry', 'entries')}
              {detail.missingCount > 0 && <> · {formatCount(detail.missingCount)} missing</>}
              {seconds > 0 && <> · {formatClock(seconds)}</>}
              {picked > 0 && <span data-selected={picked}> · {formatCount(picked)} selected</span>}
              {detail.sourcePath && ' · from'}
            </span>
            {detail.sourcePath && (
              <code className="playlist-source path-tail" title={detail.sourcePath}>
                <bdi>{detail.sourcePath}</bdi>
              </code>
            )}
          </p>
        </div>
        <div className="actions">
          <button
            type="button"
            onClick={() => void actions.removeSelected()}
            disabled={picked === 0}
            title={
              picked === 0
                ? 'Select entries to remove them (click, Shift-click, Ctrl-click)'
                : `Removes the ${plural(picked, 'selected entry', 'selected entries')} from this playlist (Delete); the tracks stay in the library`
            }
          >
            Remove
          </button>
          <button type="button" onClick={() => void actions.exportSelected()} title="Writes the playlist as M3U8, each path relative to where it is saved">
            Export M3U8…
          </button>
          <button type="button" onClick={() => setRenaming(true)} disabled={renaming} title="Rename the playlist (F2 in the list)">
            Rename…
          </button>
          {armed ? (
            <button type="button" className="danger" autoFocus onClick={() => void actions.remove(detail.id)} onBlur={() => setArmed(false)}>
              Delete — sure?
            </button>
          ) : (
            <button type="button" onClick={() => setArmed(true)} title="Removes the playlist from Sleeve; its file and your music stay">
              Delete
            </button>
          )}
        </div>
      </div>
      <EntryTable detail={detail} selection={selection} />
    </div>
  );
}

function EmptyPlaylists() {
  const { importPlaylists, startCreate } = usePlaylistsActions();
  return (
    <div className="empty-library">
      <h2>No playlists yet</h2>
      <p>Import Playlists… reads M3U and M3U8 files and finds each entry in your library: by its path, relative to the playlist, or by its tags when the file moved.</p>
      <p>Or make one here and add tracks to it from the Library.</p>
      <div className="empty-actions">
        <button type="button" onClick={startCreate}>
          New Playlist…
        </button>
        <button type="button" className="primary" onClick={() => void importPlaylists()}>
          Import Playlists…
        </button>
      </div>
    </div>
  );
}

/** Playlists: M3U and M3U8 files read into the library, each entry matched to a track or kept as written. */
export function PlaylistsView() {
  const { playlists, selectedId, detail, prompt, importing, report, message } = usePlaylistsStore();
  const actions = usePlaylistsActions();
  // Bumped on every library change and after a reconnect: a scan may bring a missing entry's file.
  const version = useLibraryStore((s) => s.version);
  const [renaming, setRenaming] = useState(false);

  useEffect(() => void actions.load(), [actions, version]);
  useEffect(() => setRenaming(false), [selectedId]);

  const selected = detail && detail.id === selectedId ? detail : null;
  return (
    <section className="panel playlists" aria-labelledby="playlists-heading">
      <header className="panel-head">
        <h1 id="playlists-heading">Playlists</h1>
        <div className="actions">
          <button
            type="button"
            // The dialog belongs to the frame, as the menu's Playlists → Sync… does.
            onClick={() => window.dispatchEvent(new CustomEvent('sleeve:command', { detail: 'sync' }))}
            title={`Plan and apply a sync to Spotify or a folder (${shortcut('Shift+S')})`}
          >
            Sync…
          </button>
          <button type="button" onClick={actions.startCreate} disabled={prompt === 'create'} title="Makes an empty playlist; add tracks to it from the Library">
            New Playlist…
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void actions.importPlaylists()}
            disabled={importing}
            title={`Reads M3U and M3U8 files; one imported before updates its playlist (${shortcut('Shift+O')})`}
          >
            {importing ? 'Importing…' : 'Import Playlists…'}
          </button>
        </div>
      </header>
      {prompt === 'create' && (
        <PlaylistNameForm
          onCreate={async (name) => {
            // The new playlist is open and picked in the list; the list keeps the keyboard.
            if (await actions.create(name)) document.querySelector<HTMLElement>('.playlist-list')?.focus();
          }}
          onCancel={actions.cancelPrompt}
        />
      )}
      {prompt === 'import' && (
        <PathPrompt
          title="Import playlists"
          label="Playlist files (.m3u, .m3u8) on the machine Sleeve runs on, one per line"
          placeholder="/home/you/Music/Playlists/Road Trip.m3u8"
          submitLabel="Import"
          onScan={(paths) => void actions.importFrom(paths)}
          onCancel={actions.cancelPrompt}
        />
      )}
      {prompt === 'export' && selected && (
        <PathPrompt
          single
          title="Export playlist"
          label={`Where to write “${selected.name}” as M3U8: a full path on the machine Sleeve runs on`}
          placeholder={`/home/you/Music/Playlists/${selected.name}.m3u8`}
          submitLabel="Export"
          onScan={([file]) => void actions.exportTo(file!)}
          onCancel={actions.cancelPrompt}
        />
      )}
      {report && <ImportReport results={report} onDismiss={actions.dismissReport} />}
      {message && (
        <div className="banner banner-info" role="status" aria-label="Export">
          <span>{message}</span>
          <button type="button" onClick={() => actions.setMessage(null)}>
            Dismiss
          </button>
        </div>
      )}
      {playlists === null ? (
        <p className="empty">Loading…</p>
      ) : playlists.length === 0 ? (
        <EmptyPlaylists />
      ) : (
        <div className="playlists-body">
          <PlaylistList playlists={playlists} selectedId={selectedId} onRename={() => setRenaming(true)} />
          {selected ? (
            <PlaylistPane key={selected.id} detail={selected} renaming={renaming} setRenaming={setRenaming} />
          ) : (
            <div className="playlist-pane empty-pane muted">{selectedId === null ? 'Select a playlist to see its entries.' : 'Loading…'}</div>
          )}
        </div>
      )}
    </section>
  );
}
