import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The web UI's build (DESIGN §8). No React plugin: Vite's own oxc transform compiles TSX with the
 * automatic runtime, and nothing here needs the TypeScript compiler API (TypeScript 7 has none).
 * The output is plain files the vault serves under its strict CSP: no inline script, no eval.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  resolve: { conditions: ['@indicium/source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The vault's CSP allows no inline script; keep Vite from inlining its preload helper.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
