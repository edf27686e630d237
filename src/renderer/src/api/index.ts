import type { Api } from '../../../shared/api';
import { createApi, type ApiTransport } from '../../../shared/rpc';
import { useConnectionStore } from '../stores/connection';
import { createWebSocketTransport } from './websocket';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    sleeve?: ApiTransport;
  }
}

function pickTransport(): ApiTransport {
  if (window.sleeve) {
    useConnectionStore.getState().actions.setState('open');
    return window.sleeve;
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return createWebSocketTransport(`${scheme}://${location.host}/api`, (state) =>
    useConnectionStore.getState().actions.setState(state),
  );
}

/** The one Api the renderer talks to, whichever shell it runs in. */
export const api: Api = createApi(pickTransport());
