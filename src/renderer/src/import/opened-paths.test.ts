import { describe, expect, it } from 'vitest';
import { sortOpenedPaths } from '../../../shared/opened-paths';

describe('sortOpenedPaths', () => {
  it('imports playlist files and scans the rest, once each', () => {
    expect(sortOpenedPaths(['/music', '/lists/Road.M3U8', '/music/a.flac', '/lists/old.m3u', '/music', 'C:\\Lists\\x.m3u8'])).toEqual({
      scan: ['/music', '/music/a.flac'],
      playlists: ['/lists/Road.M3U8', '/lists/old.m3u', 'C:\\Lists\\x.m3u8'],
    });
  });

  it('does not take a folder named like a playlist for one only by a middle match', () => {
    expect(sortOpenedPaths(['/music/m3u8 rips', '/music/x.m3u8.bak'])).toEqual({ scan: ['/music/m3u8 rips', '/music/x.m3u8.bak'], playlists: [] });
  });
});
