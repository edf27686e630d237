import { useEffect, useState, type KeyboardEvent, type ReactNode } from 'react';
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
}

const ROW_HEIGHT = 28;

/**
 * A table that renders only the rows in view and loads them a page at a
 * time, so 100,000 tracks scroll as smoothly as 100.
 */
export function VirtualTable<T>(props: Props<T>) {
  const { columns, total, loadPage, version, queryKey } = props;
  const [selected, setSelected] = useState<number | null>(null);
  const template = columns.map((c) => c.width).join(' ');
  const { scrollRef, virtualizer, items, rowAt } = useVirtualPages({ total, loadPage, version, queryKey, rowHeight: ROW_HEIGHT, overscan: 15 });

  // Another query: nothing selected.
  useEffect(() => {
    setSelected(null);
  }, [queryKey]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (total === 0) return;
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
    if (next === null) return;
    event.preventDefault();
    setSelected(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div className="vtable" role="grid" aria-label={props.label} aria-rowcount={total + 1}>
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
            return (
              <div
                key={row ? props.rowKey(row) : `loading-${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selected === item.index}
                className={`vtable-row ${item.index % 2 ? 'odd' : ''} ${selected === item.index ? 'selected' : ''}`}
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => setSelected(item.index)}
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
