import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

import { SECRET_NAMES, type SecretName } from '../../shared/network';

export { SECRET_NAMES, type SecretName };
export type Secrets = Partial<Record<SecretName, string>>;

/**
 * Where secrets live: Electron's safeStorage in the desktop app (src/main),
 * a file only its owner can read for headless use.
 */
export interface SecretStore {
  /** A human description of where the values are kept, for the Settings view. */
  readonly location: string;
  get(name: SecretName): string | undefined;
  set(name: SecretName, value: string | null): void;
  all(): Secrets;
}

const fileSchema = z.partialRecord(z.enum(SECRET_NAMES), z.string());

export class SecretStoreError extends Error {}

/**
 * A JSON file with mode 0600, replaced atomically on every change. A file
 * that others can read is tightened on first use, since it may hold tokens
 * that act as the user.
 */
export class FileSecretStore implements SecretStore {
  readonly location: string;

  constructor(private readonly file: string) {
    this.location = `${file} (readable only by you)`;
  }

  all(): Secrets {
    let text: string;
    try {
      const stat = fs.statSync(this.file);
      if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) fs.chmodSync(this.file, 0o600);
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new SecretStoreError(`Cannot read the secrets file ${this.file}: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SecretStoreError(`The secrets file ${this.file} is not valid JSON. Fix it or delete it and enter the keys again.`);
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      throw new SecretStoreError(`The secrets file ${this.file} has unexpected entries. Fix it or delete it and enter the keys again.`);
    }
    return parsed.data;
  }

  get(name: SecretName): string | undefined {
    return this.all()[name];
  }

  set(name: SecretName, value: string | null): void {
    const next = { ...this.all() };
    if (value === null || value.trim() === '') delete next[name];
    else next[name] = value.trim();
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temp, this.file);
  }
}

/** Which secrets are set, without their values: what the renderer may know. */
export function secretStatus(store: SecretStore): Record<SecretName, boolean> {
  const all = store.all();
  return Object.fromEntries(SECRET_NAMES.map((name) => [name, Boolean(all[name])])) as Record<SecretName, boolean>;
}
