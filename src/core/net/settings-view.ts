import { SECRET_LABELS, SECRET_NAMES, SOURCE_LABELS, SOURCE_NAMES } from '../../shared/network';
import type { NetworkSettingsChange, NetworkSettingsView, SourceCheck } from '../../shared/network';
import type { Library } from '../db/library';
import { readSetting, writeSetting } from '../db/settings';
import { ResponseCache } from './cache';
import {
  effectiveRate,
  readSavedSourceSettings,
  resolveSourceSettings,
  saveSourceSettings,
  SOURCE_DEFAULTS,
  SourceSettingError,
  sourceSettingsFromEnv,
} from './config';
import { CONTACT_SETTING, DEFAULT_CONTACT, userAgent } from './network';
import { secretStatus, type SecretStore } from './secrets';
import type { SourceName } from './types';

const CHECKS_SETTING = 'sourceChecks';
const DAY = 24 * 60 * 60 * 1000;

export function readSourceChecks(db: Library): Partial<Record<SourceName, SourceCheck>> {
  return readSetting<Partial<Record<SourceName, SourceCheck>>>(db, CHECKS_SETTING) ?? {};
}

export function writeSourceCheck(db: Library, source: SourceName, check: SourceCheck): void {
  writeSetting(db, CHECKS_SETTING, { ...readSourceChecks(db), [source]: check });
}

/** What the Settings view and `sources` show: every value with where it came from; secrets only as set or not. */
export function networkSettingsView(db: Library, secrets: SecretStore | undefined, env: NodeJS.ProcessEnv = process.env): NetworkSettingsView {
  const resolved = resolveSourceSettings(readSavedSourceSettings(db), sourceSettingsFromEnv(env));
  const cacheStats = new Map(new ResponseCache(db).stats().map((s) => [s.source, s]));
  const checks = readSourceChecks(db);
  const secretsSet = secrets ? secretStatus(secrets) : null;
  return {
    sources: SOURCE_NAMES.map((source) => {
      const s = resolved[source];
      const defaults = SOURCE_DEFAULTS[source];
      return {
        source,
        label: SOURCE_LABELS[source],
        baseUrl: s.baseUrl,
        rate: s.rate,
        effectiveRate: effectiveRate(source, s, Boolean(secretsSet?.discogsToken)),
        concurrency: s.concurrency,
        adaptive: s.adaptive,
        cacheTtlDays: s.cacheTtlMs / DAY,
        origin: s.origin,
        defaults: { baseUrl: defaults.baseUrl, rate: defaults.rate, concurrency: defaults.concurrency },
        cache: { entries: cacheStats.get(source)?.entries ?? 0, bytes: cacheStats.get(source)?.bytes ?? 0 },
        check: checks[source] ?? null,
      };
    }),
    secrets: SECRET_NAMES.map((name) => ({ name, label: SECRET_LABELS[name], set: secretsSet?.[name] ?? false })),
    secretsLocation: secrets?.location ?? 'not available in this shell',
    userAgent: userAgent(db),
    contact: readSetting<string>(db, CONTACT_SETTING) ?? DEFAULT_CONTACT,
  };
}

/**
 * Saves what the user changed. Everything is checked before anything is
 * written, so a bad value leaves the saved settings as they were.
 */
export function applyNetworkSettingsChange(db: Library, change: NetworkSettingsChange): void {
  let contact: string | null | undefined = change.contact;
  if (typeof contact === 'string') {
    contact = contact.trim();
    // It sits inside '( … )' in the User-Agent, so it cannot hold brackets or line breaks.
    if (contact.length > 200 || /[()\r\n]/.test(contact)) {
      throw new SourceSettingError('The contact is an e-mail address or a URL of at most 200 characters, without brackets');
    }
  }
  db.transaction(() => {
    if (change.sources) saveSourceSettings(db, change.sources);
    if (contact === null || contact === '') db.prepare('DELETE FROM settings WHERE key = ?').run(CONTACT_SETTING);
    else if (contact !== undefined) writeSetting(db, CONTACT_SETTING, contact);
  })();
}
