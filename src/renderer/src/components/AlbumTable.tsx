import { useCallback, useEffect, type KeyboardEvent, type MouseEvent } from 'react';
import type { AlbumSummary } from '../../../shared/albums';
import { formatCount } from '../../../shared/format';
import { albumTitle, artText, artTooltip, matchText, matchTooltip } from '../albums';
import {
  isSelected,
  moveFocus,
  nextIndex,
  rangeBounds,
  selectAll,
  selectOne,
  selectRange,
  toggleOne,
  NO_SELECTION,
  type Selection,
} from '../selection';
import { Thumb } from './Thumb';
import { useVirtualPages } from './usePagedRows';

interface Props {
  label: string;
  total: number;
  loadPage(offset: number, limit: number): Promise<AlbumSummary[]>;
  version: number;
  queryKey: string;
  selection: Selection;
  onSelection(selection: Selection, current?: AlbumSummary | null): void;
  /** Enter or a double-click: open the album. */
  onActivate(album: AlbumSummary): void;
  /** The album the focus is on, kept fresh as its row reloads. */
  current: AlbumSummary | null;
  artBaseUrl: string | null;
  /** Narrow, for the list beside the Review panel. */
  compact?: boolean;
}

const ROW_HEIGHT = 48;
const TEMPLATE = '40px minmax(180px, 2fr) 52px minmax(150px, 1fr) minmax(200px, 1.3fr)';
const COMPACT_TEMPLATE = '40px minmax(0, 1fr)';

/**
 * The albums, a page at a time, with a thumbnail each: 50,000 rows scroll as
 * 50 do. Click, Shift-click and Ctrl/Cmd-click select as in a file manager,
 * and so do the arrows with Shift and Ctrl, Space, Ctrl+A and Escape.
 */
