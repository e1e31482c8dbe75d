import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@indicium/source'] },
  // Vitest runs tests in Vite's SSR environment, which takes its conditions from `ssr.resolve`:
  // without this, `@indicium/protocol` resolves to its unbuilt `dist/` and no test file loads.
  ssr: { resolve: { conditions: ['@indicium/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The exhaustive byte-flip test and the openssl/TLS round trips take a second or two alone;
    // on a shared 2-core machine they can pass the 5 s default without anything being wrong.
    testTimeout: 30_000,
  },
});
