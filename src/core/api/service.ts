import { z } from 'zod';
import { API_METHODS, type Api, type ApiEvent, type ApiMethod, type AppInfo } from '../../shared/api';
import { listJobKinds } from '../jobs/registry';
import type { JobManager } from '../jobs/manager';

const argsSchemas: { [M in ApiMethod]: z.ZodType<Parameters<Api[M]>> } = {
  appInfo: z.tuple([]),
  listJobKinds: z.tuple([]),
  listJobs: z.union([z.tuple([]), z.tuple([z.number().int().min(1).max(10_000).optional()])]),
  startJob: z.tuple([
    z.object({
      kind: z.string().min(1).max(64),
      params: z.unknown().optional(),
      priority: z.enum(['user', 'background']).optional(),
    }),
  ]),
  cancelJob: z.tuple([z.number().int().positive()]),
};

/** A request a shell could not serve, with a message safe to show the user. */
export class ApiRequestError extends Error {}

export interface ApiService {
  call(method: string, args: unknown): Promise<unknown>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}

/**
 * The Api implemented once over the core, shared by the Electron IPC handlers
 * and the web server. Every payload is checked here, since neither a
 * renderer nor a browser tab is trusted.
 */
export function createApiService(manager: JobManager, info: Omit<AppInfo, 'shell'>, shell: AppInfo['shell']): ApiService {
  const handlers: { [M in ApiMethod]: (...args: Parameters<Api[M]>) => ReturnType<Api[M]> } = {
    appInfo: async () => ({ ...info, shell }),
    listJobKinds: async () => listJobKinds(),
    listJobs: async (limit) => manager.list(limit),
    startJob: async (request) => manager.start(request),
    cancelJob: async (id) => manager.cancel(id),
  };
  return {
    async call(method, args) {
      if (!(API_METHODS as readonly string[]).includes(method)) throw new ApiRequestError(`Unknown method '${method}'`);
      const parsed = argsSchemas[method as ApiMethod].safeParse(args);
      if (!parsed.success) throw new ApiRequestError(`Invalid arguments for ${method}: ${parsed.error.issues[0]?.message}`);
      const handler = handlers[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
      return handler(...(parsed.data as unknown[]));
    },
    subscribe(listener) {
      const onUpdate = (job: Parameters<typeof listener>[0]['data']) => listener({ event: 'jobUpdate', data: job });
      manager.on('update', onUpdate);
      return () => manager.off('update', onUpdate);
    },
  };
}
