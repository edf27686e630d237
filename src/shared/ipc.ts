/** Electron IPC channels between the preload and main. */
export const IPC_CALL = 'sleeve:call';
export const IPC_EVENT = 'sleeve:event';

/**
 * What an IPC call resolves to. Errors travel as values: ipcRenderer.invoke
 * would otherwise wrap them in "Error invoking remote method…".
 */
export type IpcReply = { ok: true; result: unknown } | { ok: false; message: string };
