/**
 * The arithmetic of editing a playlist by position, shared by the core (which
 * stores the result) and the renderer (which shows it before the answer
 * comes, and turns a drop between two rows into a target position).
 * Positions are 0-based and dense: a playlist of n entries has 0..n-1.
 */

/** Longest name a playlist made in Sleeve may have. */
export const PLAYLIST_NAME_MAX = 200;

/** A position list Sleeve cannot act on: the message says which and why. */
export class PositionError extends RangeError {}

/** The positions sorted, each once; throws when one is not an entry of a playlist of count entries. */
export function normalizePositions(positions: readonly number[], count: number): number[] {
  if (positions.length === 0) throw new PositionError('No entries were given: name at least one position');
  const bad = positions.find((p) => !Number.isInteger(p) || p < 0 || p >= count);
  if (bad !== undefined) {
    throw new PositionError(
      count === 0 ? `The playlist has no entries, so there is no position ${bad}` : `No entry at position ${bad}: positions run from 0 to ${count - 1}`,
    );
  }
  return [...new Set(positions)].sort((a, b) => a - b);
}

/**
 * The playlist after the entries at positions move as one block, in their
 * order, so that the first of them lands at to (a position in the playlist
 * after the move, 0..count - block size). Returns, for each new position,
 * the old position of the entry that takes it.
 */
export function moveOrder(count: number, positions: readonly number[], to: number): number[] {
  const moving = normalizePositions(positions, count);
  const last = count - moving.length;
  if (!Number.isInteger(to) || to < 0 || to > last) {
    throw new PositionError(`Cannot move ${moving.length === 1 ? 'an entry' : `${moving.length} entries`} to position ${to}: it must be from 0 to ${last}`);
  }
  const moved = new Set(moving);
  const rest: number[] = [];
  for (let p = 0; p < count; p++) if (!moved.has(p)) rest.push(p);
  return [...rest.slice(0, to), ...moving, ...rest.slice(to)];
}

/** The items in their new order, by moveOrder. */
export function moveItems<T>(items: readonly T[], positions: readonly number[], to: number): T[] {
  return moveOrder(items.length, positions, to).map((old) => items[old]!);
}

/**
 * Where a block lands when dropped in the gap before the entry at gap
 * (count for after the last one): the gap counts the moving entries, the
 * target position does not. null when the drop would leave everything where
 * it is.
 */
export function dropTarget(count: number, positions: readonly number[], gap: number): number | null {
  const moving = normalizePositions(positions, count);
  const clamped = Math.max(0, Math.min(count, gap));
  const to = clamped - moving.filter((p) => p < clamped).length;
  const unchanged = moving.every((p, i) => p === to + i);
  return unchanged ? null : to;
}

/**
 * The target of Alt+ArrowUp / Alt+ArrowDown: the block (gathered, when it
 * had gaps) one place earlier or later. null at the top or bottom.
 */
export function stepTarget(count: number, positions: readonly number[], step: -1 | 1): number | null {
  const moving = normalizePositions(positions, count);
  const first = moving[0]!;
  const contiguous = moving[moving.length - 1]! - first === moving.length - 1;
  // A scattered selection first gathers where its first entry is, moving up; or ends where its last was, moving down.
  const to = contiguous ? first + step : step < 0 ? Math.max(0, first - 1) : Math.min(count - moving.length, moving[moving.length - 1]! - moving.length + 2);
  if (to < 0 || to > count - moving.length) return null;
  return moving.every((p, i) => p === to + i) ? null : to;
}

/** The positions the entries that were at positions take after removing them. */
export function removeOrder(count: number, positions: readonly number[]): number[] {
  const removed = new Set(normalizePositions(positions, count));
  const rest: number[] = [];
  for (let p = 0; p < count; p++) if (!removed.has(p)) rest.push(p);
  return rest;
}
