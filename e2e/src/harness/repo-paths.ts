import { fileURLToPath } from 'node:url';

/** Absolute paths of the programs the e2e flows run, as a developer runs them from a checkout. */
const at = (relative: string) => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));

export const REPO_ROOT = at('');
export const VAULT_DIR = at('apps/vault-server');
export const VAULT_MAIN = at('apps/vault-server/src/main.ts');
export const WEB_DIR = at('apps/web');
export const WEB_DIST = at('apps/web/dist');
export const EXTENSION_BUILD_CLI = at('apps/extension/build/build-cli.ts');
export const COMPANION_CLI = at('apps/companion/bin/companion.mjs');
/** Where each run keeps its screenshots and axe results (DESIGN §8; issue 7 test 6). */
export const REPORT_DIR = at('e2e/report');
/** Debian's Chromium: browsers cannot be downloaded here (apt-get install chromium). */
export const CHROMIUM = '/usr/bin/chromium';
/** The extension's development id, fixed by its manifest key (apps/extension README). */
export const EXTENSION_ID = 'cgmdonginiikpoindfahfnaokakjjmln';
/** `npm run demo`'s program. */
export const DEMO_MAIN = at('e2e/src/demo.main.ts');
