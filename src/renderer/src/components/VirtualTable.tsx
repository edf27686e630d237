import { useCallback, useEffect, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { isSelected, moveFocus, NO_SELECTION, rangeBounds, selectAll, selectOne, selectRange, toggleOne, type Selection } from '../selection';
import { useVirtualPages } from './usePagedRows';

export interface Column<T> {
  key: string;
  label: string;
  /** A CSS grid track: '2fr', '64px'... */
  width: string;
  align?: 'right';
  /** Clicking the header sorts by this, when set. */
  sortable?: boolean;
  render(row: T): ReactNode;
  /** Full text for the tooltip of a cell that may be cut short. */
  title?(row: T): string | undefined;
}

interface Props<T> {
  label: string;
  columns: Column<T>[];
  total: number;
  loadPage(offset: number, limit: number): Promise<T[]>;
  /** A new value reloads the rows on screen (the library changed). */
  version: number;
  /** A new value starts over at the top (another query). */
  queryKey: string;
  sortedBy?: string;
  descending?: boolean;
  onSort?(key: string): void;
  onActivate?(row: T): void;
  /** F2 on the selected row (and Enter, when rows have no onActivate): edit it in place. */
  onEdit?(row: T): void;
  rowKey(row: T): string | number;
  /**
   * Several rows picked, by id, as in a file manager: click, Shift- and
   * Ctrl/Cmd-click, Shift/Ctrl+arrows, Space, Ctrl+A and Escape. Without
   * these three, one row at a time.
   */
  selection?: Selection;
  onSelection?(selection: Selection): void;
  rowId?(row: T): number;
}

/** The most rows one request may ask for (the Api's limit). */
const MOST_ROWS = 1000;

const ROW_HEIGHT = 28;

/**
 * A table that renders only the rows in view and loads them a page at a
 * time, so 100,000 tracks scroll as smoothly as 100.
 */
export function VirtualTable<T>(props: Props<T>) {
  const { columns, total, loadPage, version, queryKey, onSelection, rowId } = props;
  const multi = props.selection !== undefined && onSelection !== undefined && rowId !== undefined;
  const [own, setOwn] = useState<Selection>(NO_SELECTION);
  const selection = multi ? props.selection! : own;
  const selected = selection.focus;
  const template = columns.map((c) => c.width).join(' ');
  const { scrollRef, virtualizer, items, rowAt } = useVirtualPages({ total, loadPage, version, queryKey, rowHeight: ROW_HEIGHT, overscan: 15 });

  // Another query: nothing selected (a table with a selection of its own is cleared by its owner).
  useEffect(() => {
    setOwn(NO_SELECTION);
  }, [queryKey]);

  /** The ids of the rows from one index to another, from the pages at hand or asked for when out of view. */
  const idsIn = useCallback(
    async (from: number, to: number): Promise<number[]> => {
      const ids: number[] = [];
      for (let i = from; i <= to; i++) {
        const row = rowAt(i);
        if (row) {
          ids.push(rowId!(row));
          continue;
        }
        const rows = await loadPage(i, Math.min(MOST_ROWS, to - i + 1));
        if (rows.length === 0) break;
        ids.push(...rows.map((r) => rowId!(r)));
        i += rows.length - 1;
      }
      return ids;
    },
    [rowAt, loadPage, rowId],
  );

  const select = async (index: number, how: { range?: boolean; toggle?: boolean; focusOnly?: boolean }) => {
    if (!multi) {
      setOwn(selectOne(index, index));
      return;
    }
    if (how.focusOnly) return onSelection(moveFocus(selection, index));
    if (how.range) {
      const [from, to] = rangeBounds(selection, index);
      return onSelection(selectRange(selection, index, await idsIn(from, to), Boolean(how.toggle)));
    }
    const [id] = await idsIn(index, index);
    if (id === undefined) return;
    onSelection(how.toggle ? toggleOne(selection, index, id) : selectOne(index, id));
  };

  const onRowClick = (event: MouseEvent, index: number) => {
    void select(index, { range: event.shiftKey, toggle: event.ctrlKey || event.metaKey });
  };
  // Shift-click picks rows, not the text between two clicks.
  const onRowMouseDown = (event: MouseEvent) => {
    if (!multi || !event.shiftKey) return;
    event.preventDefault();
    scrollRef.current?.focus({ preventScroll: true });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (total === 0) return;
    const ctrl = event.ctrlKey || event.metaKey;
    if (multi && ctrl && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      onSelection(selectAll(selection));
      return;
    }
    if (multi && event.key === 'Escape' && (selection.all || selection.ids.size > 0)) {
      event.preventDefault();
      onSelection({ ...NO_SELECTION, anchor: selection.focus, focus: selection.focus });
      return;
    }
    if (multi && event.key === ' ' && selected !== null) {
      event.preventDefault();
      void select(selected, { toggle: true });
      return;
    }
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20 };
    let next: number | null = null;
    if (event.key in moves) next = Math.min(total - 1, Math.max(0, (selected ?? -1) + moves[event.key]!));
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = total - 1;
    else if ((event.key === 'Enter' || event.key === 'F2') && selected !== null) {
      const row = rowAt(selected);
      if (!row) return;
      event.preventDefault();
      if (event.key === 'Enter' && props.onActivate) props.onActivate(row);
      else props.onEdit?.(row);
      return;
    }
    if (next === null || event.altKey) return;
    event.preventDefault();
    void select(next, { range: event.shiftKey, toggle: ctrl && event.shiftKey, focusOnly: ctrl && !event.shiftKey });
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div className="vtable" role="grid" aria-label={props.label} aria-rowcount={total + 1} aria-multiselectable={multi || undefined}>
      <div className="vtable-head" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((column) => {
          const sorted = props.sortedBy === column.key;
          return (
            <div
              key={column.key}
              role="columnheader"
              className={`vtable-cell ${column.align === 'right' ? 'right' : ''}`}
              aria-sort={sorted ? (props.descending ? 'descending' : 'ascending') : undefined}
            >
              {column.sortable && props.onSort ? (
                <button type="button" className="sort" onClick={() => props.onSort!(column.key)}>
                  {column.label}
                  {sorted ? (props.descending ? ' ▼' : ' ▲') : ''}
                </button>
              ) : (
                column.label
              )}
            </div>
          );
        })}
      </div>
      <div className="vtable-body" ref={scrollRef} tabIndex={0} onKeyDown={onKeyDown}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rowAt(item.index);
            const picked = multi ? (row ? isSelected(selection, rowId(row)) : selection.all) : selected === item.index;
            const focused = multi && selected === item.index;
            return (
              <div
                key={row ? props.rowKey(row) : `loading-${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={picked}
                className={`vtable-row ${item.index % 2 ? 'odd' : ''} ${picked ? 'selected' : ''} ${focused ? 'focused' : ''}`}
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={(e) => onRowClick(e, item.index)}
                onMouseDown={onRowMouseDown}
                onDoubleClick={() => row && props.onActivate?.(row)}
              >
                {columns.map((column) => (
                  <div
                    key={column.key}
                    role="gridcell"
                    className={`vtable-cell ${column.align === 'right' ? 'right' : ''}`}
                    title={row ? column.title?.(row) : undefined}
                  >
                    {row ? column.render(row) : <span className="placeholder" />}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
