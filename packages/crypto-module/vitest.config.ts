import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@indicium/source` export
// condition. Node-environment tests resolve through Vite's SSR resolver, so it needs the condition
// too (plus the defaults it would otherwise lose).
const conditions = ['@indicium/source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  // RSA-3072 key generation in ceremonies takes seconds on a busy 2-core machine.
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000 },
});
