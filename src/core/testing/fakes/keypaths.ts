/**
 * Test support: the key paths and value types of a JSON document, so a fake's
 * answer can be compared with a captured fixture of the same kind.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Shape = Map<string, Set<string>>;

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'sources', 'fixtures');

export function readFixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

export function readFixtureText(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Every key path ('.a.b[].c') with the set of types seen there. */
export function shapeOf(value: unknown, ignore: RegExp[] = [], prefix = '', out: Shape = new Map()): Shape {
  if (Array.isArray(value)) {
    for (const item of value) shapeOf(item, ignore, `${prefix}[]`, out);
    return out;
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const p = `${prefix}.${key}`;
      if (ignore.some((re) => re.test(p))) continue;
      const types = out.get(p) ?? new Set<string>();
      types.add(typeOf(child));
      out.set(p, types);
      shapeOf(child, ignore, p, out);
    }
  }
  return out;
}

/** Merges shapes (a kind of answer captured more than once). */
export function unionShapes(...shapes: Shape[]): Shape {
  const out: Shape = new Map();
  for (const shape of shapes) for (const [p, types] of shape) out.set(p, new Set([...(out.get(p) ?? []), ...types]));
  return out;
}

export interface ShapeDiff {
  /** In the fixture, not in the fake. */
  missing: string[];
  /** In the fake, not in the fixture. */
  extra: string[];
  /** Same path, a type the fixture never has (null is always allowed: both services send it for unknowns). */
  types: string[];
}

export function diffShapes(fake: Shape, fixture: Shape): ShapeDiff {
  const missing = [...fixture.keys()].filter((p) => !fake.has(p)).sort();
  const extra = [...fake.keys()].filter((p) => !fixture.has(p)).sort();
  const types: string[] = [];
  for (const [p, fakeTypes] of fake) {
    const fixtureTypes = fixture.get(p);
    if (!fixtureTypes) continue;
    const onlyNull = fixtureTypes.size === 1 && fixtureTypes.has('null');
    for (const t of fakeTypes) if (t !== 'null' && !onlyNull && !fixtureTypes.has(t)) types.push(`${p}: ${t} (fixture: ${[...fixtureTypes].join('|')})`);
  }
  return { missing, extra, types };
}
