import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { InitializePsdBodySchema } from '@indicium/protocol';
import { keyringOf } from '../mks/mks-context.js';
import { sealToken } from '../tokens/seal-token.js';
import { commitPackage } from './commit-package.js';
import { definePsdCommand } from './define-psd-command.js';
import { meterKeysFromPkcs8 } from './package/meter-keys.js';
import {
  INDICIUM_KEY_TOKEN_TYPE,
  PSD_KEY_GENERATION,
  SECRETS_KEY_TOKEN_TYPE,
} from './package/package-layouts.js';
import type { PsdPackage } from './package/psd-package.js';

/**
 * Initialize PSD (DESIGN §3.3; seed: "assigns the device ID, sets the postal registers to zero and
 * generates the PSD public keys"): a new package in state raw for the device id the vault
 * allocated, with a fresh indicium key pair (ECDSA P-256) and a fresh secrets key, both as key
 * tokens under the active MEK. The public key goes out for the meter certificate.
 */
export const initializePsdCommand = definePsdCommand({
  name: 'initialize-psd',
  summary: 'New package (raw): device id, registers zero, indicium key pair; public key out.',
  design: 'DESIGN §3.3',
  role: 'none',
  auth: 'none',
  request: InitializePsdBodySchema,
  handler: (ctx, body) => {
    const keyring = keyringOf(ctx);
    const { meterId } = body;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    const binding = (type: string) => ({ type, ownerId: meterId, recordVersion: PSD_KEY_GENERATION });
    const indiciumKeyToken = sealToken(keyring, binding(INDICIUM_KEY_TOKEN_TYPE), pkcs8);
    const secretsKey = randomBytes(32);
    const secretsKeyToken = sealToken(keyring, binding(SECRETS_KEY_TOKEN_TYPE), secretsKey);
    secretsKey.fill(0);
    const mks = keyring.active;
    if (mks === null) throw new Error('unreachable: sealToken refused without an active MKS');
    const keys = meterKeysFromPkcs8(pkcs8, meterId, mks.version);
    pkcs8.fill(0);
    const pkg: PsdPackage = {
      meterId,
      packageVersion: 1,
      mksVersion: mks.version,
      state: 'raw',
      indiciumKeyToken,
      publicKey: keys.publicKey,
      keyCreatedAt: ctx.now,
      keyExpiresAt: null,
      certificateSerial: null,
      customerId: null,
      licensingZip: null,
      maximumDescendingRegister: null,
      ascendingRegister: 0,
      descendingRegister: 0,
      pieceCount: 0,
      createdAt: ctx.now,
      lastTransactionAt: ctx.now,
      lastTransaction: ctx.command,
      secretsKeyToken,
      secretsVersion: 0,
      userSecrets: null,
      users: [],
      registrationChallenge: null,
      registrationChallengeExpiresAt: null,
      resetUserId: null,
      providerNonces: [],
      lastProviderIssuedAt: 0,
    };
    const done = commitPackage(ctx, pkg, keys, mks, { userId: null, amountMills: 0, total: 'none' });
    return {
      result: { ...done.records, publicKey: Buffer.from(keys.publicKey).toString('base64') },
      auditData: done.auditData,
    };
  },
});
