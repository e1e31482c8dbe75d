import { EmptyRequestSchema, IndiciumError } from '@indicium/protocol';
import { defineCommand, stay, to } from '../commands/command-spec.js';
import { emptyImportCeremony } from './import-ceremony.js';
import { keyFingerprint } from './key-fingerprint.js';
import { moduleSigningKey } from './mks-context.js';
import { generateTransportKeyPair, signTransportKey } from './transport-key.js';

/**
 * Generate Transport Key Pair (DESIGN §3.3, §3.4): only in Initializing, so once in a module's
 * life (a new one needs Reset, which erases everything). Marks the module a clone and moves it to
 * Importing Shares, ready for the Key Custodians.
 */
export const generateTransportKeyPairCommand = defineCommand({
  name: 'generate-transport-key-pair',
  summary: 'Makes the clone’s RSA-3072 transport key pair, once in its life (I → M).',
  design: 'DESIGN §3.4',
  states: ['I'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: to('M'),
  request: EmptyRequestSchema,
  handler: async (ctx) => {
    const section = ctx.nvm.get('mks');
    if (section.transportKey !== null || section.active !== null) {
      throw new IndiciumError('WRONG_STATE', { detail: 'a transport key pair or an MKS already exists' });
    }
    const transportKey = await generateTransportKeyPair(ctx.now);
    ctx.nvm.set('mks', {
      ...section,
      clone: true,
      transportKey,
      importCeremony: emptyImportCeremony(ctx.now),
    });
    return {
      result: { fingerprint: transportKey.fingerprint },
      auditData: { transportKeyFingerprint: transportKey.fingerprint },
    };
  },
});

/**
 * Export Transport Public Key (DESIGN §3.3): the TPK signed by this module's module key, for a Key
 * Custodian to carry to the source module. The custodian also notes `fingerprint` and types it into
 * Export MKS Share there: the signature says "a module made this", the fingerprint says "ours".
 */
export const exportTransportPublicKeyCommand = defineCommand({
  name: 'export-transport-public-key',
  summary: 'Hands out the transport public key, signed by the module key.',
  design: 'DESIGN §3.4',
  states: ['O', 'M'],
  role: 'key-custodian',
  auth: 'session+logon',
  audit: 'entry',
  next: stay,
  request: EmptyRequestSchema,
  handler: (ctx) => {
    const { transportKey } = ctx.nvm.get('mks');
    if (transportKey === null) {
      throw new IndiciumError('WRONG_STATE', {
        detail: 'this module has no transport key: it is not a clone',
      });
    }
    const key = moduleSigningKey(ctx);
    return {
      result: {
        transportKey: signTransportKey(transportKey, key),
        fingerprint: transportKey.fingerprint,
        moduleKeyFingerprint: keyFingerprint(key.publicKeySpki),
      },
      auditData: { transportKeyFingerprint: transportKey.fingerprint },
    };
  },
});
