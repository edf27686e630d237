import { countJob } from '../pipelines/count';
import { enrichJob } from '../pipelines/enrich';
import { checkSourcesJob } from '../pipelines/check-sources';
import { importListensJob } from '../pipelines/import-listens';
import { scanJob } from '../pipelines/scan';
import { syncJob } from '../pipelines/sync';
import { writeTagsJob } from '../pipelines/write-tags';
import { yearsJob } from '../pipelines/years';
import { registerJob } from './registry';

/** Every job kind, registered once. A new pipeline adds one line here. */
let registered = false;

export function registerJobKinds(): void {
  if (registered) return;
  registered = true;
  registerJob(countJob);
  registerJob(scanJob);
  registerJob(checkSourcesJob);
  registerJob(yearsJob);
  registerJob(importListensJob);
  registerJob(enrichJob);
  registerJob(syncJob);
  registerJob(writeTagsJob);
}
