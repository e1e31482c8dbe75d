/**
 * The module's own keys and clock (DESIGN §3.3 Start Initialization): the module key signs status,
 * session halves and exported public keys; the audit signing key signs audit entries (§3.5). Both
 * ECDSA P-256, made at Start Initialization, stored as base64 DER and used through the KeyCache.
 */
export interface ModuleSection {
  readonly modulePrivateKey: string | null;
  readonly modulePublicKey: string | null;
  readonly auditPrivateKey: string | null;
  readonly auditPublicKey: string | null;
  /** Module time = host clock + offset: the module owns no clock it cannot set (DESIGN §3). */
  readonly clockOffsetMs: number;
  readonly initializedAt: number | null;
}

export function emptyModuleSection(): ModuleSection {
  return {
    modulePrivateKey: null,
    modulePublicKey: null,
    auditPrivateKey: null,
    auditPublicKey: null,
    clockOffsetMs: 0,
    initializedAt: null,
  };
}
