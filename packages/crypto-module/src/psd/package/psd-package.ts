import type { PsdPrivilege, PsdState, PsdUserRole } from '@indicium/protocol';

/**
 * One user of a meter (DESIGN §3.3 multi-user meters), as the package keeps them in clear (but
 * MACed): everything the module decides with except the secrets, which live encrypted in
 * `PsdUserSecret`.
 */
export interface PsdUser {
  readonly userId: string;
  readonly role: PsdUserRole;
  readonly privileges: readonly PsdPrivilege[];
  readonly maximumTotalMills: number | null;
  /** Postage this user printed (postage and corrections). */
  readonly totalMills: number;
  /** Module time, ms; null: never expires. */
  readonly expiresAt: number | null;
  /** True once the user's HMK and passphrase hash are in the package. */
  readonly registered: boolean;
  /** The module challenge Cm last issued to this user (DESIGN §4.3); null: none yet. */
  readonly challenge: Uint8Array | null;
  readonly challengeIssuedAt: number;
  /** The last Get Challenge client challenge, so the same request is not answered twice. */
  readonly lastClientChallenge: Uint8Array | null;
  /** AR and DR as last told to this user: their companion must send exactly these back. */
  readonly toldAscending: number;
  readonly toldDescending: number;
  /** Wrong passphrases in a password reset since the provider started it. */
  readonly passphraseFailures: number;
  readonly locked: boolean;
}

/** A user's secrets, only ever in clear inside the module. */
export interface PsdUserSecret {
  readonly userId: string;
  /** 32 bytes; null until the user registers (or after an administrator asks to re-register). */
  readonly hmk: Uint8Array | null;
  /** HMAC-SHA-256(salt, client passphrase hash): the module stores the client hash salted again (DESIGN §2). */
  readonly passphraseSalt: Uint8Array | null;
  readonly passphraseVerifier: Uint8Array | null;
  /** The passphrase repetition list: salt ‖ verifier of earlier passphrases (seed: no reuse). */
  readonly history: readonly Uint8Array[];
}

/** The clear header: what the vault needs to route a package without the keys (DESIGN §3.3). */
export interface PsdPackageHeader {
  readonly meterId: string;
  /** Increases by one with every change: the same version never names two contents. */
  readonly packageVersion: number;
  /** The MKS version the key tokens are sealed under. */
  readonly mksVersion: number;
  readonly state: PsdState;
  /** The indicium signing key (PKCS#8) as a key token under the MEK; the package MAC key derives from it. */
  readonly indiciumKeyToken: Uint8Array;
}

/** Everything else a package holds (seed: "the items included in a PSD package"). */
export interface PsdPackageBody {
  /** SPKI DER of the indicium key. */
  readonly publicKey: Uint8Array;
  readonly keyCreatedAt: number;
  /** The meter certificate's notAfter: the key signs nothing after it. Null until Authorize PSD. */
  readonly keyExpiresAt: number | null;
  readonly certificateSerial: number | null;
  readonly customerId: string | null;
  readonly licensingZip: string | null;
  readonly maximumDescendingRegister: number | null;
  readonly ascendingRegister: number;
  readonly descendingRegister: number;
  readonly pieceCount: number;
  readonly createdAt: number;
  readonly lastTransactionAt: number;
  readonly lastTransaction: string;
  /** EDEK_psd: the key that encrypts the user secrets, as a key token under the MEK. */
  readonly secretsKeyToken: Uint8Array;
  /** Bound into the secrets' associated data; increases whenever they are re-encrypted. */
  readonly secretsVersion: number;
  /** AES-256-GCM under the secrets key: nonce ‖ ciphertext ‖ tag; null before any user. */
  readonly userSecrets: Uint8Array | null;
  readonly users: readonly PsdUser[];
  /** The registration challenge waiting for Configure PSD / register / reset (DESIGN §4.2). */
  readonly registrationChallenge: Uint8Array | null;
  readonly registrationChallengeExpiresAt: number | null;
  /** The user whose password reset the provider started (state pwreset). */
  readonly resetUserId: string | null;
  /** Nonces of the last provider messages applied (a replay is refused). */
  readonly providerNonces: readonly Uint8Array[];
  /** The newest provider message's issuedAt, ms: an older one is refused. */
  readonly lastProviderIssuedAt: number;
}

export type PsdPackage = PsdPackageHeader & PsdPackageBody;
