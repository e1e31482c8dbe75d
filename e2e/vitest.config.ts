import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@indicium/source'] },
  ssr: { resolve: { conditions: ['@indicium/source'] } },
  test: {
    include: ['test/**/*.e2e.test.ts', 'src/**/*.test.ts'],
    // Each file starts a real vault (first-run key ceremony), builds the extension and launches
    // Chromium with the real companion: minutes, not seconds, on a shared 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // One browser and one vault at a time.
    fileParallelism: false,
  },
});
