import type { JobKindInfo } from '../../shared/jobs';
import type { JobDefinition } from './types';

const definitions = new Map<string, JobDefinition<never>>();

export function registerJob<P>(definition: JobDefinition<P>): void {
  if (definitions.has(definition.kind)) throw new Error(`Job kind '${definition.kind}' is registered twice`);
  definitions.set(definition.kind, definition as unknown as JobDefinition<never>);
}

export function getJobDefinition(kind: string): JobDefinition<unknown> {
  const definition = definitions.get(kind);
  if (!definition) {
    const known = [...definitions.keys()].join(', ') || 'none';
    throw new Error(`Unknown job kind '${kind}' (known: ${known})`);
  }
  return definition as unknown as JobDefinition<unknown>;
}

export function listJobKinds(): JobKindInfo[] {
  return [...definitions.values()].map(({ kind, title, description }) => ({ kind, title, description }));
}

/** Checks params against the kind's schema, with a message naming the bad field. */
export function parseJobParams(kind: string, params: unknown): unknown {
  const result = getJobDefinition(kind).params.safeParse(params ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
  throw new Error(`Invalid parameters for '${kind}': ${issues}`);
}
