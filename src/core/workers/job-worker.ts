/**
 * The entry of every worker process, forked by the job manager through
 * utilityProcess.fork (desktop) or child_process.fork (CLI, web server,
 * tests). It loads under plain Node.
 */
import { registerJobKinds } from '../jobs/kinds';

// tsx turns source maps on, which makes every Error a parser creates costly;
// a worker reports messages, not stacks.
process.setSourceMapsEnabled(false);
import { processPort, serveWorker } from '../jobs/runtime';
import { setWorkerAssetBase } from './assets';

setWorkerAssetBase(import.meta.url);
registerJobKinds();
serveWorker(processPort());
