import type { Library } from '../db/library';
import type { WriteTagsParams } from '../pipelines/write-tags';
import type { UndoScope, WriteRequest } from '../../shared/write-back';
import { effectiveSettings, loadWriteSettings } from './plan';

/** A write job's params: the request over the saved settings, fixed at the moment it is asked for. */
export function writeJobParams(db: Library, request: WriteRequest): WriteTagsParams {
  const params: WriteTagsParams = { mode: 'write', scope: request.scope, settings: effectiveSettings(db, request) };
  if (request.excludeTrackIds && request.excludeTrackIds.length > 0) params.excludeTrackIds = request.excludeTrackIds;
  return params;
}

export function undoJobParams(db: Library, scope: UndoScope): WriteTagsParams {
  return { mode: 'undo', undo: scope, settings: loadWriteSettings(db) };
}
