import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

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
const PAGE_SIZE = 200;

/**
 * A table that renders only the rows in view and loads them a page at a
 * time, so 100,000 tracks scroll as smoothly as 100.
 */
export function VirtualTable<T>(props: Props<T>) {
  const { columns, total, loadPage, version, queryKey } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const pages = useRef(new Map<number, T[]>());
  const loading = useRef(new Map<number, number>());
  const [, setLoaded] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  const template = columns.map((c) => c.width).join(' ');

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });
  const items = virtualizer.getVirtualItems();
  const firstPage = items.length > 0 ? Math.floor(items[0]!.index / PAGE_SIZE) : 0;
  const lastPage = items.length > 0 ? Math.floor(items[items.length - 1]!.index / PAGE_SIZE) : 0;

  // A page is loaded for one generation; a library change or a new query starts the next one.
  const generation = useRef(0);
  const loadedAt = useRef(new Map<number, number>());
  const fetchPage = useCallback(
    (page: number) => {
      const wanted = generation.current;
      if (loadedAt.current.get(page) === wanted || loading.current.get(page) === wanted) return;
      loading.current.set(page, wanted);
      loadPage(page * PAGE_SIZE, PAGE_SIZE).then(
        (rows) => {
          if (loading.current.get(page) !== wanted) return;
          loading.current.delete(page);
          pages.current.set(page, rows);
          loadedAt.current.set(page, wanted);
          setLoaded((n) => n + 1);
        },
        () => loading.current.delete(page),
      );
    },
    [loadPage],
  );

  // Another query: forget every page and go back to the top.
  useEffect(() => {
    generation.current++;
    pages.current.clear();
    loadedAt.current.clear();
    setSelected(null);
    scrollRef.current?.scrollTo({ top: 0 });
  }, [queryKey]);

  // The library changed: reload the pages in view, showing the old rows meanwhile.
  useEffect(() => {
    generation.current++;
  }, [version]);

  useEffect(() => {
    // Pages far from view are dropped, so memory stays flat however far one scrolls.
    for (const page of [...pages.current.keys()]) {
      if (page < firstPage - 3 || page > lastPage + 3) {
        pages.current.delete(page);
        loadedAt.current.delete(page);
      }
    }
    for (let page = firstPage; page <= lastPage; page++) fetchPage(page);
  }, [firstPage, lastPage, fetchPage, version, queryKey]);

  const rowAt = (index: number): T | undefined => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];

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
