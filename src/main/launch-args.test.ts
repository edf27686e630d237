import { describe, expect, it } from 'vitest';
import { launchPaths } from './launch-args';

describe('launchPaths', () => {
  it('takes the paths after the executable, resolved from the launch folder, and skips switches', () => {
    const argv = ['/opt/Sleeve/sleeve', '--no-sandbox', 'Lists/road.m3u8', '--db', '/tmp/lib.sqlite', '/music/New Album', '--enable-features=X'];
    expect(launchPaths(argv, { cwd: '/home/ann', skip: 1 })).toEqual(['/home/ann/Lists/road.m3u8', '/music/New Album']);
  });

  it('leaves out the app script when Electron runs one (development and the e2e launch)', () => {
    expect(launchPaths(['/usr/bin/electron', 'out/main/index.js', '--db', 'x.sqlite'], { cwd: '/repo', skip: 2 })).toEqual([]);
  });

  it('reads file:// URLs as their local path, once each', () => {
    expect(launchPaths(['sleeve', 'file:///music/My%20List.m3u', '/music/My List.m3u', 'file://[bad'], { cwd: '/', skip: 1 })).toEqual(['/music/My List.m3u']);
  });
});
