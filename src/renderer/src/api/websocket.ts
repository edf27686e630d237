import type { ApiEvent, ApiMethod } from '../../../shared/api';
import type { ApiTransport, RpcServerMessage } from '../../../shared/rpc';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * An optional argument left out is undefined, which JSON would send as null,
 * and null is not what the Api accepts for 'left out' (findYears(), clearHttpCache()).
 * IPC keeps undefined as it is; over JSON it must be dropped.
 */
export function withoutTrailingUndefined(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return end === args.length ? args : args.slice(0, end);
}

/**
 * The Api over the local web server's WebSocket. The access token travels as
 * the cookie the server set; a dropped connection is retried with backoff.
 */
export function createWebSocketTransport(
  url: string,
  onState: (state: ConnectionState) => void,
): ApiTransport {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retryMs = 500;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(event: ApiEvent) => void>();
  let opened: Promise<WebSocket>;

  const connect = (): Promise<WebSocket> => {
    onState('connecting');
    return new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        retryMs = 500;
        socket = ws;
        onState('open');
        resolve(ws);
      };
      ws.onmessage = (message) => {
        const data = JSON.parse(String(message.data)) as RpcServerMessage;
        if ('event' in data) {
          for (const listener of listeners) listener(data);
          return;
        }
        const call = pending.get(data.id);
        if (!call) return;
        pending.delete(data.id);
        if ('error' in data) call.reject(new Error(data.error.message));
        else call.resolve(data.result);
      };
      ws.onclose = () => {
        socket = null;
        onState('closed');
        for (const call of pending.values()) call.reject(new Error('Lost the connection to Sleeve; retrying.'));
        pending.clear();
        setTimeout(() => {
          opened = connect();
          opened.then(resolve);
        }, retryMs);
        retryMs = Math.min(retryMs * 2, 10_000);
      };
    });
  };
  opened = connect();

  return {
    async call(method: ApiMethod, args: unknown[]) {
      const ws = socket ?? (await opened);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, args: withoutTrailingUndefined(args) }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
