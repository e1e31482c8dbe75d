import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@indicium/source'] },
  ssr: { resolve: { conditions: ['@indicium/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'build/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser tests start Chromium and the real companion; on a shared 2-core machine one
    // launch alone can take several seconds.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One Chromium at a time: the files share the machine with other engineers' suites.
    fileParallelism: false,
  },
});
