import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@indicium/source'] },
  // Vitest runs tests in Vite's SSR environment, which takes its conditions from `ssr.resolve`:
  // without this, `@indicium/protocol` resolves to its unbuilt `dist/` and no test file loads.
  ssr: { resolve: { conditions: ['@indicium/source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
