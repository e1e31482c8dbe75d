/**
 * The Master Key Set's part of the module NVM (DESIGN §3.4). Everything here is plain,
 * structured-cloneable, JSON-safe data (keys as base64 DER or base64 raw bytes) because the core
 * serialises the NVM to an encrypted file. Unwrapped `KeyObject`s never live here: they are kept
 * in the in-memory cache of `mks-key-cache.ts` and rebuilt from this section after a boot.
 */

/** One stored MKS: the MEK encrypts key tokens and packages, the MAK authenticates them (DESIGN §2). */
export interface StoredMks {
  /** Increases by one at every Generate MKS in the master; a clone inherits the master's version. */
  readonly version: number;
  /** 32 raw bytes, base64. */
  readonly mek: string;
  /** 32 raw bytes, base64. */
  readonly mak: string;
  /** Key-check value (see `mks-key-check.ts`), base64. Public: shown to officers, carried in shares. */
  readonly kcv: string;
  /** False once a module imported the MKS as "retained": it may never be exported again (DESIGN §3.4). */
  readonly exportable: boolean;
  /** Module clock, milliseconds since the Unix epoch. */
  readonly createdAt: number;
}

/** The clone's RSA-OAEP-3072 transport key pair (DESIGN §2), made once in a module's life. */
export interface TransportKeyPair {
  /** PKCS#8 DER, base64. */
  readonly privateKeyPkcs8: string;
  /** SPKI DER, base64. */
  readonly publicKeySpki: string;
  /** SHA-256 of the SPKI DER, hex: the fingerprint custodians compare and shares are bound to. */
  readonly fingerprint: string;
  readonly createdAt: number;
}

/** One share waiting in the source module for a Key Custodian to export it. */
export interface PendingShare {
  /** 1..n, our own index (the Shamir library's x-coordinate travels inside `share`). */
  readonly index: number;
  /** The Shamir share bytes, base64. Secret: destroyed once exported or when the export is aborted. */
  readonly share: string;
}

/** What one Key Custodian did during an export ceremony (kept for the audit trail and one-per-custodian). */
export interface ShareExportRecord {
  readonly custodianId: string;
  readonly index: number;
  /** Fingerprint (hex SHA-256 of SPKI DER) of the destination's transport public key. */
  readonly destinationFingerprint: string;
  readonly exportable: boolean;
  readonly exportedAt: number;
}

/** State of Exporting Shares (DESIGN §3.1): one ceremony at a time. */
export interface ExportCeremonyState {
  /** Random 16 bytes, hex: binds every share of this ceremony together. */
  readonly ceremonyId: string;
  readonly mksVersion: number;
  readonly n: number;
  readonly k: number;
  readonly pending: readonly PendingShare[];
  readonly exported: readonly ShareExportRecord[];
  readonly startedAt: number;
}

/** One share accepted by Import MKS Share, already decrypted and verified, waiting for Combine. */
export interface CollectedShare {
  readonly index: number;
  /** Shamir share bytes, base64. Secret: destroyed by Combine (success or failure). */
  readonly share: string;
  readonly custodianId: string;
  readonly importedAt: number;
}

/**
 * State of Importing Shares (DESIGN §3.1). The first accepted share fixes the ceremony, version,
 * n, k, exportable flag, expected key-check value and source module; every later share must match.
 */
export interface ImportCeremonyState {
  readonly ceremonyId: string | null;
  readonly mksVersion: number | null;
  readonly n: number | null;
  readonly k: number | null;
  readonly exportable: boolean | null;
  /** Key-check value the combined MKS must match, base64. */
  readonly kcv: string | null;
  /** SPKI DER (base64) of the source module's module key that signed the shares. */
  readonly sourceModuleKey: string | null;
  readonly shares: readonly CollectedShare[];
  readonly startedAt: number;
}

/** The whole MKS section of the NVM. */
export interface MksSection {
  readonly active: StoredMks | null;
  /** A new MKS waiting for activation, or the old one after a rollover, until deleted. */
  readonly dormant: readonly StoredMks[];
  /**
   * The highest MKS version this module ever held (generated or imported), so a new MKS never
   * reuses the number of a deleted one: a version names one set of keys for the module's life.
   */
  readonly highestVersion: number;
  /** True once Generate Transport Key Pair ran: this module is a clone (DESIGN §3.4). */
  readonly clone: boolean;
  readonly transportKey: TransportKeyPair | null;
  readonly exportCeremony: ExportCeremonyState | null;
  readonly importCeremony: ImportCeremonyState | null;
}

/** The section of a freshly initialised module: no MKS, not a clone, no ceremony. */
export function emptyMksSection(): MksSection {
  return {
    active: null,
    dormant: [],
    highestVersion: 0,
    clone: false,
    transportKey: null,
    exportCeremony: null,
    importCeremony: null,
  };
}

/** Whether an MKS is active: decides Importing Shares → Operational or → Error at boot (DESIGN §3.1). */
export function hasActiveMks(section: MksSection): boolean {
  return section.active !== null;
}

/** Postage and register limits in integer mills (DESIGN §3.3, §4). */
export interface CryptoCardLimits {
  /** Smallest postage one indicium may carry. */
  readonly minPostage: number;
  /** Largest postage one indicium may carry. */
  readonly maxPostage: number;
  /** Largest descending register a meter may hold ($500 = 500000 mills by default). */
  readonly maxDescendingRegister: number;
  /** Largest ascending register before the meter must be withdrawn. */
  readonly maxAscendingRegister: number;
}

/** An asymmetric key pair as DER, base64. */
export interface StoredKeyPair {
  /** PKCS#8 DER, base64. */
  readonly privateKeyPkcs8: string;
  /** SPKI DER, base64. */
  readonly publicKeySpki: string;
}

/**
 * The shared keys of DESIGN §2 loaded by Initialize / Update Crypto-Card. Every module of the pool
 * holds the same card; other modules receive it as key tokens sealed under the shared MEK.
 */
export interface CryptoCardSection {
  /** 0 until Initialize Crypto-Card; increases by one at every Initialize or Update. */
  readonly cardVersion: number;
  /** ECDSA P-256: signs registration challenges and the registration key bundle (DESIGN §4.2). */
  readonly registrationSigningKey: StoredKeyPair | null;
  /** RSA-OAEP-3072: clients encrypt their HMK and passphrase hash to it (DESIGN §4.2). */
  readonly clientSecretKey: StoredKeyPair | null;
  /** The postal CA certificate, PEM: authenticates the Certificate Authority role (DESIGN §3.2). */
  readonly postalCaCertificatePem: string | null;
  /** The provider's ECDSA P-256 public key, SPKI DER base64 (DESIGN §4.4). */
  readonly providerPublicKeySpki: string | null;
  readonly limits: CryptoCardLimits | null;
  readonly updatedAt: number | null;
}

export function emptyCryptoCardSection(): CryptoCardSection {
  return {
    cardVersion: 0,
    registrationSigningKey: null,
    clientSecretKey: null,
    postalCaCertificatePem: null,
    providerPublicKeySpki: null,
    limits: null,
    updatedAt: null,
  };
}

/** Whether Initialize Crypto-Card has run (PSD commands need the card). */
export function hasCryptoCard(section: CryptoCardSection): boolean {
  return section.cardVersion > 0;
}
