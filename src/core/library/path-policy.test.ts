import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPathsUnderRoots, isUnderRoot, PathRefusedError, realLocation } from './path-policy';

let dir: string;
let music: string;
let outside: string;

beforeAll(() => {
  // The real location: os.tmpdir() may itself be a link (macOS).
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-path-policy-')));
  music = path.join(dir, 'music');
  outside = path.join(dir, 'outside');
  fs.mkdirSync(path.join(music, 'Band', 'Record'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'music2'));
  fs.mkdirSync(path.join(outside, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'not the library');
  fs.symlinkSync(outside, path.join(music, 'out-link'));
  fs.symlinkSync(path.join(outside, 'not-yet.m3u8'), path.join(music, 'dangling.m3u8'));
  fs.symlinkSync(path.join(music, 'Band'), path.join(outside, 'in-link'));
  fs.symlinkSync('loop-b', path.join(music, 'loop-a'));
  fs.symlinkSync('loop-a', path.join(music, 'loop-b'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const check = (p: string, roots = [music]) => checkPathsUnderRoots([p], roots, 'scan')[0];

function refusal(p: string, roots = [music], purpose: Parameters<typeof checkPathsUnderRoots>[2] = 'scan'): string {
  try {
    checkPathsUnderRoots([p], roots, purpose);
  } catch (err) {
    expect(err).toBeInstanceOf(PathRefusedError);
    return (err as Error).message;
  }
  throw new Error(`${p} was accepted`);
}

describe('client paths under the library roots', () => {
  it('accepts a root and what lies under it, and gives back the normalised path', () => {
    expect(check(music)).toBe(music);
    expect(check(`${music}/`)).toBe(music);
    expect(check(path.join(music, 'Band', 'Record'))).toBe(path.join(music, 'Band', 'Record'));
    expect(check(`${music}/Band/./Record/../Record`)).toBe(path.join(music, 'Band', 'Record'));
  });

  it("refuses '..' that climbs out, by name or through a link", () => {
    expect(refusal(`${music}/../outside/secret.txt`)).toMatch(/only reaches folders under the library's roots/);
    expect(refusal(`${music}/Band/../../music2`)).toMatch(/--root/);
    // '..' after a link is taken by name, and the path given back is that name: what was checked is what is used.
    expect(check(`${music}/out-link/../Band`)).toBe(path.join(music, 'Band'));
  });

  it('refuses a link inside a root that leads out, and says so', () => {
    const message = refusal(path.join(music, 'out-link', 'secret.txt'), [music], 'import playlist');
    expect(message).toContain('leads outside them through a symbolic link');
    expect(message).toContain(`--root ${path.join(music, 'out-link')}`);
    expect(refusal(path.join(music, 'out-link'))).toMatch(/symbolic link/);
  });

  it('follows a dangling link to where it would create its file', () => {
    expect(realLocation(path.join(music, 'dangling.m3u8'))).toBe(path.join(outside, 'not-yet.m3u8'));
    expect(refusal(path.join(music, 'dangling.m3u8'), [music], 'export playlist')).toMatch(/symbolic link/);
  });

  it('accepts a link outside that leads into a root: the real location decides', () => {
    expect(check(path.join(outside, 'in-link', 'Record'))).toBe(path.join(outside, 'in-link', 'Record'));
    expect(refusal(path.join(outside, 'sub'))).toMatch(/To use .*outside.sub, start the server with --root/);
  });

  it('takes encoded separators as the literal characters they are', () => {
    // Inside the root: a file or folder whose name holds '%2f', never a way up.
    expect(check(`${music}/..%2f..%2foutside`)).toBe(path.join(music, '..%2f..%2foutside'));
    expect(check(`${music}/%2e%2e/%2e%2e/outside`)).toBe(path.join(music, '%2e%2e', '%2e%2e', 'outside'));
    // Outside it: 'music%2F..' is a sibling of the root, not the root's parent.
    expect(refusal(`${music}%2F..`)).toMatch(/--root/);
    expect(refusal(`${dir}/music%2Foutside`)).toMatch(/--root/);
  });

  it('refuses absolute paths elsewhere, relative paths and NUL', () => {
    expect(refusal('/etc/passwd', [music], 'import listens')).toBe(
      `The web UI only reaches folders under the library's roots (${music}). To use /etc, start the server with --root /etc.`,
    );
    expect(refusal('music/Band')).toMatch(/whole paths/);
    expect(refusal('./Band')).toMatch(/whole paths/);
    expect(refusal('~/Music')).toMatch(/whole paths/);
    expect(refusal(`${music}/a\0b`)).toMatch(/NUL/);
  });

  it('does not take /music2 for a folder under /music', () => {
    expect(refusal(path.join(dir, 'music2'))).toMatch(/--root/);
    expect(check(path.join(dir, 'music2'), [music, path.join(dir, 'music2')])).toBe(path.join(dir, 'music2'));
  });

  it('judges a file not written yet by its nearest existing folder', () => {
    expect(checkPathsUnderRoots([path.join(music, 'new', 'deeper', 'mix.m3u8')], [music], 'export playlist')).toEqual([
      path.join(music, 'new', 'deeper', 'mix.m3u8'),
    ]);
    const message = refusal(path.join(outside, 'mix.m3u8'), [music], 'export playlist');
    expect(message).toContain(`To use ${outside}, start the server with --root ${outside}.`);
  });

  it('says how to proceed when there are no roots, and quotes a path with spaces', () => {
    expect(refusal(path.join(outside, 'My Music'), [])).toBe(
      `The web UI only reaches folders under the library's roots, and there are none yet. To use ${path.join(outside, 'My Music')}, start the server with --root '${path.join(outside, 'My Music')}'.`,
    );
  });

  it('takes a root given through a link at its real location', () => {
    const linkedRoot = path.join(outside, 'in-link');
    expect(check(path.join(music, 'Band', 'Record'), [linkedRoot])).toBe(path.join(music, 'Band', 'Record'));
    expect(refusal(path.join(music, 'music-is-not-band'), [linkedRoot])).toMatch(/--root/);
  });

  it('refuses a link loop instead of walking it forever', () => {
    expect(refusal(path.join(music, 'loop-a', 'x'))).toMatch(/too many symbolic links/);
  });

  it('refuses the whole call when one path is refused', () => {
    expect(() => checkPathsUnderRoots([music, '/etc'], [music], 'scan')).toThrow(PathRefusedError);
  });
});

describe('isUnderRoot', () => {
  it('compares whole names, and ignores case only where the file system does', () => {
    expect(isUnderRoot('/music', '/music', false)).toBe(true);
    expect(isUnderRoot('/music', '/music/a', false)).toBe(true);
    expect(isUnderRoot('/music', '/music2', false)).toBe(false);
    expect(isUnderRoot('/music', '/Music/a', false)).toBe(false);
    expect(isUnderRoot('/music', '/Music/a', true)).toBe(true);
    expect(isUnderRoot('/music', '/MUSIC2', true)).toBe(false);
    expect(isUnderRoot('/', '/anything', false)).toBe(true);
  });
});
