import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { SLEEVE_VERSION } from './version';

it("reads Sleeve's own version", () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'));
  expect(SLEEVE_VERSION).toBe(pkg.version);
});
