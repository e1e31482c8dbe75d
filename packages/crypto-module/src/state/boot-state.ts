import type { ErrorCode, ModuleState } from '@indicium/protocol';

/** The module's state after a boot, and what must be written back to NVM. */
export interface BootState {
  readonly current: ModuleState;
  readonly persistent: ModuleState;
  /** Why current is Error, null otherwise. */
  readonly errorCode: ErrorCode | null;
}

/**
 * The boot rules of DESIGN §3.1 (seed: "boot detection"), pure. `persistent` is the state found in
 * NVM; `hasActiveMks` is asked of the MKS section. A fatal Error sets both variables, so only
 * Reset clears it; Exporting Shares is a non-fatal Error (current only), cleared by the next boot.
 */
export function bootState(
  persistent: ModuleState,
  hasActiveMks: boolean,
  persistentErrorCode: ErrorCode | null = null,
): BootState {
  switch (persistent) {
    case 'E':
      return { current: 'E', persistent: 'E', errorCode: persistentErrorCode ?? 'MODULE_ERROR_STATE' };
    case 'I':
      // Interrupted one-time set-up: its keys and accounts cannot be trusted to be complete.
      return { current: 'E', persistent: 'E', errorCode: 'MODULE_ERROR_STATE' };
    case 'M':
      return hasActiveMks
        ? { current: 'O', persistent: 'O', errorCode: null }
        : { current: 'E', persistent: 'E', errorCode: 'MKS_MISSING' };
    case 'X':
      // Non-fatal: only current is Error. The interrupted export is abandoned (the MKS itself is
      // intact) and persistent goes back to Operational, so the next reboot clears the error as
      // DESIGN §3.1 says; leaving X would re-enter Error at every boot.
      return { current: 'E', persistent: 'O', errorCode: 'MODULE_ERROR_STATE' };
    case 'U':
      return { current: 'U', persistent: 'U', errorCode: null };
    default:
      return { current: 'O', persistent: 'O', errorCode: null };
  }
}
