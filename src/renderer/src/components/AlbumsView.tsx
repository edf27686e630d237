import { useCallback, useEffect, useState } from 'react';
import { ALBUM_VIEWS, type AlbumSummary, type AlbumView, type EnrichStats } from '../../../shared/albums';
import { formatCount } from '../../../shared/format';
import { isFinished, type JobSnapshot } from '../../../shared/jobs';
import { api } from '../api';
import { albumTitle, VIEW_LABELS, viewCount } from '../albums';
import { shortcut } from '../keys';
import { selectedCount, selectOne, type Selection } from '../selection';
import { useAlbumsActions, useAlbumsStore } from '../stores/albums';
import { useJobsStore } from '../stores/jobs';
import { useLibraryActions, useLibraryStore } from '../stores/library';
import { albumsTarget, useWriteActions, useWriteContext } from '../stores/write';
import { useWatchedJob, useYearsActions } from '../stores/years';
import { ActiveJob } from './ActiveJob';
import { AlbumTable } from './AlbumTable';
import { ArtworkChooser } from './ArtworkChooser';
import { PathPrompt } from './PathPrompt';
import { ReviewPanel } from './ReviewPanel';
import { useDebounced } from './useDebounced';

const ENRICH_COUNTERS = ['albums', 'matched', 'review', 'notFound', 'deferred', 'artworkFound', 'requests', 'cacheHits'];
const ENRICH_EXTRA = ['errors'];
const ENRICH_LABELS = { review: 'to review', notFound: 'not found', artworkFound: 'artwork found', cacheHits: 'from cache' };

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function enrichEnded(job: JobSnapshot): string {
  const c = job.counters;
  if (job.state === 'failed') return 'Enriching albums failed';
  const albums = c.albums ?? job.done;
  if (job.state === 'cancelled') return `Stopped after ${plural(albums, 'album')}; the next run goes on from there`;
  if (job.total === 0) return 'Nothing to enrich: every album here has been looked up. Match Again looks afresh.';
  const rest = [
    (c.review ?? 0) > 0 ? `${formatCount(c.review!)} to review` : null,
    (c.notFound ?? 0) > 0 ? `${formatCount(c.notFound!)} not found` : null,
    (c.deferred ?? 0) > 0 ? `${formatCount(c.deferred!)} deferred to the next run` : null,
  ].filter(Boolean);
  const art = (c.artworkFound ?? 0) > 0 ? `; found artwork for ${plural(c.artworkFound!, 'album')}` : '';
  return `Matched ${formatCount(c.matched ?? 0)} of ${plural(albums, 'album')}${rest.length ? `; ${rest.join(', ')}` : ''}${art}`;
}

function EnrichJobCard() {
  const job = useWatchedJob('enrich');
  const { dismiss } = useYearsActions();
  if (!job) return null;
  return (
    <ActiveJob
      job={job}
      label="Enrichment"
      runningText="Matching albums and finding their artwork…"
      counters={ENRICH_COUNTERS}
      extraCounters={ENRICH_EXTRA}
      labels={ENRICH_LABELS}
      cancelLabel="Cancel"
      endedText={enrichEnded}
      onDismiss={() => dismiss(job.id)}
    />
  );
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 100));

/** The totals over the whole library; each opens the view that lists it. */
function Figures({ stats }: { stats: EnrichStats }) {
  const { setView } = useAlbumsActions();
  const figures: Array<{ key: string; name: string; value: number; view: AlbumView; note: string }> = [
    { key: 'albums', name: 'Albums', value: stats.albums, view: 'all', note: stats.queued > 0 ? `${formatCount(stats.queued)} queued for enrichment` : 'in the library' },
    { key: 'matched', name: 'Matched', value: stats.matched, view: 'all', note: `${percent(stats.matched, stats.albums)}% of the albums` },
    { key: 'review', name: 'Waiting for review', value: stats.review, view: 'review', note: stats.review === 0 ? 'nothing to decide' : 'candidates too close to call' },
    { key: 'notFound', name: 'Not found', value: stats.notFound, view: 'notFound', note: stats.deferred > 0 ? `${formatCount(stats.deferred)} deferred to the next run` : 'no service knew them' },
    { key: 'withoutArt', name: 'Without art', value: stats.withoutArt, view: 'withoutArt', note: `${formatCount(stats.withArt)} ${stats.withArt === 1 ? 'has' : 'have'} a picture` },
  ];
  return (
    <div className="figures album-figures" role="group" aria-label="Album totals">
      {figures.map((f) => (
        <button key={f.key} type="button" className="figure" data-figure={f.key} onClick={() => setView(f.view)} title={`Show: ${VIEW_LABELS[f.view]}`}>
          <span className="figure-name">{f.name}</span>
          <span className="figure-value">
            <span data-value>{formatCount(f.value)}</span>
          </span>
          <span className="figure-note">{f.note}</span>
        </button>
      ))}
    </div>
  );
}

