import { useEffect, useMemo } from 'react';
import { formatCount } from '../../../shared/format';
import { isFinished } from '../../../shared/jobs';
import type { YearSource, YearStats } from '../../../shared/library';
import { shortcut } from '../keys';
import { useJobsStore } from '../stores/jobs';
import { useLibraryStore } from '../stores/library';
import { useYearsActions, useYearsStore, type YearGrouping } from '../stores/years';
import { SOURCE_ORDER } from '../years';
import { BarChart, type BarSeries } from './BarChart';
import { PathPrompt } from './PathPrompt';
import { YearBadge } from './YearCell';
import { ImportJobCard, YearsJobCard } from './YearJobs';

const SOURCE_NAMES: Record<YearSource | 'none', string> = {
  user: 'Set by you',
  mbid: 'MusicBrainz, by id',
  'fuzzy-mb': 'MusicBrainz, by name',
  theaudiodb: 'TheAudioDB',
  discogs: 'Discogs',
  tag: 'File tags only',
  none: 'No year',
};

/** Above this many years between the first and the last, empty years are left out of the axis. */
const MAX_FILLED_SPAN = 150;

/** Bars per year or per decade, with the empty ones in between so the axis reads as time. */
export function chartData(stats: YearStats, grouping: YearGrouping): { labels: string[]; tracks: number[]; listens: number[] } {
  const bucket = (year: number) => (grouping === 'decades' ? Math.floor(year / 10) * 10 : year);
  const tracks = new Map<number, number>();
  const listens = new Map<number, number>();
  for (const { year, count } of stats.tracks) tracks.set(bucket(year), (tracks.get(bucket(year)) ?? 0) + count);
  for (const { year, count } of stats.listens) listens.set(bucket(year), (listens.get(bucket(year)) ?? 0) + count);
  let keys = [...new Set([...tracks.keys(), ...listens.keys()])].sort((a, b) => a - b);
  const step = grouping === 'decades' ? 10 : 1;
  if (keys.length > 1 && (keys[keys.length - 1]! - keys[0]!) / step <= MAX_FILLED_SPAN) {
    const filled: number[] = [];
    for (let k = keys[0]!; k <= keys[keys.length - 1]!; k += step) filled.push(k);
    keys = filled;
  }
  return {
    labels: keys.map((k) => (grouping === 'decades' ? `${k}s` : String(k))),
    tracks: keys.map((k) => tracks.get(k) ?? 0),
    listens: keys.map((k) => listens.get(k) ?? 0),
  };
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 100));

function Figure({ name, value, of, note, testId }: { name: string; value: number; of?: number; note: string; testId: string }) {
  return (
    <div className="figure" data-figure={testId}>
      <div className="figure-name">{name}</div>
      <div className="figure-value">
        <span data-value>{formatCount(value)}</span>
        {of !== undefined && <span className="figure-of"> of {formatCount(of)}</span>}
      </div>
      {of !== undefined && of > 0 && (
        <div className="meter" aria-hidden="true">
          <div className="meter-fill" style={{ width: `${percent(value, of)}%` }} />
        </div>
      )}
      <div className="figure-note">{note}</div>
    </div>
  );
}

function Sources({ stats }: { stats: YearStats }) {
  const rows: Array<YearSource | 'none'> = [...SOURCE_ORDER, 'none'];
  const max = Math.max(1, ...rows.map((s) => stats.trackSources[s] ?? 0));
  return (
    <div className="card sources-card" aria-labelledby="sources-heading">
      <h2 id="sources-heading">Where the track years came from</h2>
      <ul className="source-list" aria-label="Track years by source">
        {rows.map((source) => {
          const n = stats.trackSources[source] ?? 0;
          return (
            <li key={source} data-source={source} className={n === 0 ? 'zero' : ''}>
              <span className="source-badge">{source === 'none' ? <span className="year-badge source-none">—</span> : <YearBadge source={source} />}</span>
              <span className="source-name">{SOURCE_NAMES[source]}</span>
              <span className="source-bar" aria-hidden="true">
                <span style={{ width: `${(n / max) * 100}%` }} />
              </span>
              <span className="source-count" data-count>
                {formatCount(n)}
              </span>
            </li>
          );
        })}
      </ul>
      <p className="sources-note">
        A year you set is kept over every lookup. To set one, select a track in the Library and press <kbd>Enter</kbd>, or click its year.
      </p>
    </div>
  );
}

