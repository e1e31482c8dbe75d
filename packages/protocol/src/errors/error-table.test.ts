import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ERROR_CODES } from './error-catalog.js';

/**
 * The README's error table is generated from ERROR_CATALOG, so it cannot drift from the code.
 * After changing the catalogue, regenerate it with
 *   UPDATE_README=1 npx vitest run src/errors/error-table.test.ts
 * (from packages/protocol); without UPDATE_README the test only compares.
 */

const README = new URL('../../README.md', import.meta.url);
const BEGIN = '<!-- errors:begin -->';
const END = '<!-- errors:end -->';

function cell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The Markdown between the markers: one row per code, in catalogue order (grouped by actor). */
export function renderErrorTable(): string {
  const rows = ERROR_CODES.map((code) => {
    const { actor, message, nextStep } = ERROR_CATALOG[code];
    return `| \`${code}\` | ${actor} | ${cell(message)} | ${cell(nextStep)} |`;
  });
  return [
    '<!-- Generated from src/errors/error-catalog.ts; regenerate with',
    '     UPDATE_README=1 npx vitest run src/errors/error-table.test.ts -->',
    '',
    '| Code | Who acts | What happened | Next step |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function section(readme: string): { before: string; body: string; after: string } {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${BEGIN} … ${END} markers`);
  return {
    before: readme.slice(0, start + BEGIN.length),
    body: readme.slice(start + BEGIN.length, end),
    after: readme.slice(end),
  };
}

describe('README error table', () => {
  it('renders one row per code, escaping table syntax', () => {
    const table = renderErrorTable();
    expect(table.split('\n').filter((line) => line.startsWith('| `'))).toHaveLength(ERROR_CODES.length);
    expect(cell('a | b\nc')).toBe('a \\| b c');
  });

  it('is exactly the rendering of ERROR_CATALOG', () => {
    const readme = readFileSync(README, 'utf8');
    const parts = section(readme);
    const expected = `\n${renderErrorTable()}\n`;
    if (process.env.UPDATE_README === '1' && parts.body !== expected) {
      writeFileSync(README, `${parts.before}${expected}${parts.after}`);
    }
    expect(section(readFileSync(README, 'utf8')).body).toBe(expected);
  });
});