const EMPTY_VIEW: Record<AlbumView, { title: string; text: string }> = {
  all: { title: 'No albums here', text: '' },
  review: { title: 'Nothing waiting for review', text: 'When two releases fit an album about equally well, Sleeve asks you here instead of guessing.' },
  withoutArt: { title: 'Every album has a picture', text: 'Albums with no picture chosen, suggested or of their own show here.' },
  notFound: { title: 'No album went unfound', text: 'Albums no service knew, and those you marked None of These, show here.' },
  unmatched: { title: 'Every album has been looked up', text: 'Albums not matched yet show here until Enrich looks them up.' },
};

function EmptyAlbums() {
  const { addFolder, scan, cancelPathPrompt } = useLibraryActions();
  const askingForPath = useLibraryStore((s) => s.askingForPath);
  return (
    <>
      {askingForPath && <PathPrompt onScan={(paths) => void scan(paths)} onCancel={cancelPathPrompt} />}
      <div className="empty-library">
        <h2>No albums yet: add a folder</h2>
        <p>Sleeve groups your tracks into albums as it scans them. Then Enrich matches each album on MusicBrainz and finds its cover art.</p>
        <div className="empty-actions">
          <button type="button" className="primary" onClick={() => void addFolder()}>
            Add Folder…
          </button>
          <a className="button" href="#library">
            Go to Library
          </a>
        </div>
      </div>
    </>
  );
}

