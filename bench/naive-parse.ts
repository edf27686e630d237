/**
 * The scan benchmark's baseline: what anyone would write first. List the
 * folder with a recursive readdir, then await music-metadata's parseFile
 * (default options) on each audio file, one after another, in one process.
 *
 * Run: node --import tsx bench/naive-parse.ts DIR
 * The last stdout line is {"files","parsed","failed","listMs","parseMs"}.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import { AUDIO_EXTENSIONS } from './corpus';

async function listAudioFiles(dir: string, out: string[] = []): Promise<string[]> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await listAudioFiles(full, out);
    else if (entry.isFile() && AUDIO_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}

async function main(dir: string | undefined): Promise<void> {
  if (!dir) throw new Error('usage: node --import tsx bench/naive-parse.ts DIR');
  const t0 = performance.now();
  const files = await listAudioFiles(dir);
  const t1 = performance.now();
  let parsed = 0;
  let failed = 0;
  for (const file of files) {
    try {
      await parseFile(file);
      parsed++;
    } catch (err) {
      failed++;
      if (failed <= 5) process.stderr.write(`naive: ${file}: ${(err as Error).message}\n`);
    }
  }
  const t2 = performance.now();
  const result = { files: files.length, parsed, failed, listMs: Math.round(t1 - t0), parseMs: Math.round(t2 - t1) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv[2]).catch((err: unknown) => {
  process.stderr.write(`naive: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
