import { PRIORITY } from '../../shared/albums';
import type { Library } from '../db/library';
import { WorkQueue } from './queue';
import { albumIdsOf, albumsToMatch } from './store';

export interface EnrichRequest {
  scope?: { albumIds?: number[]; trackIds?: number[] };
  refresh?: boolean;
  noArtwork?: boolean;
  artworkOnly?: boolean;
}

/**
 * Queues what a run asks for. A scope is the user's selection and goes first;
 * a run over the library queues what was never matched, behind anything a
 * scan queued for new imports. Artwork follows each album's match; albums
 * never looked at for art are queued for it at the lowest priority.
 */
export function queueEnrichment(db: Library, options: EnrichRequest): { match: number; artwork: number } {
  const queue = new WorkQueue(db);
  const refresh = options.refresh ?? false;
  if (options.scope) {
    const ids = albumIdsOf(db, options.scope);
    return {
      match: options.artworkOnly ? 0 : queue.enqueue('match', ids, PRIORITY.user, { refresh }),
      artwork: options.noArtwork ? 0 : queue.enqueue('artwork', ids, PRIORITY.user, { refresh }),
    };
  }
  queue.retryDeferred();
  const match = options.artworkOnly ? 0 : queue.enqueue('match', albumsToMatch(db, refresh), PRIORITY.backfill, { refresh });
  const withoutArt = options.noArtwork
    ? []
    : (db.prepare(`SELECT id FROM albums WHERE track_count > 0 AND (${refresh ? '1' : 'art_state IS NULL'}) ORDER BY id`).all() as Array<{ id: number }>).map((r) => r.id);
  return { match, artwork: queue.enqueue('artwork', withoutArt, PRIORITY.backfill, { refresh }) };
}