/** Albums: their matches and their cover art, the review queue and the artwork chooser. */
export function AlbumsView() {
  const { view, filter: typed, stats, version, selection, current, chooser, artBaseUrl, message } = useAlbumsStore();
  const actions = useAlbumsActions();
  const filter = useDebounced(typed, 200);
  const [totals, setTotals] = useState({ key: '', total: 0 });
  const running = useJobsStore((s) => s.ids.some((id) => s.byId[id]?.kind === 'enrich' && !isFinished(s.byId[id]!.state)));
  const scanning = useJobsStore((s) => s.ids.some((id) => s.byId[id]?.kind === 'scan' && !isFinished(s.byId[id]!.state)));

  useEffect(() => void actions.load(), [actions]);

  const queryKey = JSON.stringify({ view, filter });
  const loadPage = useCallback(
    async (offset: number, limit: number): Promise<AlbumSummary[]> => {
      const page = await api.listAlbums({ view, filter, offset, limit });
      setTotals({ key: queryKey, total: page.total });
      return page.albums;
    },
    [view, filter, queryKey],
  );
  useEffect(() => {
    loadPage(0, 1).catch(() => undefined);
  }, [loadPage, version]);
  const total = totals.key === queryKey ? totals.total : 0;
  const known = totals.key === queryKey;

  // The Review tab opens on its first album, so the keys work at once.
  useEffect(() => {
    if (view !== 'review' || current || total === 0) return;
    let live = true;
    api.listAlbums({ view, filter, offset: 0, limit: 1 }).then(
      (page) => {
        const first = page.albums[0];
        if (live && first && !useAlbumsStore.getState().current) actions.setSelection(selectOne(0, first.id), first);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [view, filter, current, total, actions]);

  const count = selectedCount(selection, total);
  const enrichSelected = async () => {
    const ids = await actions.selectedIds();
    if (ids.length > 0) await actions.enrich({ albumIds: ids });
  };
  const matchAgain = async () => {
    const ids = count > 0 ? await actions.selectedIds() : null;
    await actions.enrich(ids ? { albumIds: ids } : undefined, { refresh: true });
  };
  // Write Tags… (its button, its key, the menu) writes the selected albums; one is named by its title.
  const writeTarget = useCallback(async () => {
    const ids = await actions.selectedIds();
    const { current: shown } = useAlbumsStore.getState();
    return ids.length === 0 ? null : albumsTarget(ids, shown && ids.length === 1 && shown.id === ids[0] ? albumTitle(shown) : undefined);
  }, [actions]);
  useWriteContext(count > 0 ? writeTarget : null);
  const { showForContext: writeTags } = useWriteActions();
  const onSelection = useCallback((s: Selection, album?: AlbumSummary | null) => actions.setSelection(s, album), [actions]);
  const focused = current && selection.focus !== null ? current : null;

  const nothing = stats !== null && stats.albums === 0 && !scanning;
  const emptyView = known && total === 0;
  return (
    <section className="panel albums" aria-labelledby="albums-heading">
      <header className="panel-head">
        <h1 id="albums-heading">Albums</h1>
        {/* Beside the heading, where it cannot push the list down under the pointer between two clicks. */}
        {count > 0 && (
          <span className="chip" data-selected={count}>
            {formatCount(count)} selected
            <button type="button" aria-label="Clear the selection" onClick={() => onSelection({ ...selection, ids: new Set(), all: false })}>
              ✕
            </button>
          </span>
        )}
        <span className="spacer" />
        <div className="actions">
          <button
            type="button"
            onClick={() => focused && actions.openChooser(focused)}
            disabled={!focused || nothing}
            title="Every picture found for the album in focus (Enter or a double-click)"
          >
            Choose Artwork…
          </button>
          <button type="button" onClick={() => void enrichSelected()} disabled={running || count === 0} title="Matches the selected albums first and finds their artwork">
            Enrich Selected
          </button>
          <button
            type="button"
            onClick={() => void matchAgain()}
            disabled={running || nothing}
            title={`Matches ${count > 0 ? 'the selected albums' : 'every album'} again and asks the services afresh. Matches you confirmed and pictures you chose stay.`}
          >
            Match Again
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void actions.enrich()}
            disabled={running || nothing}
            title={`Matches every album not matched yet on MusicBrainz and finds its cover art (${shortcut('E')})`}
          >
            Enrich
          </button>
        </div>
      </header>
      <EnrichJobCard />
      {message && (
        <div className="banner banner-info" role="status">
          <span>{message}</span>
          <button type="button" onClick={() => actions.setMessage(null)}>
            Dismiss
          </button>
        </div>
      )}
      {stats === null ? (
        <p className="empty">Loading…</p>
      ) : nothing ? (
        <EmptyAlbums />
      ) : (
        <>
          <Figures stats={stats} />
          <div className="library-toolbar albums-toolbar">
            <div className="segmented" role="tablist" aria-label="Album view">
              {ALBUM_VIEWS.map((v) => {
                const n = viewCount(v, stats);
                return (
                  <button key={v} type="button" role="tab" aria-selected={view === v} data-view={v} onClick={() => actions.setView(v)}>
                    {VIEW_LABELS[v]}
                    {v !== 'all' && n > 0 && (
                      <span className={`tab-count ${v === 'review' ? 'attention' : ''}`} aria-label={`, ${n}`}>
                        {formatCount(n)}
                      </span>
                    )}
                  </button>
                );
              })}
            </div>
            <input
              type="search"
              className="filter"
              placeholder="Filter by album, artist or folder"
              aria-label="Filter albums"
              value={typed}
              onChange={(e) => actions.setFilter(e.target.value)}
            />
            <div className="toolbar-actions">
              {view === 'withoutArt' && (
                <button
                  type="button"
                  onClick={() => void actions.acceptSuggested()}
                  disabled={total === 0}
                  title={`Takes the suggested picture for ${count > 0 ? 'the selected albums' : 'every album here'} that has none chosen and no art of its own`}
                >
                  Accept Suggested
                </button>
              )}
              {/* In this toolbar, not beside the heading: there the selection chip would wrap the line and move the list between two clicks. */}
              <button
                type="button"
                onClick={() => void writeTags()}
                title={`Writes what Sleeve found (matches, years, the chosen cover) into the files of ${count === 1 ? 'the selected album' : count > 0 ? 'the selected albums' : 'every album'}, after a preview (${shortcut('Shift+E')})`}
              >
                Write Tags…
              </button>
            </div>
          </div>
          {emptyView ? (
            <div className="empty-view" data-empty-view={view}>
              <h2>{filter ? 'No albums match the filter' : EMPTY_VIEW[view].title}</h2>
              {!filter && EMPTY_VIEW[view].text && <p>{EMPTY_VIEW[view].text}</p>}
            </div>
          ) : (
            <div className={`albums-body ${view === 'review' ? 'with-review' : ''}`}>
              <AlbumTable
                label={`Albums: ${VIEW_LABELS[view]}`}
                total={total}
                loadPage={loadPage}
                version={version}
                queryKey={queryKey}
                selection={selection}
                onSelection={onSelection}
                onActivate={actions.openChooser}
                current={current}
                artBaseUrl={artBaseUrl}
                compact={view === 'review'}
              />
              {view === 'review' &&
                (focused && selection.focus !== null ? (
                  <ReviewPanel album={focused} index={selection.focus} />
                ) : (
                  <div className="review-panel empty">Select an album to compare its candidates.</div>
                ))}
            </div>
          )}
        </>
      )}
      {chooser && <ArtworkChooser album={chooser} onClose={actions.closeChooser} />}
    </section>
  );
}
