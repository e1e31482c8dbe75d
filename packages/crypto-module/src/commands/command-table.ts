import { IndiciumError } from '@indicium/protocol';
import { auditCommands } from '../audit/audit-commands.js';
import { checkpointCommands } from '../checkpoints/checkpoint-commands.js';
import { mksCommands } from '../mks/mks-commands.js';
import { moduleCommands } from '../module/module-commands.js';
import { officerCommands } from '../officers/officer-commands.js';
import { psdCommands } from '../psd/psd-commands.js';
import { sessionCommands } from '../sessions/session-commands.js';
import type { CommandSpec } from './command-spec.js';

/**
 * The command table (DESIGN §3.3): one frozen, null-prototype record assembled from the
 * per-domain spec arrays. A command name can never resolve to an inherited property
 * (`constructor`, `__proto__`), and a duplicate name is a startup failure, not a silent override.
 */
export type CommandTable = Readonly<Record<string, CommandSpec>>;

export function buildCommandTable(groups: readonly (readonly CommandSpec[])[]): CommandTable {
  const table = Object.create(null) as Record<string, CommandSpec>;
  for (const group of groups) {
    for (const spec of group) {
      if (Object.hasOwn(table, spec.name)) throw new Error(`duplicate command ${spec.name}`);
      table[spec.name] = spec;
    }
  }
  return Object.freeze(table);
}

/** Every command of the module, in README order. The MKS engineer's group joins as `mksCommands`. */
export const COMMAND_GROUPS: readonly (readonly CommandSpec[])[] = Object.freeze([
  moduleCommands,
  sessionCommands,
  officerCommands,
  mksCommands,
  auditCommands,
  psdCommands,
  checkpointCommands,
]);

export const COMMAND_TABLE: CommandTable = buildCommandTable(COMMAND_GROUPS);

/** The one lookup: an unknown name is a typed refusal. */
export function lookupCommand(table: CommandTable, name: string): CommandSpec {
  const spec = Object.hasOwn(table, name) ? table[name] : undefined;
  if (spec === undefined) throw new IndiciumError('UNKNOWN_COMMAND', { field: 'command', detail: name });
  return spec;
}
