/** Shortcuts as the platform writes them: ⌘Y on a Mac, Ctrl+Y elsewhere. */
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export const shortcut = (key: string) => (isMac ? `⌘${key}` : `Ctrl+${key}`);

/** Typing in a field owns its keys: a shortcut must not fire from a text box (the library filter aside). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && target.type !== 'search' && target.type !== 'checkbox' && target.type !== 'radio';
}
