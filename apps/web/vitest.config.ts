import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@indicium/source'] },
  ssr: { resolve: { conditions: ['@indicium/source'] } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
  },
});