export function AlbumTable(props: Props) {
  const { total, loadPage, version, queryKey, selection, onSelection, current } = props;
  const { scrollRef, virtualizer, items, rowAt } = useVirtualPages({ total, loadPage, version, queryKey, rowHeight: ROW_HEIGHT, overscan: 10 });

  // The focus moved from outside (the next album in review): bring it into view.
  const focus = selection.focus;
  useEffect(() => {
    if (focus !== null && focus < total) virtualizer.scrollToIndex(focus, { align: 'auto' });
  }, [focus, total, virtualizer]);

  // The focused row reloaded with news (a match, a picture): the panels showing it follow.
  const focusedRow = focus === null ? undefined : rowAt(focus);
  useEffect(() => {
    if (current && focusedRow && focusedRow.id === current.id && focusedRow !== current) onSelection(selection, focusedRow);
  }, [current, focusedRow, onSelection, selection]);

  /** The albums from one row to another, from the pages at hand or asked for when out of view. */
  const albumsIn = useCallback(
    async (from: number, to: number): Promise<AlbumSummary[]> => {
      const known: AlbumSummary[] = [];
      for (let i = from; i <= to; i++) {
        const row = rowAt(i);
        if (!row) return loadPage(from, to - from + 1);
        known.push(row);
      }
      return known;
    },
    [rowAt, loadPage],
  );

  const select = useCallback(
    async (index: number, how: { range: boolean; toggle: boolean; focusOnly?: boolean }) => {
      if (how.focusOnly) {
        onSelection(moveFocus(selection, index));
        return;
      }
      if (how.range) {
        const [from, to] = rangeBounds(selection, index);
        const rows = await albumsIn(from, to);
        const at = rows[index - from];
        onSelection(
          selectRange(
            selection,
            index,
            rows.map((r) => r.id),
            how.toggle,
          ),
          at ?? null,
        );
        return;
      }
      const [album] = await albumsIn(index, index);
      if (!album) return;
      onSelection(how.toggle ? toggleOne(selection, index, album.id) : selectOne(index, album.id), album);
    },
    [albumsIn, onSelection, selection],
  );

  const onRowClick = (event: MouseEvent, index: number) => {
    scrollRef.current?.focus({ preventScroll: true });
    void select(index, { range: event.shiftKey, toggle: event.ctrlKey || event.metaKey });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const ctrl = event.ctrlKey || event.metaKey;
    if (ctrl && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      onSelection(selectAll(selection));
      return;
    }
    if (event.key === 'Escape' && (selection.all || selection.ids.size > 0)) {
      event.preventDefault();
      onSelection({ ...NO_SELECTION, anchor: selection.focus, focus: selection.focus });
      return;
    }
    if (event.key === ' ' && focus !== null) {
      event.preventDefault();
      void select(focus, { range: false, toggle: true });
      return;
    }
    if (event.key === 'Enter' && focus !== null) {
      const row = rowAt(focus);
      if (!row) return;
      event.preventDefault();
      props.onActivate(row);
      return;
    }
    const rows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const next = nextIndex(event.key, focus, total, rows);
    if (next === null) return;
    event.preventDefault();
    void select(next, { range: event.shiftKey, toggle: ctrl && event.shiftKey, focusOnly: ctrl && !event.shiftKey });
  };

  const template = props.compact ? COMPACT_TEMPLATE : TEMPLATE;
  const activeId = focus === null ? undefined : `album-row-${focus}`;
  return (
    <div className={`vtable album-table ${props.compact ? 'compact' : ''}`} role="grid" aria-label={props.label} aria-rowcount={total + 1} aria-multiselectable="true">
      <div className="vtable-head" role="row" style={{ gridTemplateColumns: template }}>
        <div role="columnheader" className="vtable-cell" aria-label="Artwork" />
        <div role="columnheader" className="vtable-cell">
          Album
        </div>
        {!props.compact && (
          <>
            <div role="columnheader" className="vtable-cell right">
              Tracks
            </div>
            <div role="columnheader" className="vtable-cell">
              Match
            </div>
            <div role="columnheader" className="vtable-cell">
              Artwork
            </div>
          </>
        )}
      </div>
      <div className="vtable-body" ref={scrollRef} tabIndex={0} onKeyDown={onKeyDown} aria-activedescendant={activeId}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const album = rowAt(item.index);
            const selected = album ? isSelected(selection, album.id) : false;
            const focused = focus === item.index;
            return (
              <div
                key={album ? album.id : `loading-${item.index}`}
                id={`album-row-${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                data-album-id={album?.id}
                className={`vtable-row album-row ${item.index % 2 ? 'odd' : ''} ${selected ? 'selected' : ''} ${focused ? 'focused' : ''}`}
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={(e) => onRowClick(e, item.index)}
                onDoubleClick={() => album && props.onActivate(album)}
              >
                {album ? <AlbumCells album={album} compact={props.compact} artBaseUrl={props.artBaseUrl} /> : <LoadingCells compact={props.compact} />}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function AlbumCells({ album, compact, artBaseUrl }: { album: AlbumSummary; compact?: boolean; artBaseUrl: string | null }) {
  const title = albumTitle(album);
  return (
    <>
      <div role="gridcell" className="vtable-cell thumb-cell">
        <Thumb hash={album.artwork.hash} artBaseUrl={artBaseUrl} size={36} />
      </div>
      <div role="gridcell" className="vtable-cell album-name" title={`${title}\n${album.artist ?? 'Unknown artist'}\n${album.folder}`}>
        <span className="album-title">{title}</span>
        <span className="album-artist">
          {album.artist ?? 'Unknown artist'}
          {compact && <> · {matchText(album.match)}</>}
        </span>
      </div>
      {!compact && (
        <>
          <div role="gridcell" className="vtable-cell right">
            {formatCount(album.trackCount)}
          </div>
          <div role="gridcell" className="vtable-cell" title={matchTooltip(album)} data-match={album.match.state ?? 'none'}>
            <span className={`match-state match-${album.match.state ?? 'none'}`}>{matchText(album.match)}</span>
          </div>
          <div role="gridcell" className="vtable-cell art-cell" title={artTooltip(album)} data-art-source={album.artwork.source ?? 'none'}>
            {artText(album)}
            {album.artwork.chosenBy === 'user' && <span className="tag-chip">chosen</span>}
          </div>
        </>
      )}
    </>
  );
}

function LoadingCells({ compact }: { compact?: boolean }) {
  const cells = compact ? 2 : 5;
  return (
    <>
      {Array.from({ length: cells }, (_, i) => (
        <div key={i} role="gridcell" className="vtable-cell">
          <span className="placeholder" />
        </div>
      ))}
    </>
  );
}
