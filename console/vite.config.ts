import { defineConfig } from 'vite';

// The console is served by the engine at /console/ under a strict CSP: no inline script, no module-preload
// polyfill (it would be injected inline), every asset from the engine itself.
export default defineConfig({
  root: __dirname,
  base: '/console/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../dist-console',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2020',
  },
});
