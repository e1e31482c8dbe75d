import type { PageCallAnswer, WireErrorMessage } from '@indicium/protocol';

/** The popup's text for each line, from a status answer or an error (DESIGN §8). */
export interface PopupView {
  readonly summary: string;
  readonly companion: string;
  readonly vault: string;
  readonly meters: string;
  /** The step the person should take, or null when all is well. */
  readonly nextStep: string | null;
}

const VAULT_TEXT = {
  reachable: 'Reachable',
  unreachable: 'Not reachable',
  'not-configured': 'Not configured (companion install --vault URL)',
} as const;

export function popupViewOfStatus(status: PageCallAnswer<'status'>): PopupView {
  const meters =
    status.registrations.length === 0
      ? 'None registered on this computer'
      : status.registrations.map((r) => `${r.meterId} (${r.userId})`).join(', ');
  const locked = status.locked && status.registrations.length > 0;
  return {
    summary: status.registrations.length === 0 ? 'Not registered' : locked ? 'Locked' : 'Ready',
    companion: `Connected, version ${status.companionVersion}${locked ? ', locked' : ''}`,
    vault: VAULT_TEXT[status.vault],
    meters,
    nextStep:
      status.registrations.length === 0
        ? 'Open the Indicium site and choose "Register this computer".'
        : locked
          ? 'Unlock the companion from the Indicium site with your passphrase.'
          : null,
  };
}

export function popupViewOfError(error: WireErrorMessage): PopupView {
  const companionDown = error.code === 'COMPANION_UNAVAILABLE' || error.code === 'EXTENSION_NOT_ALLOWED';
  return {
    summary: `${error.message} (${error.code})`,
    companion: companionDown ? 'Not available' : 'Connected',
    vault: 'Unknown',
    meters: 'Unknown',
    nextStep: error.nextStep,
  };
}
