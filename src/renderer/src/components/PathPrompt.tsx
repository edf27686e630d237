import { useState, type FormEvent } from 'react';

interface Props {
  onScan(paths: string[]): void;
  onCancel(): void;
  /** One path rather than one per line (a file to import). */
  single?: boolean;
  title?: string;
  label?: string;
  placeholder?: string;
  submitLabel?: string;
}

/**
 * A browser cannot open a folder dialog on the machine Sleeve runs on, so the
 * web UI asks for paths. One per line, or a single one.
 */
export function PathPrompt({
  onScan,
  onCancel,
  single = false,
  title = 'Add folders',
  label = 'Folders on the machine Sleeve runs on, one per line',
  placeholder = '/home/you/Music',
  submitLabel = 'Scan',
}: Props) {
  const [value, setValue] = useState('');
  const paths = (single ? [value] : value.split('\n')).map((p) => p.trim()).filter(Boolean);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (paths.length > 0) onScan(paths);
  };
  const id = single ? 'single-path' : 'folder-paths';
  return (
    <form className="path-prompt" role="dialog" aria-label={title} onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <label htmlFor={id}>{label}</label>
      {single ? (
        <input id={id} autoFocus spellCheck={false} placeholder={placeholder} value={value} onChange={(e) => setValue(e.target.value)} />
      ) : (
        <textarea id={id} autoFocus rows={3} placeholder={placeholder} value={value} onChange={(e) => setValue(e.target.value)} />
      )}
      <div className="path-prompt-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={paths.length === 0}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
