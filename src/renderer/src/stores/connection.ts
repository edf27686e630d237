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
