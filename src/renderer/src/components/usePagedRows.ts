import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';

export const PAGE_SIZE = 200;

/**
 * Rows of a long list loaded a page at a time around what is in view, for a
 * virtualized table: only the pages between first and last (row indexes) are
 * asked for, and pages far from view are dropped so memory stays flat
 * however far one scrolls. A new version reloads the pages in view, showing
 * the old rows meanwhile; a new queryKey forgets every page.
 */
export function usePagedRows<T>(options: {
  loadPage(offset: number, limit: number): Promise<T[]>;
  version: number;
  queryKey: string;
  first: number | null;
  last: number | null;
}): (index: number) => T | undefined {
  const { loadPage, version, queryKey } = options;
  const pages = useRef(new Map<number, T[]>());
  const loading = useRef(new Map<number, number>());
  const [, setLoaded] = useState(0);
  const firstPage = options.first === null ? 0 : Math.floor(options.first / PAGE_SIZE);
  const lastPage = options.last === null ? 0 : Math.floor(options.last / PAGE_SIZE);

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

  useEffect(() => {
    generation.current++;
    pages.current.clear();
    loadedAt.current.clear();
  }, [queryKey]);

  useEffect(() => {
    generation.current++;
  }, [version]);

  useEffect(() => {
    for (const page of [...pages.current.keys()]) {
      if (page < firstPage - 3 || page > lastPage + 3) {
        pages.current.delete(page);
        loadedAt.current.delete(page);
      }
    }
    for (let page = firstPage; page <= lastPage; page++) fetchPage(page);
  }, [firstPage, lastPage, fetchPage, version, queryKey]);

  return useCallback((index: number): T | undefined => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE], []);
}

/**
 * A virtualized list over paged rows, the one both tables use: the scroll
 * element's ref, the virtualizer, the items in view, and each row by index
 * (undefined while its page loads). A new queryKey scrolls back to the top.
 */
export function useVirtualPages<T>(options: {
  total: number;
  loadPage(offset: number, limit: number): Promise<T[]>;
  version: number;
  queryKey: string;
  rowHeight: number;
  overscan: number;
}) {
  const { total, loadPage, version, queryKey, rowHeight, overscan } = options;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan });
  const items = virtualizer.getVirtualItems();
  const rowAt = usePagedRows({
    loadPage,
    version,
    queryKey,
    first: items.length > 0 ? items[0]!.index : null,
    last: items.length > 0 ? items[items.length - 1]!.index : null,
  });
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [queryKey]);
  return { scrollRef, virtualizer, items, rowAt };
}
