import type { SetupStateName } from '@indicium/protocol';

/** What the wizard offers the person for a state: a page action, or instructions to follow. */
export type SetupAction = 'reload' | 'unlock' | 'register' | 'print';

export interface SetupStep {
  readonly title: string;
  /** What the person sees and what to do, in plain words. */
  readonly explanation: string;
  /** Commands to run, shown as code (none for states the page itself can clear). */
  readonly commands: readonly string[];
  readonly action: SetupAction;
  /** True once this computer can print: the wizard is done. */
  readonly done: boolean;
}

/** The development id of the extension, fixed by its manifest key (apps/extension README). */
export const DEVELOPMENT_EXTENSION_ID = 'cgmdonginiikpoindfahfnaokakjjmln';

/**
 * The setup wizard's steps (DESIGN §8): one per state `detect()` tells apart, each with the next
 * step. Kept as data so a test walks every state and the page only renders it.
 */
export function setupStepFor(state: SetupStateName, origin: string): SetupStep {
  switch (state) {
    case 'no-extension':
      return {
        title: 'Install the Indicium browser extension',
        explanation:
          'This browser has no Indicium extension, or it is switched off. Install it, then reload this page.',
        commands: [
          'npm run build -w @indicium/extension',
          'chrome://extensions → Load unpacked → apps/extension/dist/chrome',
        ],
        action: 'reload',
        done: false,
      };
    case 'no-companion':
      return {
        title: 'Install the Indicium companion',
        explanation:
          "The extension is here, but the companion program it talks to is not installed or could not start. Install it for this site, pinning the vault's postal CA by the fingerprint your provider gave you (never one read from this page), restart the browser, then reload this page.",
        commands: [
          `node apps/companion/bin/companion.mjs install --extension-id ${DEVELOPMENT_EXTENSION_ID} --origin ${origin} --vault ${origin} --ca-fingerprint <postal CA SHA-256 fingerprint>`,
          'Development vault on this computer: add --tls-ca ~/.indicium/vault/tls/dev-ca.cert.pem',
        ],
        action: 'reload',
        done: false,
      };
    case 'origin-not-allowed':
      return {
        title: 'This site is not allowed to use the companion',
        explanation:
          'The extension or the companion was installed for another Indicium site. Open that site, or install the companion again with this site.',
        commands: [`node apps/companion/bin/companion.mjs install --origin ${origin}`],
        action: 'reload',
        done: false,
      };
    case 'update-needed':
      return {
        title: 'Update Indicium',
        explanation:
          'The page, the extension and the companion speak different protocol versions. Update the part named below, then reload.',
        commands: [],
        action: 'reload',
        done: false,
      };
    case 'not-registered':
      return {
        title: 'Register this computer',
        explanation:
          'The companion is installed but holds no meter yet. Register this computer for your meter and choose the passphrase that protects its key.',
        commands: [],
        action: 'register',
        done: false,
      };
    case 'locked':
      return {
        title: 'Unlock the companion',
        explanation: 'This computer is registered. Type your passphrase to unlock it for this session.',
        commands: [],
        action: 'unlock',
        done: false,
      };
    case 'ready':
      return {
        title: 'Ready to print',
        explanation: 'This computer is registered and unlocked. Buy postage or print.',
        commands: [],
        action: 'print',
        done: true,
      };
  }
}
