import { useState, type FormEvent } from 'react';

/**
 * A browser cannot open a folder dialog on the machine Sleeve runs on, so the
 * web UI asks for paths. One per line.
 */
export function PathPrompt({ onScan, onCancel }: { onScan(paths: string[]): void; onCancel(): void }) {
  const [value, setValue] = useState('');
  const paths = value.split('\n').map((p) => p.trim()).filter(Boolean);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (paths.length > 0) onScan(paths);
  };
  return (
    <form className="path-prompt" role="dialog" aria-label="Add folders" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <label htmlFor="folder-paths">Folders on the machine Sleeve runs on, one per line</label>
      <textarea
        id="folder-paths"
        autoFocus
        rows={3}
        placeholder="/home/you/Music"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <div className="path-prompt-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={paths.length === 0}>
          Scan
        </button>
      </div>
    </form>
  );
}
