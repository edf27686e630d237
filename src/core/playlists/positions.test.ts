import { describe, expect, it } from 'vitest';
import { dropTarget, moveItems, moveOrder, normalizePositions, PositionError, removeOrder, stepTarget } from '../../shared/playlist-edits';

const ABCDEF = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('playlist edits by position', () => {
  it('moves a block, keeping its order, so its first entry lands at the target', () => {
    expect(moveItems(ABCDEF, [1, 2], 3).join('')).toBe('adebcf');
    expect(moveItems(ABCDEF, [4], 0).join('')).toBe('eabcdf');
    expect(moveItems(ABCDEF, [0], 5).join('')).toBe('bcdefa');
    // A scattered selection comes together, in playlist order whatever order it was given in.
    expect(moveItems(ABCDEF, [5, 1, 3], 0).join('')).toBe('bdface');
    expect(moveItems(ABCDEF, [0, 2], 4).join('')).toBe('bdefac');
    expect(moveOrder(3, [1, 1], 0)).toEqual([1, 0, 2]);
  });

  it('refuses positions and targets outside the playlist', () => {
    expect(() => moveOrder(6, [6], 0)).toThrow('No entry at position 6: positions run from 0 to 5');
    expect(() => moveOrder(6, [1.5], 0)).toThrow(PositionError);
    expect(() => moveOrder(6, [1, 2], 5)).toThrow('Cannot move 2 entries to position 5: it must be from 0 to 4');
    expect(() => moveOrder(6, [], 0)).toThrow('No entries were given');
    expect(() => normalizePositions([0], 0)).toThrow('The playlist has no entries');
    expect(normalizePositions([3, 1, 3], 4)).toEqual([1, 3]);
  });

  it('turns a drop between rows into a target, and a drop onto the block itself into nothing', () => {
    // Dropped before d (gap 3): b and c sit before it, so the block starts at 1... and that is where it is.
    expect(dropTarget(6, [1, 2], 3)).toBeNull();
    expect(dropTarget(6, [1, 2], 1)).toBeNull();
    expect(dropTarget(6, [1, 2], 0)).toBe(0);
    expect(dropTarget(6, [1, 2], 5)).toBe(3);
    expect(dropTarget(6, [1, 2], 6)).toBe(4);
    expect(moveItems(ABCDEF, [1, 2], dropTarget(6, [1, 2], 6)!).join('')).toBe('adefbc');
    // Scattered, dropped inside itself: it gathers there.
    expect(dropTarget(6, [1, 3], 2)).toBe(1);
    expect(moveItems(ABCDEF, [1, 3], 1).join('')).toBe('abdcef');
  });

  it('steps a block up or down by one, and stops at the ends', () => {
    expect(stepTarget(6, [2, 3], -1)).toBe(1);
    expect(stepTarget(6, [2, 3], 1)).toBe(3);
    expect(stepTarget(6, [0, 1], -1)).toBeNull();
    expect(stepTarget(6, [4, 5], 1)).toBeNull();
    // Scattered: up gathers one above the first; down ends one below the last.
    expect(moveItems(ABCDEF, [1, 3], stepTarget(6, [1, 3], -1)!).join('')).toBe('bdacef');
    expect(moveItems(ABCDEF, [1, 3], stepTarget(6, [1, 3], 1)!).join('')).toBe('acebdf');
    expect(moveItems(ABCDEF, [0, 5], stepTarget(6, [0, 5], -1)!).join('')).toBe('afbcde');
  });

  it('removes entries and closes up', () => {
    expect(removeOrder(6, [4, 1, 1])).toEqual([0, 2, 3, 5]);
    expect(() => removeOrder(2, [2])).toThrow('No entry at position 2');
  });
});
