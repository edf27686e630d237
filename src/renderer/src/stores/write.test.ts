import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobSnapshot } from '../../../shared/jobs';
import { DEFAULT_WRITE_SETTINGS, type WritePreview, type WritePreviewFile, type WriteRequest } from '../../../shared/write-back';

const api = vi.hoisted(() => ({
  appInfo: vi.fn(),
  writeSettings: vi.fn(),
  saveWriteSettings: vi.fn(),
  writePreview: vi.fn(),
  writeTags: vi.fn(),
  writeProblems: vi.fn(),
  writeHistory: vi.fn(),
  undoWrite: vi.fn(),
  libraryStats: vi.fn(),
  enrichStats: vi.fn(),
}));
vi.mock('../api', () => ({ api }));

const { filesToWrite, PREVIEW_PAGE, tracksTarget, useWriteStore, WHOLE_LIBRARY } = await import('./write');

const file = (trackId: number): WritePreviewFile => ({
  trackId,
  albumId: 1,
  path: `/music/${trackId}.flac`,
  title: `Song ${trackId}`,
  artist: 'Artist',
  album: 'Album',
  format: 'FLAC',
  changes: [{ field: 'year', old: '2009', new: '1977' }],
  problem: null,
});

/** A scope of `changed` files that would change, served a page at a time as the Api does. */
function previewOf(changed: number) {
  return async (_request: WriteRequest, offset = 0, limit = PREVIEW_PAGE): Promise<WritePreview> => ({
    files: Array.from({ length: Math.max(0, Math.min(limit, changed - offset)) }, (_, i) => file(offset + i + 1)),
    changed,
    unchanged: 5,
    problems: 0,
    byField: { year: changed },
    offset,
  });
}

const job = (id: number, state: JobSnapshot['state'], counters: Record<string, number> = {}): JobSnapshot => ({
  id,
  kind: 'write-tags',
  params: null,
  priority: 'user',
  state,
  createdAt: 0,
  startedAt: 0,
  endedAt: state === 'running' ? null : 1,
  error: null,
  pid: null,
  counters,
  done: 0,
  total: null,
  rate: 0,
  etaMs: null,
  message: null,
});

const store = () => useWriteStore.getState();

beforeEach(() => {
  vi.clearAllMocks();
  useWriteStore.setState({ open: false, phase: 'preview', jobId: null, undoJobId: null, settings: null });
  api.appInfo.mockResolvedValue({ artBaseUrl: '/art/' });
  api.writeSettings.mockResolvedValue(DEFAULT_WRITE_SETTINGS);
  api.saveWriteSettings.mockImplementation(async (s) => s);
  api.writeProblems.mockResolvedValue([]);
  api.writeHistory.mockResolvedValue([]);
  api.libraryStats.mockResolvedValue({});
  api.enrichStats.mockResolvedValue({});
});

describe('the Write Tags store', () => {
  it('previews the first page on opening and loads the next from where the list ends', async () => {
    api.writePreview.mockImplementation(previewOf(450));
    await store().actions.show(WHOLE_LIBRARY);
    expect(store().files).toHaveLength(PREVIEW_PAGE);
    expect(store().totals).toMatchObject({ changed: 450, unchanged: 5 });
    expect(api.writePreview).toHaveBeenLastCalledWith({ scope: { kind: 'all' }, settings: DEFAULT_WRITE_SETTINGS }, 0, PREVIEW_PAGE);

    await store().actions.loadMore();
    await store().actions.loadMore();
    expect(api.writePreview.mock.calls.map((c) => c[1])).toEqual([0, 200, 400]);
    expect(store().files.map((f) => f.trackId)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
    // Everything is loaded: no more asking.
    await store().actions.loadMore();
    expect(api.writePreview).toHaveBeenCalledTimes(3);
  });

  it('drops a preview answer overtaken by a newer one (a setting changed meanwhile)', async () => {
    api.writePreview.mockImplementation(previewOf(3));
    await store().actions.show(tracksTarget([1, 2, 3]));
    let answerOld: (p: WritePreview) => void = () => undefined;
    api.writePreview.mockImplementationOnce(() => new Promise((resolve) => (answerOld = resolve)));
    const slow = store().actions.refresh();
    api.writePreview.mockImplementationOnce(previewOf(1));
    await store().actions.changeSettings({ fields: ['year'] });
    answerOld(await previewOf(3)({ scope: { kind: 'all' } }));
    await slow;
    expect(store().totals?.changed).toBe(1);
    expect(api.saveWriteSettings).toHaveBeenCalledWith({ ...DEFAULT_WRITE_SETTINGS, fields: ['year'] });
    expect(store().settings?.fields).toEqual(['year']);
  });

  it('writes only after the confirmation, without the unticked files, and follows the job to its end', async () => {
    api.writePreview.mockImplementation(previewOf(3));
    await store().actions.show(tracksTarget([1, 2, 3]));
    expect(store().target.name).toBe('3 selected tracks');
    store().actions.toggleFile(2);
    expect(filesToWrite(store())).toBe(2);

    await store().actions.write();
    expect(api.writeTags).not.toHaveBeenCalled();
    store().actions.askToWrite();
    expect(store().phase).toBe('confirm');
    api.writeTags.mockResolvedValue(job(7, 'running'));
    await store().actions.write();
    expect(api.writeTags).toHaveBeenCalledWith({ scope: { kind: 'tracks', trackIds: [1, 2, 3] }, settings: DEFAULT_WRITE_SETTINGS, excludeTrackIds: [2] });
    expect(store()).toMatchObject({ phase: 'writing', jobId: 7 });

    // Closing hides it; opening again shows the write, not a new preview.
    store().actions.close();
    await store().actions.show(WHOLE_LIBRARY);
    expect(store()).toMatchObject({ open: true, phase: 'writing', jobId: 7, target: { scope: { kind: 'tracks' } } });

    api.writeProblems.mockResolvedValue([{ path: '/music/9.wav', state: 'skipped', error: 'not a format Sleeve writes' }]);
    await store().actions.finished(job(7, 'done', { written: 2 }));
    expect(store().phase).toBe('written');
    expect(store().problems).toHaveLength(1);
    expect(api.writeHistory).toHaveBeenCalled();

    api.writeProblems.mockResolvedValue([]);
    api.undoWrite.mockResolvedValue(job(8, 'done', { restored: 2 }));
    await store().actions.undo({ kind: 'job', jobId: 7 });
    expect(api.undoWrite).toHaveBeenCalledWith({ kind: 'job', jobId: 7 });
    expect(store().undoJobId).toBe(8);
    // The undo ended at once: its problems (none) load without a job update.
    await vi.waitFor(() => expect(store().undoProblems).toEqual([]));
  });
});
