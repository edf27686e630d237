import type { JobKindInfo, JobPriority, JobSnapshot } from './jobs';

export interface StartJobRequest {
  kind: string;
  params?: unknown;
  priority?: JobPriority;
}

export interface AppInfo {
  version: string;
  libraryPath: string;
  /** Which shell serves the Api: the desktop app, the local web server or the CLI. */
  shell: 'electron' | 'web' | 'cli';
}

/**
 * Everything the renderer may ask of the app. The desktop app serves it over
 * IPC through the preload, the local web server over a WebSocket; the
 * renderer cannot tell which.
 */
export interface Api {
  appInfo(): Promise<AppInfo>;
  listJobKinds(): Promise<JobKindInfo[]>;
  listJobs(limit?: number): Promise<JobSnapshot[]>;
  startJob(request: StartJobRequest): Promise<JobSnapshot>;
  cancelJob(id: number): Promise<void>;
  /** Live job updates; returns the unsubscribe function. */
  onJobUpdate(listener: (job: JobSnapshot) => void): () => void;
}

/** The request/response methods, i.e. every Api member except subscriptions. */
export type ApiMethod = Exclude<keyof Api, 'onJobUpdate'>;

export const API_METHODS: readonly ApiMethod[] = [
  'appInfo',
  'listJobKinds',
  'listJobs',
  'startJob',
  'cancelJob',
];

/** Events the app pushes to the renderer. */
export interface ApiEvents {
  jobUpdate: JobSnapshot;
}

export type ApiEvent = { [K in keyof ApiEvents]: { event: K; data: ApiEvents[K] } }[keyof ApiEvents];
