/**
 * A scan thread: reads the tags of the files it is sent, a few at a time so
 * disk waits overlap, and posts the results back in the same order.
 */
import { parentPort } from 'node:worker_threads';

// tsx turns source maps on, which makes every Error a parser creates costly;
// a worker reports messages, not stacks.
process.setSourceMapsEnabled(false);
import { readAudioFile } from '../scan/read-file';
import type { FoundFile, ReadResult } from '../scan/types';

const IN_FLIGHT = 4;

async function readBatch(files: FoundFile[]): Promise<ReadResult[]> {
  const results: ReadResult[] = new Array(files.length);
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const i = next++;
      results[i] = await readAudioFile(files[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, files.length) }, lane));
  return results;
}

parentPort!.on('message', (message: { id: number; files: FoundFile[] }) => {
  void readBatch(message.files).then((results) => parentPort!.postMessage({ id: message.id, results }));
});
