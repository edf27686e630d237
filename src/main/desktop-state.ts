/**
 * What the desktop app keeps between runs that is not the library's: the
 * main window's size and place, and the chosen appearance. Pure except for
 * the file it is kept in, so it is tested under Node: a saved place on a
 * monitor that is gone, or a size bigger than the screen now, must never put
 * the window where the user cannot reach it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_SIZE = { width: 1200, height: 800 } as const;
export const MIN_WINDOW_SIZE = { width: 720, height: 480 } as const;

/** The window's top strip, where it is grabbed to move, and how much of it must be on a screen to grab. */
const TITLE_HEIGHT = 32;
const GRAB_WIDTH = 120;
const GRAB_HEIGHT = 8;

const rect = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() });
const savedWindow = z.object({ bounds: rect, maximized: z.boolean().default(false), fullScreen: z.boolean().default(false) });
export type WindowState = z.infer<typeof savedWindow>;

/** Light and dark follow the system unless the user picked one (View → Appearance). */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export interface DesktopState {
  window: WindowState | null;
  theme: Theme;
}

export interface RestoredWindow {
  /** Without x and y the window opens centred. */
  bounds: { width: number; height: number; x?: number; y?: number };
  maximized: boolean;
  fullScreen: boolean;
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Where the window opens, from what was saved and the screens' work areas
 * now (primary first). An unreadable or missing state opens the default size,
 * centred; a window whose title strip is on no screen moves onto the primary
 * one; a window bigger than its screen shrinks to fit it.
 */
export function restoreWindow(saved: unknown, workAreas: readonly Rect[]): RestoredWindow {
  const parsed = savedWindow.safeParse(saved);
  const primary = workAreas[0];
  if (!parsed.success || !primary) return { bounds: { ...DEFAULT_WINDOW_SIZE }, maximized: false, fullScreen: false };
  const { bounds, maximized, fullScreen } = parsed.data;
  const titleStrip = { x: bounds.x, y: bounds.y, width: bounds.width, height: TITLE_HEIGHT };
  const home = workAreas.find((area) => {
    const o = overlap(titleStrip, area);
    return o.width >= Math.min(GRAB_WIDTH, bounds.width) && o.height >= GRAB_HEIGHT;
  });
  const screen = home ?? primary;
  const width = Math.max(MIN_WINDOW_SIZE.width, Math.min(bounds.width, screen.width));
  const height = Math.max(MIN_WINDOW_SIZE.height, Math.min(bounds.height, screen.height));
  if (!home) return { bounds: { width, height }, maximized, fullScreen };
  // Pulled in so the whole window is on its screen when it fits.
  const x = Math.min(Math.max(bounds.x, screen.x), screen.x + screen.width - width);
  const y = Math.min(Math.max(bounds.y, screen.y), screen.y + screen.height - height);
  return { bounds: { x, y, width, height }, maximized, fullScreen };
}

/** What was kept, each part on its own: a damaged window entry does not lose the theme, nor the other way round. */
export function readDesktopState(file: string): DesktopState {
  let raw: { window?: unknown; theme?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object') raw = parsed;
  } catch {
    // Missing or unreadable: the defaults.
  }
  const window = savedWindow.safeParse(raw.window);
  const theme = z.enum(THEMES).safeParse(raw.theme);
  return { window: window.success ? window.data : null, theme: theme.success ? theme.data : 'system' };
}

/** Written to a temp name and renamed, so a crash mid-write leaves the old state, never half a file. */
export function writeDesktopState(file: string, state: DesktopState): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(temp, `${JSON.stringify(state)}\n`);
  fs.renameSync(temp, file);
}
