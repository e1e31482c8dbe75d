import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_TABLE } from './command-table.js';
import { renderCommandTable } from './render-command-table.js';

const README = new URL('../../README.md', import.meta.url);
const BEGIN = '<!-- command-table:begin -->';
const END = '<!-- command-table:end -->';

describe('README command table', () => {
  it('is the table rendered from COMMAND_TABLE (UPDATE_README=1 rewrites it)', () => {
    const text = readFileSync(README, 'utf8');
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const rendered = `${BEGIN}\n${renderCommandTable(COMMAND_TABLE)}\n${END}`;
    const current = text.slice(start, end + END.length);
    if (process.env.UPDATE_README === '1' && current !== rendered) {
      writeFileSync(README, text.slice(0, start) + rendered + text.slice(end + END.length));
      return;
    }
    expect(current).toBe(rendered);
  });

  it('has one row per command', () => {
    const rows = renderCommandTable(COMMAND_TABLE).split('\n').slice(2);
    expect(rows.map((r) => r.split('`')[1])).toEqual(Object.keys(COMMAND_TABLE));
  });
});
