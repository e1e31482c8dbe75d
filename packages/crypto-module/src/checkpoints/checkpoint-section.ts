import type { PsdSettings } from '@indicium/protocol';
import type { HandlerContext } from '../commands/handler-context.js';

/** DESIGN §3.6: the module keeps its three most recent checkpoint records. */
export const CHECKPOINTS_KEPT = 3;

/** Defaults of the PSD settings (Set PSD Settings changes them per module). */
export const DEFAULT_PSD_SETTINGS: PsdSettings = Object.freeze({
  challengeLifetimeMs: 15 * 60_000,
  passphraseFailureLimit: 5,
});

/**
 * The module's PSD memory (DESIGN §3.6), kept in NVM: its last three checkpoint records (base64 of
 * record ‖ MAC, oldest first), whether it is inhibited after a failed Auto-Recover, and the PSD
 * settings the Security Officer set. Nothing per meter: packages carry their own state.
 */
export interface CheckpointSection {
  readonly records: readonly string[];
  readonly inhibited: boolean;
  readonly settings: PsdSettings;
}

export function emptyCheckpointSection(): CheckpointSection {
  return { records: [], inhibited: false, settings: DEFAULT_PSD_SETTINGS };
}

/**
 * The section from the NVM draft. An NVM written before the section existed has none: it reads as
 * empty (no checkpoints yet, default settings) instead of failing the first PSD command.
 */
export function checkpointSection(ctx: HandlerContext): CheckpointSection {
  return (ctx.nvm.get('checkpoints') as CheckpointSection | undefined) ?? emptyCheckpointSection();
}
