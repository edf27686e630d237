import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile } from './check-layers.mjs';

const src = path.resolve(import.meta.dirname, '../src');
const at = (rel) => path.join(src, rel);

describe('layer check', () => {
  it('accepts imports the table allows', () => {
    expect(checkFile(at('core/jobs/x.ts'), "import fs from 'node:fs';\nimport { z } from 'zod';\nimport type { Api } from '../../shared/api';")).toEqual([]);
    expect(checkFile(at('renderer/src/x.tsx'), "import { create } from 'zustand';\nimport { api } from '../../shared/api';")).toEqual([]);
    expect(checkFile(at('preload/index.ts'), "import { contextBridge } from 'electron';")).toEqual([]);
  });

  it('catches each kind of crossing', () => {
    const cases = [
      ['shared/x.ts', "import path from 'node:path';", 'node'],
      ['shared/x.ts', "import { z } from 'zod';", 'package'],
      ['core/x.ts', "import { app } from 'electron';", 'electron'],
      ['core/x.ts', "import React from 'react';", 'react'],
      ['renderer/src/x.tsx', "import { openLibrary } from '../../core/db/library';", 'core'],
      ['renderer/src/x.tsx', "import Database from 'better-sqlite3';", 'node'],
      ['renderer/src/x.tsx', "const fs = require('fs');", 'node'],
      ['preload/x.ts', "import fs from 'node:fs';", 'node'],
      ['preload/x.ts', "export { x } from '../core/app';", 'core'],
      ['server/x.ts', "const e = await import('electron');", 'electron'],
      ['cli/x.ts', "import '../main/menu';", 'main'],
    ];
    for (const [file, source, kind] of cases) {
      const problems = checkFile(at(file), source);
      expect(problems, `${file}: ${source}`).toHaveLength(1);
      expect(problems[0]).toContain(`(${kind})`);
    }
  });

  it('lets tests of Node-side layers use Node, but not renderer tests', () => {
    expect(checkFile(at('shared/x.test.ts'), "import fs from 'node:fs';")).toEqual([]);
    expect(checkFile(at('renderer/src/x.test.ts'), "import fs from 'node:fs';")).toHaveLength(1);
  });
});
