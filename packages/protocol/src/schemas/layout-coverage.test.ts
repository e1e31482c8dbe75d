import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { PsdUserAdminRequestMac, PsdUserAdminRequestSchema } from '../module/psd-users.js';
import {
  AuthorizeCustomerSchema,
  AuthorizeCustomerSig,
  PasswordResetStartSchema,
  PasswordResetStartSig,
  RefundSchema,
  RefundSig,
  ValueDownloadSchema,
  ValueDownloadSig,
} from './provider.js';
import {
  ConfigureAnswerMac,
  ConfigureAnswerSchema,
  CreateIndiciumAnswerMac,
  CreateIndiciumAnswerSchema,
  CreateIndiciumRequestMac,
  CreateIndiciumRequestSchema,
  GetChallengeAnswerMac,
  GetChallengeAnswerSchema,
  GetChallengeRequestMac,
  GetChallengeRequestSchema,
  RegistrationChallengeSchema,
  RegistrationChallengeSig,
  RegistrationKeyBundleSchema,
  RegistrationKeyBundleSig,
} from './vault-api.js';

/**
 * A MACed or signed message must authenticate every field it carries: otherwise an attacker could
 * change an unauthenticated field and keep the MAC. Each layout names exactly the message's fields
 * except `protocol` (in the label) and the MAC or signature itself, with `transaction` flattened,
 * and each field has the matching kind (uint ↔ number, text/bytes ↔ string, `?` ↔ nullable).
 */
const AUTHENTICATOR = new Set(['protocol', 'mac', 'hmac', 'signature']);

type Shape = Record<string, z.ZodType>;

function flatShape(shape: Shape): Shape {
  const out: Shape = {};
  for (const [name, schema] of Object.entries(shape)) {
    if (AUTHENTICATOR.has(name)) continue;
    if (name === 'transaction') Object.assign(out, (schema as unknown as { shape: Shape }).shape);
    else out[name] = schema;
  }
  return out;
}

function kindOf(schema: z.ZodType): string {
  const def = schema.def as { type: string; innerType?: z.ZodType };
  if (def.type === 'nullable' && def.innerType !== undefined) return `${kindOf(def.innerType)}?`;
  // Our enums are all of strings: they encode as text.
  return def.type === 'enum' ? 'string' : def.type;
}

const expectedKind: Record<string, string> = {
  uint: 'number',
  text: 'string',
  bytes: 'string',
  'uint?': 'number?',
  'text?': 'string?',
  'bytes?': 'string?',
  'text[]': 'array',
  bool: 'boolean',
};

const pairs = [
  ['RegistrationKeyBundle', RegistrationKeyBundleSchema, RegistrationKeyBundleSig],
  ['RegistrationChallenge', RegistrationChallengeSchema, RegistrationChallengeSig],
  ['ConfigureAnswer', ConfigureAnswerSchema, ConfigureAnswerMac],
  ['GetChallengeRequest', GetChallengeRequestSchema, GetChallengeRequestMac],
  ['GetChallengeAnswer', GetChallengeAnswerSchema, GetChallengeAnswerMac],
  ['CreateIndiciumRequest', CreateIndiciumRequestSchema, CreateIndiciumRequestMac],
  ['CreateIndiciumAnswer', CreateIndiciumAnswerSchema, CreateIndiciumAnswerMac],
  ['ValueDownload', ValueDownloadSchema, ValueDownloadSig],
  ['AuthorizeCustomer', AuthorizeCustomerSchema, AuthorizeCustomerSig],
  ['Refund', RefundSchema, RefundSig],
  ['PasswordResetStart', PasswordResetStartSchema, PasswordResetStartSig],
  ['PsdUserAdminRequest', PsdUserAdminRequestSchema, PsdUserAdminRequestMac],
] as const;

describe('layouts cover their messages', () => {
  it.each(pairs)('%s', (_name, schema, layout) => {
    const shape = flatShape(schema.shape as unknown as Shape);
    const fields = layout.fields as Record<string, string>;
    expect(Object.keys(fields).sort()).toEqual(Object.keys(shape).sort());
    for (const [name, type] of Object.entries(fields)) {
      expect(kindOf(shape[name] as z.ZodType), name).toBe(expectedKind[type]);
    }
    const authenticators = Object.keys(schema.shape).filter((k) => AUTHENTICATOR.has(k) && k !== 'protocol');
    expect(authenticators).toHaveLength(1);
  });
});