function YearChart({ stats }: { stats: YearStats }) {
  const grouping = useYearsStore((s) => s.grouping);
  const { setGrouping, findYears } = useYearsActions();
  const data = useMemo(() => chartData(stats, grouping), [stats, grouping]);
  const hasListens = stats.listens.length > 0;
  const series = useMemo<BarSeries[]>(
    () => [
      { label: 'Tracks', values: data.tracks, colorVar: '--accent' },
      ...(hasListens ? [{ label: 'Listens', values: data.listens, colorVar: '--listens', rightAxis: true }] : []),
    ],
    [data, hasListens],
  );
  const empty = data.labels.length === 0;
  const first = data.labels[0];
  const last = data.labels[data.labels.length - 1];
  return (
    <div className="card chart-card">
      <div className="chart-head">
        <h2>{hasListens ? 'Tracks and listens' : 'Tracks'} by {grouping === 'decades' ? 'decade' : 'year'} of first release</h2>
        <span className="spacer" />
        <div className="segmented small" role="tablist" aria-label="Group by">
          {(['years', 'decades'] as const).map((g) => (
            <button key={g} type="button" role="tab" aria-selected={grouping === g} onClick={() => setGrouping(g)} disabled={empty}>
              {g === 'years' ? 'Years' : 'Decades'}
            </button>
          ))}
        </div>
      </div>
      {empty ? (
        <div className="chart-empty">
          <p>
            None of your {formatCount(stats.trackTotal)} tracks has a year yet. Sleeve finds the year each song first came out on MusicBrainz, by the ids in
            the tags or by name, so a 2011 remaster counts as the 1971 album.
          </p>
          <button type="button" className="primary" onClick={() => void findYears()}>
            Find Release Years
          </button>
        </div>
      ) : (
        <BarChart
          label={`${hasListens ? 'Tracks and listens' : 'Tracks'} per ${grouping === 'decades' ? 'decade' : 'year'}, ${first} to ${last}`}
          labels={data.labels}
          series={series}
        />
      )}
    </div>
  );
}

function EmptyYears() {
  const { importListens } = useYearsActions();
  return (
    <div className="empty-library">
      <h2>No music to chart yet</h2>
      <p>Add your music in the Library, or import a listening history, and Sleeve will show what you have and what you play by the year it first came out.</p>
      <div className="empty-actions">
        <a className="button primary" href="#library">
          Go to Library
        </a>
        <button type="button" onClick={() => void importListens()}>
          Import Listening History…
        </button>
      </div>
    </div>
  );
}

/** Years: what the library holds and what one listens to, by the year the music first came out. */
export function YearsView() {
  const { stats, askingForListensPath } = useYearsStore();
  const actions = useYearsActions();
  // Bumped on every library change, a years or import job's end and a reconnect.
  const version = useLibraryStore((s) => s.version);
  const running = useJobsStore((s) => s.ids.some((id) => s.byId[id]?.kind === 'years' && !isFinished(s.byId[id]!.state)));
  const importing = useJobsStore((s) => s.ids.some((id) => s.byId[id]?.kind === 'import-listens' && !isFinished(s.byId[id]!.state)));

  useEffect(() => void actions.loadStats(), [actions, version]);

  const nothing = stats !== null && stats.trackTotal === 0 && stats.listenTotal === 0;
  return (
    <section className="panel years" aria-labelledby="years-heading">
      <header className="panel-head">
        <h1 id="years-heading">Years</h1>
        <div className="actions">
          <button type="button" onClick={() => void actions.importListens()} disabled={importing}>
            Import Listening History…
          </button>
          <button
            type="button"
            onClick={() => void actions.findYears(undefined, { refresh: true })}
            disabled={running || nothing}
            title="Looks up every year again and asks the services afresh instead of using their cached answers. Years you set stay."
          >
            Look Again
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void actions.findYears()}
            disabled={running || nothing || stats?.pending === 0}
            title={stats?.pending === 0 ? 'Every track and listen has been looked up' : `Looks up the original release year of every track and listen (${shortcut('Y')})`}
          >
            Find Release Years
          </button>
        </div>
      </header>
      {askingForListensPath && (
        <PathPrompt
          single
          title="Import listening history"
          label="A ListenBrainz or Last.fm export (.json, .jsonl or .csv) on the machine Sleeve runs on"
          placeholder="/home/you/Downloads/listens.jsonl"
          submitLabel="Import"
          onScan={([file]) => void actions.importListensFrom(file!)}
          onCancel={actions.cancelListensPrompt}
        />
      )}
      <YearsJobCard />
      <ImportJobCard />
      {stats === null ? (
        <p className="empty">Loading…</p>
      ) : nothing ? (
        <EmptyYears />
      ) : (
        <>
          <div className="figures" role="group" aria-label="Year totals">
            <Figure
              testId="tracks"
              name="Tracks with a year"
              value={stats.tracksWithYear}
              of={stats.trackTotal}
              note={stats.trackTotal === 0 ? 'No tracks: add folders in the Library' : `${percent(stats.tracksWithYear, stats.trackTotal)}% of the library`}
            />
            <Figure
              testId="listens"
              name="Listens with a year"
              value={stats.listensWithYear}
              of={stats.listenTotal}
              note={stats.listenTotal === 0 ? 'No listening history: import a ListenBrainz or Last.fm export' : `${percent(stats.listensWithYear, stats.listenTotal)}% of your listens`}
            />
            <Figure
              testId="pending"
              name="Waiting for a lookup"
              value={stats.pending}
              note={stats.pending === 0 ? 'Every track and listen has been looked up' : 'Never looked up, or deferred: Find Release Years looks them up'}
            />
          </div>
          <div className="years-grid">
            <YearChart stats={stats} />
            <Sources stats={stats} />
          </div>
        </>
      )}
    </section>
  );
}
