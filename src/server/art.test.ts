import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSleeveCore, type SleeveCore } from '../core/app';
import { ArtworkCache, artworkCacheDir, type StoredImage } from '../core/artwork/cache';
import { drawPicture } from '../core/artwork/testing';
import { NodeWorkerHost, nodeWorkerEntry } from '../core/jobs/node-host';
import { startWebServer, type WebServer } from './server';

const TOKEN = 'test-token-art-0123456789abcdef';
let dir: string;
let core: SleeveCore;
let server: WebServer;
let png: StoredImage;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-server-art-'));
  const staticDir = path.join(dir, 'renderer');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Sleeve</title>');
  const libraryPath = path.join(dir, 'library.sqlite');
  core = openSleeveCore({ libraryPath, host: new NodeWorkerHost(), workerEntry: nodeWorkerEntry(), shell: 'web' });
  png = await new ArtworkCache(artworkCacheDir(libraryPath)).put(await drawPicture({ width: 640, height: 640, background: [9, 99, 199], format: 'png' }));
  server = await startWebServer({ core, staticDir, token: TOKEN, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await core?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Sends the path exactly as written: fetch() would resolve '..' and some escapes first. */
function get(rawPath: string, cookie = true): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: rawPath, headers: cookie ? { cookie: `sleeve_token=${TOKEN}` } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('artwork on the web server', () => {
  it('serves thumbnails and originals from the cache, to be kept by the browser', async () => {
    const thumb = await get(`/art/thumb/${png.hash}`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.headers['cache-control']).toMatch(/max-age=31536000/);
    expect([...thumb.body.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const image = await get(`/art/image/${png.hash}`);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.body.length).toBe(png.bytes);
  });

  it('needs the access token', async () => {
    expect((await get(`/art/thumb/${png.hash}`, false)).status).toBe(401);
  });

  it('answers 404 for anything that is not a cached picture', async () => {
    for (const p of [
      `/art/thumb/${'0'.repeat(64)}`,
      `/art/meta/${png.hash}`,
      `/art/thumb/${png.hash}.jpg`,
      '/art/thumb/%2e%2e%2f%2e%2e%2flibrary.sqlite',
      '/art/image/../../library.sqlite',
      `/art/thumb%2F${png.hash}`,
      `/art/%2e%2e/art/thumb/${png.hash}`,
      '/art/',
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(res.headers['content-type'], p).toMatch(/^text\/plain/);
    }
  });
});
