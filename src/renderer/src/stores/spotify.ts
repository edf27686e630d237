import { create } from 'zustand';
import type { AppInfo } from '../../../shared/api';
import type { SpotifyStatus } from '../../../shared/spotify-connect';
import { api } from '../api';
import { useSettingsStore } from './settings';

interface SpotifyStore {
  status: SpotifyStatus | null;
  shell: AppInfo['shell'] | null;
  /** The sign-in page of the attempt under way, to open by hand if no tab opened. */
  authorizeUrl: string | null;
  starting: boolean;
  error: string | null;
  actions: {
    load(): Promise<void>;
    /** Call from the click itself: a browser only lets a page open a tab during one. */
    connect(clientId?: string): Promise<void>;
    cancel(): Promise<void>;
    disconnect(): Promise<void>;
    dismissError(): void;
  };
}

const POLL_MS = 1000;
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

let poll: ReturnType<typeof setInterval> | null = null;

export const useSpotifyStore = create<SpotifyStore>()((set, get) => {
  const stopPolling = () => {
    if (poll) clearInterval(poll);
    poll = null;
  };
  /** The sign-in ends in the app (the browser comes back to it): ask every second until it is no longer waiting. */
  const startPolling = () => {
    stopPolling();
    poll = setInterval(() => {
      api.spotifyStatus().then(
        (status) => {
          set({ status });
          if (status.pending) return;
          stopPolling();
          set({ authorizeUrl: null });
          // The Keys list shows the stored token as set.
          void useSettingsStore.getState().actions.load();
        },
        (err: unknown) => {
          stopPolling();
          set({ error: messageOf(err) });
        },
      );
    }, POLL_MS);
  };

  return {
    status: null,
    shell: null,
    authorizeUrl: null,
    starting: false,
    error: null,
    actions: {
      load: async () => {
        try {
          const [status, info] = await Promise.all([api.spotifyStatus(), get().shell ? null : api.appInfo()]);
          set({ status, ...(info ? { shell: info.shell } : {}) });
          if (status.pending && !poll) startPolling();
        } catch (err) {
          set({ error: messageOf(err) });
        }
      },
      connect: async (clientId) => {
        // The desktop app opens the page from the main process; a browser tab opens it here, and must do so
        // during the click, so a blank tab is opened now and sent to Spotify once the address is known.
        const tab = get().shell === 'electron' ? null : window.open('about:blank', '_blank');
        set({ starting: true, error: null });
        try {
          const start = await api.connectSpotify(clientId?.trim() || undefined);
          if (start.opened) tab?.close();
          else if (tab) {
            tab.opener = null;
            tab.location.href = start.authorizeUrl;
          }
          set({ authorizeUrl: start.authorizeUrl, status: await api.spotifyStatus() });
          startPolling();
          void useSettingsStore.getState().actions.load();
        } catch (err) {
          tab?.close();
          set({ error: messageOf(err) });
        } finally {
          set({ starting: false });
        }
      },
      cancel: async () => {
        stopPolling();
        try {
          set({ status: await api.cancelSpotifyConnect(), authorizeUrl: null });
        } catch (err) {
          set({ error: messageOf(err) });
        }
      },
      disconnect: async () => {
        stopPolling();
        try {
          set({ status: await api.disconnectSpotify(), authorizeUrl: null });
          void useSettingsStore.getState().actions.load();
        } catch (err) {
          set({ error: messageOf(err) });
        }
      },
      dismissError: () => set({ error: null }),
    },
  };
});
