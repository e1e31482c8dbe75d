import type { CommandSpec } from '../commands/command-spec.js';

export const moduleCommands: readonly CommandSpec[] = Object.freeze([]);
