import { useEffect, useState } from 'react';
import { pathsFromDrop } from './drop';

declare global {
  interface Window {
    /** Set by the Electron preload: where a dropped file lives. */
    sleeveDesktop?: { pathForFile(file: File): string };
    /** Paths the desktop shell was asked to open (see src/main/index.ts), waiting for the page. */
    __sleeveOpened?: string[];
  }
}

const carriesFiles = (event: DragEvent) =>
  Boolean(event.dataTransfer?.types.some((t) => t === 'Files' || t === 'text/uri-list'));

/**
 * Folders or files dropped anywhere on the window. Returns whether a drag is
 * over the window, for the drop overlay.
 */
export function useFolderDrop(onPaths: (paths: string[]) => void, onUnresolved: (count: number) => void): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth++;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const { paths, unresolved } = pathsFromDrop(
        { uriList: event.dataTransfer?.getData('text/uri-list') ?? '', files: [...(event.dataTransfer?.files ?? [])] },
        window.sleeveDesktop?.pathForFile,
      );
      if (paths.length > 0) onPaths(paths);
      else if (unresolved > 0) onUnresolved(unresolved);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [onPaths, onUnresolved]);
  return dragging;
}
