/**
 * Test support: one 'pipeline' in its own process, looking up MusicBrainz
 * recordings as fast as the network layer lets it until a deadline. Two of
 * these at once show that the rate gate is shared across processes.
 *
 *   node --import tsx musicbrainz-load.ts LIBRARY MB_URL UNTIL_MS ID...
 *
 * Prints one JSON line: {requests, lookups, deferred, errors}.
 */
import { openLibrary } from '../../db/library';
import { DeferredError } from '../errors';
import { openNetwork } from '../network';
import { MusicBrainzClient } from '../../sources/musicbrainz';

const [libraryPath, baseUrl, untilArg, ...ids] = process.argv.slice(2);
if (!libraryPath || !baseUrl || !untilArg || ids.length === 0) {
  process.stderr.write('usage: musicbrainz-load.ts LIBRARY MB_URL UNTIL_MS ID...\n');
  process.exit(2);
}
const until = Number(untilArg);
const db = openLibrary(libraryPath, { verify: false });
const counts = { requests: 0, lookups: 0, deferred: 0, errors: 0 };
const net = openNetwork({
  db,
  params: { sources: { musicbrainz: { baseUrl } }, noCache: true },
  count: (name, by = 1) => {
    if (name === 'requests') counts.requests += by;
  },
});
const mb = new MusicBrainzClient(net.http('musicbrainz'));

let next = 0;
async function lane(): Promise<void> {
  while (Date.now() < until) {
    const id = ids[next++ % ids.length]!;
    try {
      await mb.lookupRecording(id);
      counts.lookups++;
    } catch (err) {
      if (err instanceof DeferredError) counts.deferred++;
      else counts.errors++;
    }
  }
}

await Promise.all(Array.from({ length: net.settings.musicbrainz.concurrency }, lane));
db.close();
process.stdout.write(`${JSON.stringify(counts)}\n`);
