import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_SIZE, readDesktopState, restoreWindow, writeDesktopState } from './desktop-state';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const external = { x: 1440, y: -200, width: 2560, height: 1415 };

describe('restoreWindow', () => {
  it('puts the window back where it was, maximised or not', () => {
    const saved = { bounds: { x: 1600, y: 0, width: 1300, height: 900 }, maximized: true, fullScreen: false };
    expect(restoreWindow(saved, [laptop, external])).toEqual({ bounds: { x: 1600, y: 0, width: 1300, height: 900 }, maximized: true, fullScreen: false });
  });

  it('brings a window from a monitor that is gone onto the primary screen, shrunk to fit, centred', () => {
    const saved = { bounds: { x: 1600, y: 0, width: 2000, height: 1200 }, maximized: false, fullScreen: false };
    expect(restoreWindow(saved, [laptop])).toEqual({ bounds: { width: 1440, height: 875 }, maximized: false, fullScreen: false });
  });

  it('pulls a window whose title strip hangs off the top of a screen back onto it', () => {
    const saved = { bounds: { x: 100, y: -20, width: 800, height: 600 }, maximized: false, fullScreen: false };
    expect(restoreWindow(saved, [laptop]).bounds).toEqual({ x: 100, y: 0, width: 800, height: 600 });
  });

  it('moves a window with only a sliver on screen, which the user could not grab', () => {
    const saved = { bounds: { x: 1400, y: 100, width: 800, height: 600 }, maximized: false, fullScreen: false };
    expect(restoreWindow(saved, [laptop]).bounds).toEqual({ width: 800, height: 600 });
  });

  it('never opens smaller than the minimum', () => {
    const saved = { bounds: { x: 10, y: 10, width: 200, height: 100 }, maximized: false, fullScreen: false };
    expect(restoreWindow(saved, [laptop]).bounds).toEqual({ x: 10, y: 10, width: 720, height: 480 });
  });

  it('opens the default size, centred, for a missing, damaged or hostile state', () => {
    for (const saved of [null, 'x', { bounds: { x: 'a' } }, { bounds: { x: 0, y: 0, width: -5, height: 10 } }, { bounds: { x: Number.POSITIVE_INFINITY, y: 0, width: 10, height: 10 } }, { bounds: { x: 0.5, y: 0, width: 10, height: 10 } }]) {
      expect(restoreWindow(saved, [laptop])).toEqual({ bounds: { ...DEFAULT_WINDOW_SIZE }, maximized: false, fullScreen: false });
    }
  });
});

describe('the state file', () => {
  it('round-trips, and a damaged file or part reads as its default without losing the rest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-desktop-state-'));
    try {
      const file = path.join(dir, 'sub', 'desktop-state.json');
      expect(readDesktopState(file)).toEqual({ window: null, theme: 'system' });
      const state = { window: { bounds: { x: 1, y: 2, width: 900, height: 700 }, maximized: false, fullScreen: true }, theme: 'dark' as const };
      writeDesktopState(file, state);
      expect(readDesktopState(file)).toEqual(state);
      expect(fs.readdirSync(path.dirname(file))).toEqual(['desktop-state.json']);
      fs.writeFileSync(file, JSON.stringify({ window: { bounds: 'big' }, theme: 'dark' }));
      expect(readDesktopState(file)).toEqual({ window: null, theme: 'dark' });
      fs.writeFileSync(file, JSON.stringify({ window: state.window, theme: 'sepia' }));
      expect(readDesktopState(file)).toEqual({ window: state.window, theme: 'system' });
      fs.writeFileSync(file, '{"window": {');
      expect(readDesktopState(file)).toEqual({ window: null, theme: 'system' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
