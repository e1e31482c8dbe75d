import { canonicalLayout } from '@indicium/protocol';

/**
 * The canonical layouts inside a PSD package (format in the README, "PSD package format"). They
 * are internal to the module — nobody else reads a package's body — but use the same strict
 * canonical encoding as every MAC input (DESIGN §4), so there is one way to read each byte.
 */
export const PackageHeaderLayout = canonicalLayout('indicium/psd/package-header/v1', {
  meterId: 'text',
  packageVersion: 'uint',
  mksVersion: 'uint',
  state: 'text',
  indiciumKeyToken: 'bytes',
});

export const PackageBodyLayout = canonicalLayout('indicium/psd/package-body/v1', {
  publicKey: 'bytes',
  keyCreatedAt: 'uint',
  keyExpiresAt: 'uint?',
  certificateSerial: 'uint?',
  customerId: 'text?',
  licensingZip: 'text?',
  maximumDescendingRegister: 'uint?',
  ascendingRegister: 'uint',
  descendingRegister: 'uint',
  pieceCount: 'uint',
  createdAt: 'uint',
  lastTransactionAt: 'uint',
  lastTransaction: 'text',
  secretsKeyToken: 'bytes',
  secretsVersion: 'uint',
  userSecrets: 'bytes?',
  users: 'bytes[]',
  registrationChallenge: 'bytes?',
  registrationChallengeExpiresAt: 'uint?',
  resetUserId: 'text?',
  providerNonces: 'bytes[]',
  lastProviderIssuedAt: 'uint',
});

export const PackageUserLayout = canonicalLayout('indicium/psd/package-user/v1', {
  userId: 'text',
  role: 'text',
  privileges: 'text[]',
  maximumTotalMills: 'uint?',
  totalMills: 'uint',
  expiresAt: 'uint?',
  registered: 'bool',
  challenge: 'bytes?',
  challengeIssuedAt: 'uint',
  lastClientChallenge: 'bytes?',
  toldAscending: 'uint',
  toldDescending: 'uint',
  passphraseFailures: 'uint',
  locked: 'bool',
});

export const UserSecretLayout = canonicalLayout('indicium/psd/user-secret/v1', {
  userId: 'text',
  hmk: 'bytes?',
  passphraseSalt: 'bytes?',
  passphraseVerifier: 'bytes?',
  history: 'bytes[]',
});

export const UserSecretsLayout = canonicalLayout('indicium/psd/user-secrets/v1', { users: 'bytes[]' });

/** Associated data of the user secrets: they open only in this meter, under this MKS, at this version. */
export const UserSecretsAad = canonicalLayout('indicium/psd/user-secrets-aad/v1', {
  meterId: 'text',
  mksVersion: 'uint',
  secretsVersion: 'uint',
});

/** HKDF info of the package MAC key (seed: MK_psd is derived from the indicium key). */
export const PackageMacKeyInfo = canonicalLayout('indicium/psd/package-mac-key/v1', {
  meterId: 'text',
  mksVersion: 'uint',
});

/** Key-token bindings (`src/tokens/`): type and record version; the owner is the meter id. */
export const INDICIUM_KEY_TOKEN_TYPE = 'psd/indicium-signing-key';
export const SECRETS_KEY_TOKEN_TYPE = 'psd/secrets-key';
/** Both keys are made once, at Initialize PSD: their tokens carry key generation 1 for life. */
export const PSD_KEY_GENERATION = 1;
