import type { CommandSpec } from '../commands/command-spec.js';

export const officerCommands: readonly CommandSpec[] = Object.freeze([]);
