import { create } from 'zustand';
import type { ConnectionState } from '../api/websocket';

interface ConnectionStore {
  state: ConnectionState;
  actions: { setState(state: ConnectionState): void };
}

export const useConnectionStore = create<ConnectionStore>()((set) => ({
  state: 'connecting',
  actions: { setState: (state) => set({ state }) },
}));

export const useConnectionState = () => useConnectionStore((s) => s.state);

/**
 * Loads now, again after every reconnect (events sent while the connection
 * was down are lost), and follows live events meanwhile. Returns the stop
 * function.
 */
export function followWithReload(load: () => void, subscribe: () => () => void): () => void {
  load();
  const stopReloading = useConnectionStore.subscribe((now, before) => {
    if (now.state === 'open' && before.state === 'closed') load();
  });
  const stopFollowing = subscribe();
  return () => {
    stopReloading();
    stopFollowing();
  };
}
