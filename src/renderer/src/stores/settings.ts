import { create } from 'zustand';
import type { NetworkSettingsChange, NetworkSettingsView, SecretName, SourceName } from '../../../shared/network';
import { api } from '../api';

interface SettingsStore {
  view: NetworkSettingsView | null;
  error: string | null;
  /** The connection check job running now, if any. */
  checkJobId: number | null;
  actions: {
    load(): Promise<void>;
    save(change: NetworkSettingsChange): Promise<boolean>;
    setSecret(name: SecretName, value: string | null): Promise<boolean>;
    clearCache(source?: SourceName): Promise<void>;
    checkConnections(): Promise<void>;
    dismissError(): void;
  };
}

export const useSettingsStore = create<SettingsStore>()((set, get) => {
  const attempt = async (work: () => Promise<void>): Promise<boolean> => {
    try {
      await work();
      set({ error: null });
      return true;
    } catch (err) {
      set({ error: (err as Error).message });
      return false;
    }
  };
  return {
    view: null,
    error: null,
    checkJobId: null,
    actions: {
      load: async () => void (await attempt(async () => set({ view: await api.networkSettings() }))),
      save: (change) => attempt(async () => set({ view: await api.saveNetworkSettings(change) })),
      setSecret: (name, value) => attempt(async () => set({ view: await api.setSecret(name, value) })),
      clearCache: async (source) => {
        await attempt(async () => {
          await api.clearHttpCache(source);
          set({ view: await api.networkSettings() });
        });
      },
      checkConnections: async () => {
        await attempt(async () => {
          const job = await api.startJob({ kind: 'check-sources', params: { network: { noCache: true } }, priority: 'user' });
          set({ checkJobId: job.id });
          const stop = api.onJobUpdate((update) => {
            if (update.id !== job.id || update.state === 'queued' || update.state === 'running') return;
            stop();
            set({ checkJobId: null });
            if (update.state === 'failed') set({ error: `The connection check failed: ${update.error ?? 'no reason given'}` });
            void get().actions.load();
          });
        });
      },
      dismissError: () => set({ error: null }),
    },
  };
});
