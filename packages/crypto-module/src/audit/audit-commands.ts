import type { CommandSpec } from '../commands/command-spec.js';

export const auditCommands: readonly CommandSpec[] = Object.freeze([]);
