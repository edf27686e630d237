/**
 * Multi-selection in a paged list of 50,000 rows, most of them never loaded.
 * Rows are selected by id, so a selection survives the list reloading under
 * it (an enrichment run reorders nothing, but it moves albums out of Review);
 * the anchor and focus are positions, as the keyboard and Shift-click need.
 * Select All does not know the ids: it is 'all' with the exceptions in ids.
 */
export interface Selection {
  /** When all is set, the rows left out; otherwise the rows picked. */
  ids: ReadonlySet<number>;
  all: boolean;
  /** Where a Shift range starts. */
  anchor: number | null;
  /** The row the keyboard is on. */
  focus: number | null;
}

export const NO_SELECTION: Selection = { ids: new Set(), all: false, anchor: null, focus: null };

export function selectOne(index: number, id: number): Selection {
  return { ids: new Set([id]), all: false, anchor: index, focus: index };
}

/** Ctrl/Cmd-click or Space: flips one row and keeps the rest. */
export function toggleOne(selection: Selection, index: number, id: number): Selection {
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, all: selection.all, anchor: index, focus: index };
}

/** The rows a Shift range covers, from the anchor (or the row itself) to index. */
export function rangeBounds(selection: Selection, index: number): [number, number] {
  const anchor = selection.anchor ?? index;
  return [Math.min(anchor, index), Math.max(anchor, index)];
}

/**
 * Shift-click or Shift+arrow: the range from the anchor to index replaces
 * the selection; with Ctrl/Cmd it is added to it. The anchor stays, so the
 * range can grow and shrink.
 */
export function selectRange(selection: Selection, index: number, rangeIds: readonly number[], additive: boolean): Selection {
  const ids = new Set(rangeIds);
  if (additive && !selection.all) for (const id of selection.ids) ids.add(id);
  const keepAll = additive && selection.all;
  return {
    ids: keepAll ? new Set([...selection.ids].filter((id) => !ids.has(id))) : ids,
    all: keepAll,
    anchor: selection.anchor ?? index,
    focus: index,
  };
}

export function selectAll(selection: Selection): Selection {
  return { ids: new Set(), all: true, anchor: selection.anchor, focus: selection.focus };
}

/** Ctrl+arrow: the focus moves and the selection stays. */
export function moveFocus(selection: Selection, index: number): Selection {
  return { ...selection, focus: index };
}

export function isSelected(selection: Selection, id: number): boolean {
  return selection.all !== selection.ids.has(id);
}

export function selectedCount(selection: Selection, total: number): number {
  return selection.all ? Math.max(0, total - selection.ids.size) : selection.ids.size;
}

const STEPS: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 1, PageUp: -1 };

/** Where a navigation key takes the focus in a list of total rows; null for any other key. */
export function nextIndex(key: string, focus: number | null, total: number, pageRows: number): number | null {
  if (total === 0) return null;
  if (key === 'Home') return 0;
  if (key === 'End') return total - 1;
  const step = STEPS[key];
  if (step === undefined) return null;
  // The first press lands on the first row rather than skipping it.
  if (focus === null) return step > 0 ? 0 : total - 1;
  const distance = key.startsWith('Page') ? Math.max(1, pageRows) : 1;
  return Math.min(total - 1, Math.max(0, focus + step * distance));
}
