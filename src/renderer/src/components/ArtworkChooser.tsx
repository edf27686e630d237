import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AlbumSummary, ArtCandidate } from '../../../shared/albums';
import { formatBytes } from '../../../shared/format';
import { api } from '../api';
import { albumTitle, candidateLabel, pixelSize } from '../albums';
import { useAlbumsActions, useAlbumsStore } from '../stores/albums';
import { Thumb } from './Thumb';

interface Props {
  album: AlbumSummary;
  onClose(): void;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Where the focus starts: the picture in use, else the suggestion, else the first. */
function startIndex(candidates: ArtCandidate[]): number {
  const chosen = candidates.findIndex((c) => c.chosen);
  if (chosen >= 0) return chosen;
  return Math.max(0, candidates.findIndex((c) => c.suggested));
}

/** How many options sit on the gallery's first line, so Up and Down move by a row. */
function columnsOf(list: HTMLElement | null): number {
  const options = list ? [...list.querySelectorAll<HTMLElement>('[role="option"]')] : [];
  if (options.length === 0) return 1;
  const top = options[0]!.offsetTop;
  return Math.max(1, options.filter((o) => o.offsetTop === top).length);
}

/**
 * Every picture found for an album, to pick one from with the mouse or the
 * keyboard. A pick is saved at once and no later run replaces it.
 */
export function ArtworkChooser({ album, onClose }: Props) {
  const artBaseUrl = useAlbumsStore((s) => s.artBaseUrl);
  const { chooseArt, enrich } = useAlbumsActions();
  const [candidates, setCandidates] = useState<ArtCandidate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [focused, setFocused] = useState(0);
  const [viewing, setViewing] = useState<ArtCandidate | null>(null);
  const [saving, setSaving] = useState(false);
  const dialogRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  // Keyboard moves put the focus on the option; a reload after a pick must not steal it from elsewhere.
  const moveFocus = useRef(true);

  const load = useCallback(
    async (keep?: number) => {
      try {
        const found = await api.artCandidates(album.id);
        setCandidates(found);
        setError(null);
        const at = keep === undefined ? -1 : found.findIndex((c) => c.id === keep);
        setFocused(at >= 0 ? at : startIndex(found));
      } catch (err) {
        setError(`Sleeve could not list the pictures: ${messageOf(err)}`);
        setCandidates([]);
      }
    },
    [album.id],
  );

  useEffect(() => {
    void load();
  }, [load]);

  // The element that had the focus gets it back when the dialog closes.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => before?.focus({ preventScroll: true });
  }, []);

  useLayoutEffect(() => {
    if (viewing || !candidates || candidates.length === 0) return;
    if (!moveFocus.current) return;
    listRef.current?.querySelectorAll<HTMLElement>('[role="option"]')[focused]?.focus();
  }, [focused, candidates, viewing]);

  // Without pictures there is no gallery to take the focus: the dialog takes it, so Escape still closes.
  useEffect(() => {
    if (candidates && candidates.length === 0) dialogRef.current?.focus();
  }, [candidates]);

  const choose = async (candidate: ArtCandidate) => {
    if (saving || candidate.chosen) return;
    setSaving(true);
    const saved = await chooseArt(album.id, candidate.id);
    setSaving(false);
    if (saved) await load(candidate.id);
  };

  const onGalleryKey = (event: KeyboardEvent) => {
    if (!candidates || candidates.length === 0) return;
    const columns = columnsOf(listRef.current);
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns };
    let next: number | null = null;
    if (event.key in moves) next = Math.min(candidates.length - 1, Math.max(0, focused + moves[event.key]!));
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = candidates.length - 1;
    else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      void choose(candidates[focused]!);
      return;
    }
    if (next === null) return;
    event.preventDefault();
    moveFocus.current = true;
    setFocused(next);
  };

  const onDialogKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      if (viewing) setViewing(null);
      else onClose();
      return;
    }
    if (event.key !== 'Tab' || !dialogRef.current) return;
    // Keep Tab inside the dialog: what is behind it cannot be reached while it is open.
    const focusable = [...dialogRef.current.querySelectorAll<HTMLElement>('button:not(:disabled), [tabindex="0"], a[href]')];
    if (focusable.length === 0) return;
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const current = candidates?.[focused] ?? null;
  const chosen = candidates?.find((c) => c.chosen) ?? null;
  const title = albumTitle(album);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialogRef}
        className="dialog chooser"
        role="dialog"
        aria-modal="true"
        aria-labelledby="chooser-heading"
        aria-describedby="chooser-help"
        tabIndex={-1}
        onKeyDown={onDialogKey}
      >
        <header className="dialog-head">
          <Thumb hash={chosen?.hash ?? album.artwork.hash} artBaseUrl={artBaseUrl} size={44} />
          <div className="dialog-title">
            <h2 id="chooser-heading">Artwork for {title}</h2>
            <span className="muted">
              {album.artist ?? 'Unknown artist'} · {candidates === null ? 'looking…' : `${candidates.length} ${candidates.length === 1 ? 'picture' : 'pictures'}`}
            </span>
          </div>
          <span className="spacer" />
          <button type="button" className="icon" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </header>
        {error && (
          <p className="job-error" role="alert">
            {error}
          </p>
        )}
        {viewing ? (
          <figure className="full-size">
            <img src={`${artBaseUrl ?? ''}image/${viewing.hash}`} alt={`${candidateLabel(viewing)}, ${pixelSize(viewing.width, viewing.height)}`} />
            <figcaption>
              {candidateLabel(viewing)} · {pixelSize(viewing.width, viewing.height)} · {formatBytes(viewing.bytes)}
              <span className="spacer" />
              <button type="button" autoFocus onClick={() => setViewing(null)}>
                Back to All Pictures
              </button>
            </figcaption>
          </figure>
        ) : candidates === null ? (
          <p className="empty chooser-empty">Loading pictures…</p>
        ) : candidates.length === 0 ? (
          <div className="chooser-empty">
            <p>No pictures found for this album yet. Enriching it looks for its cover on the Cover Art Archive, TheAudioDB and Discogs, and in its files and folder.</p>
            <button
              type="button"
              className="primary"
              onClick={() => {
                void enrich({ albumIds: [album.id] });
                onClose();
              }}
            >
              Enrich This Album
            </button>
          </div>
        ) : (
          <div ref={listRef} className="gallery" role="listbox" aria-label="Pictures" aria-orientation="horizontal" onKeyDown={onGalleryKey} aria-busy={saving}>
            {candidates.map((candidate, index) => (
              <div
                key={candidate.id}
                role="option"
                tabIndex={index === focused ? 0 : -1}
                aria-selected={candidate.chosen}
                aria-label={`${candidateLabel(candidate)}, ${pixelSize(candidate.width, candidate.height)}${candidate.suggested ? ', suggested' : ''}${candidate.chosen ? ', chosen' : ''}`}
                data-candidate-id={candidate.id}
                className={`art-option ${candidate.chosen ? 'chosen' : ''}`}
                onClick={() => {
                  moveFocus.current = true;
                  setFocused(index);
                  void choose(candidate);
                }}
                onFocus={() => {
                  moveFocus.current = false;
                  setFocused(index);
                }}
                onDoubleClick={() => setViewing(candidate)}
              >
                <Thumb hash={candidate.hash} artBaseUrl={artBaseUrl} size={150} />
                <div className="art-meta">
                  <span className="art-source">{candidateLabel(candidate)}</span>
                  <span className="art-size">
                    {pixelSize(candidate.width, candidate.height)} · {formatBytes(candidate.bytes)}
                  </span>
                  <span className="art-badges">
                    {candidate.chosen && (
                      <span className="art-badge chosen" data-badge="chosen">
                        Chosen
                      </span>
                    )}
                    {candidate.suggested && (
                      <span className="art-badge suggested" data-badge="suggested">
                        Suggested
                      </span>
                    )}
                    {candidate.matchesCurrent && (
                      <span className="art-badge current" data-badge="current">
                        Matches current art
                      </span>
                    )}
                    {!candidate.front && (
                      <span className="art-badge other" data-badge="not-front">
                        Not the front
                      </span>
                    )}
                  </span>
                </div>
              </div>
            ))}
          </div>
        )}
        <footer className="dialog-foot">
          {current && !viewing ? (
            <span className="chooser-ref muted" title={current.ref}>
              {current.mime} · {current.ref}
            </span>
          ) : (
            <span className="spacer" />
          )}
          <span id="chooser-help" className="muted chooser-help">
            Arrow keys move · Enter or Space chooses · Esc closes
          </span>
          {current && !viewing && (
            <>
              <button type="button" onClick={() => setViewing(current)}>
                View Full Size
              </button>
              <button type="button" className="primary" disabled={current.chosen || saving} onClick={() => void choose(current)}>
                {current.chosen ? 'In Use' : 'Use This Picture'}
              </button>
            </>
          )}
        </footer>
      </div>
    </div>
  );
}
