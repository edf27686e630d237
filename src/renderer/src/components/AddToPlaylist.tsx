import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { formatCount } from '../../../shared/format';
import { PLAYLIST_NAME_MAX } from '../../../shared/playlist-edits';
import type { PlaylistSummary } from '../../../shared/playlists';
import { api } from '../api';
import { shortcut } from '../keys';
import { useLibraryActions } from '../stores/library';
import { usePlaylistsActions } from '../stores/playlists';

/** The name of a new playlist, asked for in the page: Enter makes it, Escape or Cancel leaves it. */
export function PlaylistNameForm({
  onCreate,
  onCancel,
  submitLabel = 'Create',
  compact = false,
}: {
  onCreate(name: string): void | Promise<void>;
  onCancel(): void;
  submitLabel?: string;
  compact?: boolean;
}) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const trimmed = name.trim();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (trimmed === '' || busy) return;
    setBusy(true);
    try {
      await onCreate(trimmed);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className={compact ? 'name-form compact' : 'path-prompt name-form'}
      role={compact ? undefined : 'dialog'}
      aria-label="New playlist"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        onCancel();
      }}
    >
      <label htmlFor={compact ? 'new-playlist-name-menu' : 'new-playlist-name'}>Name of the new playlist</label>
      <input
        id={compact ? 'new-playlist-name-menu' : 'new-playlist-name'}
        autoFocus
        maxLength={PLAYLIST_NAME_MAX}
        placeholder="Road Trip"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <div className="path-prompt-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={trimmed === '' || busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

const tracksText = (n: number) => `${formatCount(n)} ${n === 1 ? 'track' : 'tracks'}`;

interface Props {
  /** How many tracks are selected; the button is off at 0. */
  count: number;
  open: boolean;
  setOpen(open: boolean): void;
  /** The selected tracks' ids, asked for when a playlist is chosen (Select All does not know them before). */
  trackIds(): Promise<number[]>;
  onAdded(playlist: PlaylistSummary, added: number): void;
}

/**
 * Add to Playlist…: a small menu of the playlists, and New Playlist… to make
 * one on the way. The arrows move through it, Escape closes it.
 */
export function AddToPlaylist({ count, open, setOpen, trackIds, onAdded }: Props) {
  const [playlists, setPlaylists] = useState<PlaylistSummary[] | null>(null);
  const [naming, setNaming] = useState(false);
  const [busy, setBusy] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  /** Where the focus was when the menu opened (the table, most often): it goes back there. */
  const returnTo = useRef<HTMLElement | null>(null);
  const playlistsActions = usePlaylistsActions();
  const { setNotice } = useLibraryActions();

  useEffect(() => {
    if (!open) return;
    returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setNaming(false);
    setPlaylists(null);
    let current = true;
    api.listPlaylists().then(
      (list) => current && setPlaylists(list),
      (err: Error) => {
        if (!current) return;
        setNotice(`Sleeve could not read the playlists: ${err.message}`);
        setOpen(false);
      },
    );
    const onPointer = (event: PointerEvent) => {
      if (!menu.current?.contains(event.target as Node) && !button.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => {
      current = false;
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open, setOpen, setNotice]);

  // The first item takes the focus once the list is there, so the arrows work at once.
  useEffect(() => {
    if (open && playlists && !naming) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open, playlists, naming]);

  const close = () => {
    setOpen(false);
    (returnTo.current ?? button.current)?.focus();
  };

  const addTo = async (playlist: PlaylistSummary) => {
    if (busy) return;
    setBusy(true);
    try {
      const ids = await trackIds();
      if (ids.length === 0) return close();
      const detail = await playlistsActions.addTracks(playlist.id, ids);
      if (detail) onAdded(detail, ids.length);
      close();
    } catch (err) {
      setNotice(`Sleeve could not add to the playlist: ${(err as Error).message}`);
      close();
    } finally {
      setBusy(false);
    }
  };

  const createAndAdd = async (name: string) => {
    const made = await playlistsActions.create(name);
    if (made) await addTo(made);
  };

  const onMenuKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
      return;
    }
    if (naming) return;
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    let next: number | null = null;
    if (event.key === 'ArrowDown') next = (at + 1) % items.length;
    else if (event.key === 'ArrowUp') next = (at - 1 + items.length) % items.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = items.length - 1;
    if (next === null || items.length === 0) return;
    event.preventDefault();
    items[next]!.focus();
  };

  return (
    <span className="menu-anchor">
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={count === 0}
        onClick={() => (open ? close() : setOpen(true))}
        title={count === 0 ? 'Select tracks first (click, Shift-click, Ctrl-click)' : `Adds the ${tracksText(count)} selected to a playlist (${shortcut('Shift+A')})`}
      >
        Add to Playlist…
      </button>
      {open && (
        <div className="popover" ref={menu} onKeyDown={onMenuKey} aria-busy={busy || undefined}>
          <div className="popover-title">
            Add {tracksText(count)} to
          </div>
          {naming ? (
            <PlaylistNameForm compact submitLabel="Create and Add" onCreate={createAndAdd} onCancel={() => setNaming(false)} />
          ) : (
            <div role="menu" aria-label="Add to playlist">
              {playlists === null ? (
                <p className="popover-note muted">Loading…</p>
              ) : (
                playlists.map((p) => (
                  <button key={p.id} type="button" role="menuitem" className="menu-item" disabled={busy} onClick={() => void addTo(p)}>
                    <span className="menu-item-name">{p.name}</span>
                    <span className="menu-item-meta">{formatCount(p.entryCount)}</span>
                  </button>
                ))
              )}
              {playlists !== null && playlists.length > 0 && <div className="menu-separator" role="separator" />}
              <button type="button" role="menuitem" className="menu-item" disabled={busy} onClick={() => setNaming(true)}>
                New Playlist…
              </button>
            </div>
          )}
        </div>
      )}
    </span>
  );
}
