import type { CommandSpec } from '../commands/command-spec.js';
import { adminCommands } from './admin-commands.js';
import { initializeAccessControl } from './initialize-access-control.js';
import { logonCommands } from './logon-commands.js';

/** Officer and access-control commands (DESIGN §3.2, §3.3). */
export const officerCommands: readonly CommandSpec[] = Object.freeze([
  initializeAccessControl,
  ...logonCommands,
  ...adminCommands,
]);
