import { randomBytes } from 'node:crypto';
import {
  ConfigureAnswerSchema,
  type ConfigureRequest,
  fromBase64,
  type PageCallAnswer,
  type PageCallRequest,
  PROTOCOL_VERSION,
  RegistrationChallengeSchema,
  RegistrationKeyBundleSchema,
  VAULT_PATHS,
} from '@indicium/protocol';
import type { VaultCallContext } from '../calls/vault-client.js';
import { hashMeterUserPassphrase } from '../protocol/passphrase-hash.js';
import { verifyRegistrationKeyBundle } from '../protocol/registration-bundle.js';
import {
  encryptClientSecrets,
  verifyConfigureAnswer,
  verifyRegistrationChallenge,
} from '../protocol/registration-secrets.js';
import type { VaultHttp } from './vault-http.js';

export interface RegistrationDeps {
  readonly http: VaultHttp;
  /** The postal CA pinned at install: the key bundle's signer must chain to it. */
  readonly postalCaPem: string;
  readonly now: () => Date;
}

/**
 * Registers this computer for a meter user (DESIGN §4.2): verified key bundle → module-signed
 * registration challenge → fresh HMK and scrypt passphrase hash, encrypted to the module's
 * client-secret key → Configure PSD / Add PSD User / Complete Password Reset → the receipt's MAC
 * checked with the new HMK → the HMK stored under the passphrase. Nothing is stored unless the
 * receipt verifies; the HMK and hash buffers are zeroed before returning.
 *
 * The local secrets file is opened (or made) with the same passphrase before the vault is asked,
 * so a wrong passphrase costs no registration token.
 */
export async function registerMeterUser(
  deps: RegistrationDeps,
  request: PageCallRequest<'register'>,
  context: VaultCallContext,
): Promise<PageCallAnswer<'register'>> {
  const { secrets } = context;
  const firstOnThisComputer = secrets.locked && (await secrets.registrations()).length === 0;
  if (secrets.locked && !firstOnThisComputer) await secrets.unlock(request.passphrase);

  context.progress('challenge');
  const bundle = await deps.http.getJson(VAULT_PATHS.registrationKeyBundle, RegistrationKeyBundleSchema);
  const keys = verifyRegistrationKeyBundle(bundle, deps.postalCaPem, deps.now());
  const challenge = await deps.http.postJson(
    VAULT_PATHS.registrationChallenge,
    { protocol: PROTOCOL_VERSION, meterId: request.meterId, registrationToken: request.registrationToken },
    RegistrationChallengeSchema,
  );
  verifyRegistrationChallenge(keys.registrationKey, challenge, { meterId: request.meterId, at: deps.now() });

  context.progress('issuing');
  const hmk = new Uint8Array(randomBytes(32));
  const passphraseHash = await hashMeterUserPassphrase(request.passphrase, request);
  try {
    const configure: ConfigureRequest = {
      protocol: PROTOCOL_VERSION,
      mode: request.mode,
      meterId: request.meterId,
      customerId: request.customerId,
      userId: request.userId,
      registrationToken: request.registrationToken,
      challenge: challenge.challenge,
      encryptedSecrets: encryptClientSecrets(keys.clientSecretKey, {
        mode: request.mode,
        meterId: request.meterId,
        customerId: request.customerId,
        userId: request.userId,
        challenge: fromBase64(challenge.challenge),
        hmk,
        passphraseHash,
      }),
    };
    const answer = await deps.http.postJson(
      VAULT_PATHS.registrationConfigure,
      configure,
      ConfigureAnswerSchema,
    );

    context.progress('verifying');
    verifyConfigureAnswer(hmk, configure, answer);
    const record = {
      meterId: request.meterId,
      userId: request.userId,
      customerId: request.customerId,
      hmk,
      moduleChallenge: null,
      ascendingRegisterMills: answer.ascendingRegisterMills,
      descendingRegisterMills: answer.descendingRegisterMills,
      registeredAt: deps.now().toISOString(),
    };
    if (firstOnThisComputer) await secrets.create(request.passphrase, record);
    else await secrets.putMeterUser(record);
    return {
      meterId: request.meterId,
      userId: request.userId,
      ascendingRegisterMills: answer.ascendingRegisterMills,
      descendingRegisterMills: answer.descendingRegisterMills,
    };
  } finally {
    hmk.fill(0);
    passphraseHash.fill(0);
  }
}
