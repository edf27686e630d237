import { describe, expect, it } from 'vitest';
import { isSelected, moveFocus, nextIndex, NO_SELECTION, rangeBounds, selectAll, selectedCount, selectOne, selectRange, toggleOne } from './selection';

describe('selection', () => {
  it('a click selects one row and anchors there', () => {
    const s = selectOne(4, 40);
    expect(isSelected(s, 40)).toBe(true);
    expect(selectedCount(s, 100)).toBe(1);
    expect(s).toMatchObject({ anchor: 4, focus: 4 });
  });

  it('Ctrl-click adds and removes rows and moves the anchor', () => {
    let s = toggleOne(selectOne(1, 10), 3, 30);
    expect([...s.ids].sort()).toEqual([10, 30]);
    expect(s.anchor).toBe(3);
    s = toggleOne(s, 1, 10);
    expect([...s.ids]).toEqual([30]);
  });

  it('Shift ranges grow and shrink from the anchor, replacing the selection', () => {
    let s = selectOne(5, 50);
    expect(rangeBounds(s, 8)).toEqual([5, 8]);
    s = selectRange(s, 8, [50, 60, 70, 80], false);
    expect(selectedCount(s, 100)).toBe(4);
    expect(rangeBounds(s, 2)).toEqual([2, 5]);
    s = selectRange(s, 2, [20, 30, 40, 50], false);
    expect([...s.ids].sort()).toEqual([20, 30, 40, 50]);
    expect(s).toMatchObject({ anchor: 5, focus: 2 });
  });

  it('Ctrl+Shift adds a range to what is selected', () => {
    const s = selectRange(selectOne(0, 1), 5, [5, 6], true);
    expect([...s.ids].sort()).toEqual([1, 5, 6]);
  });

  it('a range with no anchor starts at the row itself', () => {
    const s = selectRange(NO_SELECTION, 7, [70], false);
    expect(s).toMatchObject({ anchor: 7, focus: 7 });
  });

  it('Select All counts every row, and Ctrl-click leaves some out', () => {
    let s = selectAll(selectOne(2, 20));
    expect(selectedCount(s, 50_000)).toBe(50_000);
    expect(isSelected(s, 123)).toBe(true);
    s = toggleOne(s, 9, 90);
    expect(isSelected(s, 90)).toBe(false);
    expect(selectedCount(s, 50_000)).toBe(49_999);
    // A plain Shift range after Select All is just the range.
    const r = selectRange(s, 12, [120, 130], false);
    expect(r.all).toBe(false);
    expect(selectedCount(r, 50_000)).toBe(2);
    // With Ctrl it keeps everything, including the rows left out that it covers again.
    const a = selectRange(s, 12, [90, 100], true);
    expect(a.all).toBe(true);
    expect(isSelected(a, 90)).toBe(true);
  });

  it('Ctrl+arrow moves the focus and keeps the selection', () => {
    const s = moveFocus(selectOne(1, 10), 6);
    expect(s.focus).toBe(6);
    expect(isSelected(s, 10)).toBe(true);
  });

  it('navigation keys stay inside the list', () => {
    expect(nextIndex('ArrowDown', null, 10, 5)).toBe(0);
    expect(nextIndex('ArrowUp', null, 10, 5)).toBe(9);
    expect(nextIndex('ArrowDown', 9, 10, 5)).toBe(9);
    expect(nextIndex('ArrowUp', 0, 10, 5)).toBe(0);
    expect(nextIndex('PageDown', 2, 10, 5)).toBe(7);
    expect(nextIndex('PageUp', 2, 10, 5)).toBe(0);
    expect(nextIndex('End', 2, 10, 5)).toBe(9);
    expect(nextIndex('Home', 2, 10, 5)).toBe(0);
    expect(nextIndex('a', 2, 10, 5)).toBe(null);
    expect(nextIndex('ArrowDown', null, 0, 5)).toBe(null);
  });
});
