import { MODULE_STATES } from '@indicium/protocol';
import type { CommandSpec, TransitionSpec } from './command-spec.js';
import type { CommandTable } from './command-table.js';

function states(spec: CommandSpec): string {
  return MODULE_STATES.filter((s) => spec.states.includes(s)).join(' ');
}

function next(t: TransitionSpec): string {
  switch (t.kind) {
    case 'stay':
      return '—';
    case 'to':
      return `→ ${t.state}`;
    case 'decided':
      return `→ ${t.states.join(' or ')}`;
  }
}

/**
 * The README's command table, generated from the table itself so the two cannot drift
 * (`command-table-readme.test.ts` compares them). One row per command, every access rule.
 */
export function renderCommandTable(table: CommandTable): string {
  const rows = Object.values(table).map(
    (s) =>
      `| \`${s.name}\` | ${states(s)} | ${s.role} | ${s.auth} | ${s.audit} | ${next(s.next)} | ${s.afterSelfTestFailure === true ? 'yes' : '—'} | ${s.summary} | ${s.design} |`,
  );
  return [
    '| Command | States | Role | Authentication | Audit | Transition | After self-test failure | What it does | Source |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
