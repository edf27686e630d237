import { formatCount } from '../../../shared/format';
import type { JobSnapshot } from '../../../shared/jobs';
import { useWatchedJob, useYearsActions } from '../stores/years';
import { ActiveJob } from './ActiveJob';

const YEAR_COUNTERS = ['processed', 'mbidFound', 'fuzzyFound', 'notFound', 'deferred', 'requests', 'cacheHits'];
const YEAR_EXTRA = ['theaudiodbFound', 'discogsFound', 'errors'];
const YEAR_LABELS = {
  mbidFound: 'by id',
  fuzzyFound: 'by name',
  theaudiodbFound: 'TheAudioDB',
  discogsFound: 'Discogs',
  cacheHits: 'from cache',
};

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function yearsEnded(job: JobSnapshot): string {
  const c = job.counters;
  if (job.state === 'failed') return 'Finding release years failed';
  const found = (c.mbidFound ?? 0) + (c.fuzzyFound ?? 0) + (c.theaudiodbFound ?? 0) + (c.discogsFound ?? 0);
  const processed = c.processed ?? 0;
  if (job.state === 'cancelled') return `Stopped after ${plural(processed, 'item')}: ${formatCount(found)} years found; the next run goes on from there`;
  if (job.total === 0) return 'Nothing to look up: every item here already has its year';
  const rest = [
    (c.notFound ?? 0) > 0 ? `${formatCount(c.notFound!)} not found` : null,
    (c.deferred ?? 0) > 0 ? `${formatCount(c.deferred!)} deferred to the next run` : null,
  ].filter(Boolean);
  return `Found the year of ${formatCount(found)} of ${plural(processed, 'item')}${rest.length ? `; ${rest.join(', ')}` : ''}`;
}

function importEnded(job: JobSnapshot): string {
  if (job.state === 'failed') return 'Importing listening history failed';
  if (job.state === 'cancelled') return 'Import stopped';
  const imported = job.counters.imported ?? job.counters.listens ?? job.done;
  return `Imported ${plural(imported, 'listen')}`;
}

/** The years run this window started or saw start: live counters, then a summary until dismissed. */
export function YearsJobCard() {
  const job = useWatchedJob('years');
  const { dismiss } = useYearsActions();
  if (!job) return null;
  return (
    <ActiveJob
      job={job}
      label="Release years"
      runningText="Finding release years…"
      counters={YEAR_COUNTERS}
      extraCounters={YEAR_EXTRA}
      labels={YEAR_LABELS}
      cancelLabel="Stop"
      endedText={yearsEnded}
      onDismiss={() => dismiss(job.id)}
    />
  );
}

/** The listening-history import, the same way. */
export function ImportJobCard() {
  const job = useWatchedJob('import-listens');
  const { dismiss } = useYearsActions();
  if (!job) return null;
  return (
    <ActiveJob
      job={job}
      label="Listening history import"
      runningText="Importing listening history…"
      cancelLabel="Stop"
      endedText={importEnded}
      onDismiss={() => dismiss(job.id)}
    />
  );
}
