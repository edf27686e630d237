import { useEffect, useMemo, useState } from 'react';
import type { AlbumDetail, AlbumSummary, MatchCandidate } from '../../../shared/albums';
import { api } from '../api';
import { albumTitle, clock, MATCH_SOURCE_LABELS, releaseFacts, score, trackPosition } from '../albums';
import { useAlbumsActions, useAlbumsStore } from '../stores/albums';

type FileTrack = AlbumDetail['tracks'][number];

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;
/** Durations further apart than this are flagged: a different edit or the wrong track. */
const DURATION_SLACK_MS = 5000;

/** Keys 1–9 and N settle the album from anywhere in the view, except while typing or with the chooser open. */
function isEditable(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLElement && target.isContentEditable);
}

/**
 * An album whose candidates were too close to call, with those candidates
 * side by side: their facts, their score and its parts, and their
 * tracklists next to the files, showing which file sits on which track.
 */
export function ReviewPanel({ album, index }: { album: AlbumSummary; index: number }) {
  const version = useAlbumsStore((s) => s.version);
  const { resolveReview } = useAlbumsActions();
  const [detail, setDetail] = useState<{ id: number; value: AlbumDetail | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [hoverFile, setHoverFile] = useState<number | null>(null);

  useEffect(() => {
    let live = true;
    api.albumDetail(album.id).then(
      (value) => {
        if (!live) return;
        setDetail({ id: album.id, value });
        setError(null);
      },
      (err: unknown) => live && setError(`Sleeve could not load the candidates: ${messageOf(err)}`),
    );
    return () => {
      live = false;
    };
  }, [album.id, version]);

  const shown = detail?.id === album.id ? detail.value : null;
  const candidates = useMemo(() => (shown?.match.state === 'review' ? shown.candidates : []), [shown]);

  const resolve = async (choice: number | 'none') => {
    if (busy) return;
    setBusy(true);
    await resolveReview(album, index, choice);
    setBusy(false);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || isEditable(event.target)) return;
      // A dialog over the view (the chooser, Sync, Write Tags) owns the keys.
      if (useAlbumsStore.getState().chooser || document.querySelector('[aria-modal="true"]')) return;
      if (/^[1-9]$/.test(event.key)) {
        const n = Number(event.key) - 1;
        if (n >= candidates.length) return;
        event.preventDefault();
        document.getElementById(`review-use-${n}`)?.click();
      } else if (event.key === 'n' || event.key === 'N') {
        if (candidates.length === 0) return;
        event.preventDefault();
        document.getElementById('review-none')?.click();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [candidates]);

  const files = useMemo(
    () => [...(shown?.tracks ?? [])].sort((a, b) => (a.discNumber ?? 0) - (b.discNumber ?? 0) || (a.trackNumber ?? 0) - (b.trackNumber ?? 0) || a.path.localeCompare(b.path)),
    [shown],
  );
  const fileById = useMemo(() => new Map(files.map((f) => [f.id, f])), [files]);
  const title = albumTitle(album);

  return (
    <section className="review-panel" aria-labelledby="review-heading" aria-busy={busy || shown === null}>
      <header className="review-head">
        <div>
          <h2 id="review-heading">
            {title} <span className="muted">— {album.artist ?? 'Unknown artist'}</span>
          </h2>
          <p className="muted review-folder" title={album.folder}>
            {files.length || album.trackCount} files in {album.folder}
          </p>
        </div>
        <span className="spacer" />
        <button type="button" id="review-none" onClick={() => void resolve('none')} disabled={busy || candidates.length === 0} title="Marks the album not found; Match Again looks for it afresh (N)">
          None of These
        </button>
      </header>
      {error && (
        <p className="job-error" role="alert">
          {error}
        </p>
      )}
      {shown === null && !error ? (
        <p className="empty">Loading candidates…</p>
      ) : shown && shown.match.state !== 'review' ? (
        <p className="empty">This album is no longer waiting for review.</p>
      ) : (
        <>
          <p className="review-hint muted">
            These releases fit about equally well. Pick the one your files come from: <kbd>1</kbd>–<kbd>{Math.min(9, Math.max(1, candidates.length))}</kbd> picks
            it, <kbd>N</kbd> none of them. Your pick is kept over every later run.
          </p>
          <div className="review-columns">
            <div className="review-files" role="group" aria-label="Your files">
              <h3>Your files</h3>
              <ol className="tracklist">
                {files.map((file) => (
                  <li
                    key={file.id}
                    className={hoverFile === file.id ? 'hover' : ''}
                    onMouseEnter={() => setHoverFile(file.id)}
                    onMouseLeave={() => setHoverFile(null)}
                    title={file.path}
                  >
                    <span className="pos">{trackPosition(file.trackNumber, file.discNumber, 1)}</span>
                    <span className="name">{file.title ?? fileName(file.path)}</span>
                    <span className="time">{clock(file.durationMs)}</span>
                  </li>
                ))}
              </ol>
            </div>
            {candidates.map((candidate, n) => (
              <CandidateCard
                key={`${candidate.source}:${candidate.id}`}
                n={n}
                candidate={candidate}
                fileById={fileById}
                hoverFile={hoverFile}
                onHoverFile={setHoverFile}
                busy={busy}
                onUse={() => void resolve(n)}
              />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function CandidateCard(props: {
  n: number;
  candidate: MatchCandidate;
  fileById: Map<number, FileTrack>;
  hoverFile: number | null;
  onHoverFile(id: number | null): void;
  busy: boolean;
  onUse(): void;
}) {
  const { n, candidate, fileById, hoverFile } = props;
  const discs = new Set(candidate.tracks.map((t) => t.discNumber ?? 1)).size;
  const placed = new Set(candidate.tracks.map((t) => t.fileTrackId).filter((id): id is number => id !== null));
  const left = [...fileById.values()].filter((f) => !placed.has(f.id));
  const parts = candidate.parts;
  const headingId = `candidate-${n}-heading`;
  return (
    <div className="review-candidate card" role="group" aria-labelledby={headingId} data-candidate={n}>
      <div className="candidate-head">
        <kbd className="candidate-key" aria-hidden="true">
          {n < 9 ? n + 1 : ''}
        </kbd>
        <div className="candidate-title">
          <h3 id={headingId}>{candidate.title}</h3>
          <span>{candidate.artist}</span>
        </div>
        <span className="candidate-score" title="How well this release fits the files, from 0 to 1">
          {score(candidate.score)}
        </span>
      </div>
      <p className="candidate-facts">
        <span className="source-label">{MATCH_SOURCE_LABELS[candidate.source]}</span> {releaseFacts(candidate)}
      </p>
      <dl className="score-parts">
        <div>
          <dt>title</dt>
          <dd>{score(parts.title)}</dd>
        </div>
        <div>
          <dt>artist</dt>
          <dd>{score(parts.artist)}</dd>
        </div>
        <div>
          <dt>track count</dt>
          <dd>{parts.count === null ? '—' : score(parts.count)}</dd>
        </div>
        <div>
          <dt>tracks</dt>
          <dd>{parts.tracks === null ? '—' : score(parts.tracks)}</dd>
        </div>
      </dl>
      <button
        type="button"
        id={`review-use-${n}`}
        className="primary"
        disabled={props.busy}
        onClick={props.onUse}
        title={n < 9 ? `Confirms this release as the album's match (${n + 1})` : "Confirms this release as the album's match"}
      >
        Use This Release
      </button>
      {candidate.tracks.length === 0 ? (
        <p className="muted candidate-note">The tracklist was not looked up for this candidate.</p>
      ) : (
        <ol className="tracklist" aria-label={`Tracks of candidate ${n + 1}`}>
          {candidate.tracks.map((track, i) => {
            const file = track.fileTrackId === null ? undefined : fileById.get(track.fileTrackId);
            const off = file && file.durationMs !== null && track.durationMs !== null && Math.abs(file.durationMs - track.durationMs) > DURATION_SLACK_MS;
            return (
              <li
                key={i}
                className={`${file ? 'placed' : 'unplaced'} ${file && hoverFile === file.id ? 'hover' : ''}`}
                onMouseEnter={() => file && props.onHoverFile(file.id)}
                onMouseLeave={() => props.onHoverFile(null)}
                title={file ? `Your file: ${file.path}` : 'None of your files sits on this track'}
              >
                <span className="pos">{trackPosition(track.position, track.discNumber, discs)}</span>
                <span className="name">
                  {track.title}
                  {file && <span className="file-on">← {file.trackNumber !== null ? `#${file.trackNumber} ` : ''}{file.title ?? fileName(file.path)}</span>}
                </span>
                <span className={`time ${off ? 'off' : ''}`} title={off ? `Your file lasts ${clock(file!.durationMs)}` : undefined}>
                  {clock(track.durationMs)}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      {candidate.tracks.length > 0 && left.length > 0 && (
        <p className="candidate-note muted">
          Not on this release: {left.map((f) => f.title ?? fileName(f.path)).join(', ')}
        </p>
      )}
    </div>
  );
}
