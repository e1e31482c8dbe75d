import { z } from 'zod';

/** Why a module's log could not be verified or did not verify. */
export const ModuleAuditProblemKindSchema = z.enum([
  // verifyAuditChain's kinds (crypto-module): the log itself is wrong.
  'malformed',
  'wrong-module',
  'sequence-gap',
  'chain-break',
  'bad-signature',
  'missing-signature',
  'truncated',
  // The auditor could not check: no exported audit key, or no signed head from the module.
  'audit-key-unavailable',
  'status-unavailable',
]);

export const ModuleAuditSchema = z.strictObject({
  moduleSerial: z.string(),
  /** `verified`: chain and signatures hold up to the module's signed head; `skipped`: a module not
   *  in service that has no audit key yet (a clone being loaded); `failed`: see `problems`. */
  result: z.enum(['verified', 'failed', 'skipped']),
  entries: z.int().min(0),
  problems: z.array(z.strictObject({ index: z.int(), kind: ModuleAuditProblemKindSchema })),
});

export const MeterAuditProblemSchema = z.strictObject({
  meterId: z.string(),
  kind: z.enum(['ar-decreased', 'version-reused']),
  entries: z.array(z.strictObject({ moduleSerial: z.string(), sequence: z.int() })),
});

/**
 * One audit run (DESIGN §3.5): every module's chain and signatures, then every meter's AR across
 * all modules' merged logs. Served to officers by `GET /v1/auditor/report` and printed by
 * `vaultctl audit verify-vault`.
 */
export const AuditReportSchema = z.strictObject({
  valid: z.boolean(),
  startedAtMs: z.int(),
  finishedAtMs: z.int(),
  modules: z.array(ModuleAuditSchema),
  meters: z.array(MeterAuditProblemSchema),
  /** Package changes seen per meter (how much of each meter's history was checked). */
  metersChecked: z.int().min(0),
});

export type ModuleAudit = z.infer<typeof ModuleAuditSchema>;
export type ModuleAuditProblemKind = z.infer<typeof ModuleAuditProblemKindSchema>;
export type AuditReport = z.infer<typeof AuditReportSchema>;
