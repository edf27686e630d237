import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ApiEvent } from '../shared/api';
import { IPC_CALL, IPC_EVENT, type IpcReply } from '../shared/ipc';
import type { ApiTransport } from '../shared/rpc';

/**
 * The only thing the page gets: a call and a subscribe, no ipcRenderer, no
 * Node. The renderer builds its typed Api on top, as it does over a WebSocket.
 */
const transport: ApiTransport = {
  async call(method, args) {
    const reply = (await ipcRenderer.invoke(IPC_CALL, method, args)) as IpcReply;
    if (!reply.ok) throw new Error(reply.message);
    return reply.result;
  },
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, event: ApiEvent) => listener(event);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.off(IPC_EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld('sleeve', transport);

/** Where a dropped file lives: only the preload may ask, through webUtils. */
contextBridge.exposeInMainWorld('sleeveDesktop', {
  pathForFile: (file: File) => webUtils.getPathForFile(file),
});
