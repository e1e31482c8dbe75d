import { z } from 'zod';

/** The four officer roles of DESIGN §3.2. One role per account: an account never holds two. */
export const OFFICER_ROLES = Object.freeze([
  'security-officer',
  'key-custodian',
  'administrator',
  'auditor',
] as const);

export const OfficerRoleSchema = z.enum(OFFICER_ROLES);

export type OfficerRole = z.infer<typeof OfficerRoleSchema>;
