/**
 * The entry of every worker process, forked by the job manager through
 * utilityProcess.fork (desktop) or child_process.fork (CLI, web server,
 * tests). It loads under plain Node.
 */
import { registerJobKinds } from '../jobs/kinds';
import { processPort, serveWorker } from '../jobs/runtime';
import { setWorkerAssetBase } from './assets';

setWorkerAssetBase(import.meta.url);
registerJobKinds();
serveWorker(processPort());
