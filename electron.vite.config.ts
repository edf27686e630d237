import { resolve } from 'node:path';

// Paths are relative to the project root, where electron-vite runs.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          // The utility-process entry: the same file the CLI forks under Node.
          'job-worker': resolve('src/core/workers/job-worker.ts'),
          // Threads the scan starts, found next to job-worker.js (src/core/workers/assets.ts).
          'scan-thread': resolve('src/core/workers/scan-thread.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      // electron-vite leaves this off; the web UI is also served over HTTP.
      minify: true,
      rollupOptions: { input: resolve('src/renderer/index.html') },
    },
    plugins: [
      react(),
      {
        // The dev server injects each CSS file as a <style> element; the build links one file, under the strict policy.
        name: 'sleeve-dev-inline-styles',
        apply: 'serve',
        transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
      },
    ],
  },
});
