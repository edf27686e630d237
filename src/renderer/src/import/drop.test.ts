import { describe, expect, it } from 'vitest';
import { pathsFromDrop, pathsFromUriList } from './drop';

describe('pathsFromUriList', () => {
  it('reads file:// URIs as a Linux file manager sends them, decoding escapes', () => {
    const list = '# dragged from Nautilus\r\nfile:///home/ann/Music/Bj%C3%B6rk\r\nfile:///home/ann/Music/AC%2FDC%20Live\r\n';
    expect(pathsFromUriList(list)).toEqual(['/home/ann/Music/Björk', '/home/ann/Music/AC/DC Live']);
  });

  it('accepts localhost, drops other hosts and schemes, and handles Windows drives', () => {
    expect(
      pathsFromUriList(
        'file://localhost/srv/music\nfile://nas/share/music\nhttps://example.com/a.mp3\nnot a uri\nfile:///C:/Users/Ann/Music',
      ),
    ).toEqual(['/srv/music', 'C:/Users/Ann/Music']);
  });
});

describe('pathsFromDrop', () => {
  const file = (name: string) => ({ name }) as File;

  it('uses the desktop path for each file, merged with the uri-list without duplicates', () => {
    const result = pathsFromDrop(
      { uriList: 'file:///music/a', files: [file('a'), file('b')] },
      (f) => `/music/${f.name}`,
    );
    expect(result).toEqual({ paths: ['/music/a', '/music/b'], unresolved: 0 });
  });

  it('counts files a browser will not locate, so the page can explain', () => {
    expect(pathsFromDrop({ uriList: '', files: [file('a'), file('b')] })).toEqual({ paths: [], unresolved: 2 });
  });
});
