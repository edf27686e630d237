import { create } from 'zustand';
import type { StartJobRequest } from '../../../shared/api';
import type { JobKindInfo, JobSnapshot } from '../../../shared/jobs';
import { api } from '../api';
import { followWithReload } from './connection';

interface JobsStore {
  /** Newest first. */
  ids: number[];
  byId: Record<number, JobSnapshot>;
  kinds: JobKindInfo[];
  error: string | null;
  actions: {
    load(): Promise<void>;
    upsert(job: JobSnapshot): void;
    start(request: StartJobRequest): Promise<void>;
    cancel(id: number): Promise<void>;
    dismissError(): void;
  };
}

const HISTORY_LIMIT = 200;

export const useJobsStore = create<JobsStore>()((set, get) => ({
  ids: [],
  byId: {},
  kinds: [],
  error: null,
  actions: {
    async load() {
      try {
        const [jobs, kinds] = await Promise.all([api.listJobs(HISTORY_LIMIT), api.listJobKinds()]);
        set({
          ids: jobs.map((j) => j.id),
          byId: Object.fromEntries(jobs.map((j) => [j.id, j])),
          kinds,
        });
      } catch (err) {
        set({ error: (err as Error).message });
      }
    },
    upsert(job) {
      const { ids, byId } = get();
      const known = job.id in byId;
      set({
        byId: { ...byId, [job.id]: job },
        ids: known ? ids : [job.id, ...ids].sort((a, b) => b - a),
      });
    },
    async start(request) {
      try {
        get().actions.upsert(await api.startJob(request));
      } catch (err) {
        set({ error: (err as Error).message });
      }
    },
    async cancel(id) {
      try {
        await api.cancelJob(id);
      } catch (err) {
        set({ error: (err as Error).message });
      }
    },
    dismissError: () => set({ error: null }),
  },
}));

export const useJobIds = () => useJobsStore((s) => s.ids);
export const useJob = (id: number) => useJobsStore((s) => s.byId[id]);
export const useJobKinds = () => useJobsStore((s) => s.kinds);
export const useJobsError = () => useJobsStore((s) => s.error);
export const useJobsActions = () => useJobsStore((s) => s.actions);

/** Keeps the store in step with the app for the life of the window. */
export function followJobUpdates(): () => void {
  const { actions } = useJobsStore.getState();
  return followWithReload(
    () => void actions.load(),
    () => api.onJobUpdate((job) => actions.upsert(job)),
  );
}
