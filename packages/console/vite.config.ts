/**
 * The console's build: one HTML page, its script and its stylesheet as external files under `dist/` (no inline
 * script or style, so the server's CSP needs no `unsafe-inline` and no hash), served by the server at `/console/`.
 * `@strongroom/client` is bundled with two Node imports swapped for the browser's own (src/platform/).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  // JSX compiles to Preact's automatic runtime (Vite 8 transforms TypeScript and JSX with Oxc).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    alias: {
      undici: here('src/platform/browser-undici.ts'),
      'node:timers/promises': here('src/platform/browser-timers.ts'),
    },
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    // Every asset is a file of its own: nothing becomes a data: URL or an inline block.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    // The polyfill would add code for browsers without modulepreload; the console targets current ones.
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
});
