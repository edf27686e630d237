import { useEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import type { Track } from '../../../shared/library';
import { useLibraryActions } from '../stores/library';
import { useYearsActions } from '../stores/years';
import { YEAR_BADGES } from '../years';

/** The source of a year as a small badge: id, fuzzy, adb, discogs, you or tag. */
export function YearBadge({ source, unconfirmed }: { source: Track['yearSource']; unconfirmed?: boolean }) {
  if (!source) return null;
  return (
    <span className={`year-badge source-${source} ${unconfirmed ? 'unconfirmed' : ''}`} data-source={source}>
      {YEAR_BADGES[source].badge}
    </span>
  );
}

interface Props {
  track: Track;
  editing: boolean;
  onEdit(id: number): void;
  onDone(): void;
}

/** A track's year and where it came from; a click (or Enter, F2 on the row) edits it. */
export function YearCell({ track, editing, onEdit, onDone }: Props) {
  if (editing) return <YearEditor track={track} onDone={onDone} />;
  const lookedUpInVain = track.yearState === 'notFound' || track.yearState === 'deferred';
  return (
    <button type="button" tabIndex={-1} className="year-button" onClick={() => onEdit(track.id)} data-year-state={track.yearState ?? 'none'}>
      {track.year !== null ? (
        <>
          <span className="year-value">{track.year}</span>
          <YearBadge source={track.yearSource} unconfirmed={lookedUpInVain} />
        </>
      ) : lookedUpInVain ? (
        <span className="year-none">{track.yearState === 'notFound' ? 'not found' : 'deferred'}</span>
      ) : (
        <span className="year-none">—</span>
      )}
    </button>
  );
}

const VALID = /^\d{4}$/;

/**
 * The inline year editor: Enter saves, Escape cancels, an empty value gives
 * a year set by hand back to the lookups. Clicking elsewhere saves a valid
 * year, as a rename in a file manager does.
 */
function YearEditor({ track, onDone }: { track: Track; onDone(): void }) {
  const { setTrackYear } = useYearsActions();
  const { setNotice } = useLibraryActions();
  const initial = track.year === null ? '' : String(track.year);
  const [value, setValue] = useState(initial);
  const [invalid, setInvalid] = useState(false);
  const [saving, setSaving] = useState(false);
  const busy = useRef(false);
  const input = useRef<HTMLInputElement>(null);
  const closed = useRef(false);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const close = () => {
    if (closed.current) return;
    closed.current = true;
    // Back to the table, so the arrow keys go on from this row.
    (input.current?.closest('.vtable-body') as HTMLElement | null)?.focus();
    onDone();
  };

  /** The year to save, null to hand it back, 'none' for nothing to do, 'invalid' for a bad entry. */
  const parse = (): number | null | 'none' | 'invalid' => {
    const raw = value.trim();
    if (raw === initial) return 'none';
    // Only a year set by hand can be given back; any other is the lookups' already.
    if (raw === '') return track.yearSource === 'user' ? null : 'none';
    const year = Number(raw);
    return VALID.test(raw) && year >= 1000 && year <= 2100 ? year : 'invalid';
  };

  const commit = async (fromBlur: boolean) => {
    if (closed.current || busy.current) return;
    const year = parse();
    if (year === 'none') return close();
    if (year === 'invalid') {
      if (fromBlur) return close();
      setInvalid(true);
      setNotice('A year has four digits, from 1000 to 2100. Leave it empty to give the track back to the lookups.');
      return;
    }
    busy.current = true;
    setSaving(true);
    const saved = await setTrackYear(track.id, year);
    busy.current = false;
    setSaving(false);
    if (saved) close();
    else input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // The table below moves its selection on these keys; here they belong to the field.
    event.stopPropagation();
    if (event.key === 'Enter') {
      event.preventDefault();
      void commit(false);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  };

  const onBlur = (event: FocusEvent<HTMLInputElement>) => {
    // Switching to another window is not a decision; leave the field as it is.
    if (event.relatedTarget === null && !document.hasFocus()) return;
    void commit(true);
  };

  return (
    <input
      ref={input}
      className="year-input"
      type="number"
      inputMode="numeric"
      min={1000}
      max={2100}
      step={1}
      value={value}
      readOnly={saving}
      aria-busy={saving || undefined}
      placeholder="auto"
      aria-label={`Year of ${track.title ?? 'this track'}`}
      aria-invalid={invalid || undefined}
      title="Enter saves · Escape cancels · empty gives a year you set back to the lookups"
      onChange={(e) => {
        setValue(e.target.value);
        setInvalid(false);
      }}
      onKeyDown={onKeyDown}
      onBlur={onBlur}
      onClick={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
    />
  );
}
