import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@indicium/source` export
// condition. Node-environment tests resolve through Vite's SSR resolver, so it needs the condition
// too (plus the defaults it would otherwise lose).
const conditions = ['@indicium/source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
