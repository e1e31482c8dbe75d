import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@indicium/source'] },
  ssr: { resolve: { conditions: ['@indicium/source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000 },
});
