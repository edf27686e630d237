import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import { z } from 'zod';
import { SECRET_NAMES } from '../shared/network';
import { FileSecretStore, SecretStoreError, type SecretName, type Secrets, type SecretStore } from '../core/net/secrets';

const fileSchema = z.partialRecord(z.enum(SECRET_NAMES), z.string());

/**
 * Keys encrypted with the OS keychain through safeStorage; the file holds
 * only ciphertext. Where the OS offers no keychain (a Linux session without
 * one), the headless 0600 file is used, and the Settings view says so.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly location: string;

  constructor(private readonly file: string) {
    const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'keychain';
    this.location = `the system keychain (${backend}), in ${file}`;
  }

  all(): Secrets {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new SecretStoreError(`Cannot read ${this.file}: ${(err as Error).message}. Delete it and enter the keys again.`);
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) throw new SecretStoreError(`${this.file} has unexpected entries. Delete it and enter the keys again.`);
    const out: Secrets = {};
    for (const [name, cipher] of Object.entries(parsed.data) as Array<[SecretName, string]>) {
      try {
        out[name] = safeStorage.decryptString(Buffer.from(cipher, 'base64'));
      } catch {
        // Encrypted by another user or machine: the key is gone, and Settings shows it as not set.
      }
    }
    return out;
  }

  get(name: SecretName): string | undefined {
    return this.all()[name];
  }

  set(name: SecretName, value: string | null): void {
    let stored: Record<string, string> = {};
    try {
      stored = fileSchema.parse(JSON.parse(fs.readFileSync(this.file, 'utf8')));
    } catch {
      stored = {};
    }
    if (value === null || value.trim() === '') delete stored[name];
    else stored[name] = safeStorage.encryptString(value.trim()).toString('base64');
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(stored), { mode: 0o600 });
    fs.renameSync(temp, this.file);
  }
}

export function desktopSecretStore(userData: string): SecretStore {
  if (safeStorage.isEncryptionAvailable()) return new SafeStorageSecretStore(path.join(userData, 'secrets.bin'));
  return new FileSecretStore(path.join(userData, 'secrets.json'));
}
