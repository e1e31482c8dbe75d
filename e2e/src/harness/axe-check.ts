import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPORT_DIR } from './repo-paths.js';

const require = createRequire(import.meta.url);

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/**
 * Runs axe-core in the page (DESIGN §8: "axe finds no serious violation") and keeps a full-page
 * screenshot and the violations in e2e/report/ with the test report. axe's source is injected as
 * a script through the debugging protocol, so the vault's CSP (no inline script) does not block it.
 * Returns the serious and critical violations.
 */
export async function axeCheck(page: Page, name: string): Promise<AxeViolation[]> {
  const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const results = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[];
  };
  const violations = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.length,
  }));
  await mkdir(REPORT_DIR, { recursive: true });
  await page.screenshot({ path: join(REPORT_DIR, `${name}.png`), fullPage: true });
  await writeFile(join(REPORT_DIR, `${name}.axe.json`), `${JSON.stringify(violations, null, 2)}\n`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
