import type { CommandSpec } from '../commands/command-spec.js';

export const sessionCommands: readonly CommandSpec[] = Object.freeze([]);
