import { ERROR_CATALOG } from '../errors/error-catalog.js';
import { IndiciumError } from '../errors/indicium-error.js';
import type { PageCallAnswer } from '../schemas/page-calls.js';

export type CompanionStatus = PageCallAnswer<'status'>;

/**
 * Where this computer stands for the setup wizard (DESIGN §8), each with the next step to show.
 * `ready` means the companion is unlocked and holds at least one registration.
 */
export type SetupState =
  | { readonly state: 'no-extension'; readonly nextStep: string; readonly error: IndiciumError }
  | { readonly state: 'no-companion'; readonly nextStep: string; readonly error: IndiciumError }
  | { readonly state: 'origin-not-allowed'; readonly nextStep: string; readonly error: IndiciumError }
  | { readonly state: 'update-needed'; readonly nextStep: string; readonly error: IndiciumError }
  | { readonly state: 'not-registered'; readonly nextStep: string; readonly status: CompanionStatus }
  | { readonly state: 'locked'; readonly nextStep: string; readonly status: CompanionStatus }
  | { readonly state: 'ready'; readonly nextStep: string; readonly status: CompanionStatus };

export type SetupStateName = SetupState['state'];

const READY_NEXT_STEP = 'Buy postage or print.';

/**
 * Turns the outcome of a `status` call into a setup state. Install problems become states; any
 * other failure (TIMEOUT, INTERNAL_ERROR, …) is thrown, since the wizard has no step for it.
 *
 * "Not registered" wins over "locked": a companion with no registration has nothing to unlock, and
 * registering is what sets its passphrase (DESIGN §4.2).
 */
export async function detectSetup(status: () => Promise<CompanionStatus>): Promise<SetupState> {
  let answer: CompanionStatus;
  try {
    answer = await status();
  } catch (error) {
    if (!(error instanceof IndiciumError)) throw error;
    const nextStep = error.nextStep;
    switch (error.code) {
      case 'EXTENSION_UNAVAILABLE':
        return { state: 'no-extension', nextStep, error };
      case 'COMPANION_UNAVAILABLE':
        return { state: 'no-companion', nextStep, error };
      case 'ORIGIN_NOT_ALLOWED':
      case 'EXTENSION_NOT_ALLOWED':
        return { state: 'origin-not-allowed', nextStep, error };
      case 'VERSION_MISMATCH':
        return { state: 'update-needed', nextStep, error };
      default:
        throw error;
    }
  }
  if (answer.registrations.length === 0) {
    return { state: 'not-registered', nextStep: ERROR_CATALOG.NOT_REGISTERED.nextStep, status: answer };
  }
  if (answer.locked) {
    return { state: 'locked', nextStep: ERROR_CATALOG.COMPANION_LOCKED.nextStep, status: answer };
  }
  return { state: 'ready', nextStep: READY_NEXT_STEP, status: answer };
}
