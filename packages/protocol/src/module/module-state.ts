import { z } from 'zod';

/**
 * The seven module states of DESIGN §3.1, by their one-letter names: Uninitialized, Initializing,
 * Operational, Administrative, eXporting shares, iMporting shares, Error.
 */
export const MODULE_STATES = Object.freeze(['U', 'I', 'O', 'A', 'X', 'M', 'E'] as const);

export const ModuleStateSchema = z.enum(MODULE_STATES);

export type ModuleState = z.infer<typeof ModuleStateSchema>;

/** Human names, for status output, the README command table and audit reports. */
export const MODULE_STATE_NAMES: Readonly<Record<ModuleState, string>> = Object.freeze({
  U: 'Uninitialized',
  I: 'Initializing',
  O: 'Operational',
  A: 'Administrative',
  X: 'Exporting Shares',
  M: 'Importing Shares',
  E: 'Error',
});
