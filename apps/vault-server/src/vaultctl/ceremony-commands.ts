import { CryptoCardAnswerSchema, OFFICER_PATHS } from '@indicium/protocol';
import { readJsonFile } from './json-file.js';
import {
  integer,
  type OfficerCommandSpec,
  OUT,
  optionalInteger,
  text,
  toFileOrPrint,
} from './officer-command-spec.js';

/** The key-ceremony and MKS lifecycle commands of DESIGN §3.3–3.4, one step each, by hand. */
export const CEREMONY_COMMANDS: readonly OfficerCommandSpec[] = [
  {
    name: 'generate-mks',
    command: 'generate-mks',
    role: 'security-officer',
    summary: 'Generate the MKS (master in Initializing) or a new dormant MKS (rollover).',
  },
  {
    name: 'generate-transport-key',
    command: 'generate-transport-key-pair',
    role: 'security-officer',
    summary: "Make this clone's RSA-3072 transport key pair (Initializing → Importing Shares).",
  },
  {
    name: 'export-transport-key',
    command: 'export-transport-public-key',
    role: 'key-custodian',
    summary: 'Export the transport public key, signed by the module key.',
    options: [OUT],
    output: toFileOrPrint,
  },
  {
    name: 'create-shares',
    command: 'create-mks-shares',
    role: 'security-officer',
    summary: 'Split the MKS into n shares with threshold k (→ Exporting Shares).',
    options: [
      { flags: '--n <n>', description: 'number of shares', required: true },
      { flags: '--k <k>', description: 'threshold', required: true },
      { flags: '--mks-version <version>', description: 'the MKS to share (default: the active one)' },
    ],
    body: (o) => {
      const mksVersion = optionalInteger(o, 'mksVersion');
      return { n: integer(o, 'n'), k: integer(o, 'k'), ...(mksVersion === undefined ? {} : { mksVersion }) };
    },
  },
  {
    name: 'export-share',
    command: 'export-mks-share',
    role: 'key-custodian',
    summary: "Export this custodian's MKS share, encrypted to a destination transport key.",
    options: [
      { flags: '--tpk <file>', description: "the destination's export-transport-key output", required: true },
      {
        flags: '--fingerprint <hex>',
        description: 'the transport key fingerprint read at the destination',
        required: true,
      },
      { flags: '--retained', description: 'the destination may never export this MKS again' },
      OUT,
    ],
    body: async (o) => {
      const tpk = (await readJsonFile(text(o, 'tpk'), 'tpk')) as { transportKey?: unknown };
      return {
        transportKey: tpk.transportKey,
        destinationFingerprint: text(o, 'fingerprint'),
        exportable: o.retained !== true,
      };
    },
    output: toFileOrPrint,
  },
  {
    name: 'abort-export',
    command: 'abort-export',
    role: 'security-officer',
    summary: 'End a share export early (→ Operational).',
  },
  {
    name: 'start-importing',
    command: 'start-importing-mks',
    role: 'security-officer',
    summary: 'Prepare to import a replacement or new MKS (→ Importing Shares).',
  },
  {
    name: 'import-share',
    command: 'import-mks-share',
    role: 'key-custodian',
    summary: 'Import one MKS share, confirming the source module by its key fingerprint.',
    options: [
      { flags: '--share <file>', description: 'an export-share output', required: true },
      {
        flags: '--source-fingerprint <hex>',
        description: 'the source module key fingerprint (vaultctl status)',
        required: true,
      },
    ],
    body: async (o) => {
      const out = (await readJsonFile(text(o, 'share'), 'share')) as { share?: unknown };
      return { share: out.share, sourceFingerprint: text(o, 'sourceFingerprint') };
    },
  },
  {
    name: 'combine-shares',
    command: 'combine-mks-shares',
    role: 'security-officer',
    summary: 'Combine the imported shares and check the key-check value.',
  },
  {
    name: 'activate-mks',
    command: 'activate-mks',
    role: 'security-officer',
    summary: 'Make a dormant MKS active (the old one becomes dormant).',
    options: [{ flags: '--version <version>', description: 'MKS version', required: true }],
    body: (o) => ({ version: integer(o, 'version') }),
  },
  {
    name: 'delete-mks',
    command: 'delete-mks',
    role: 'security-officer',
    summary: 'Delete a dormant MKS (the end of a rollover).',
    options: [{ flags: '--version <version>', description: 'MKS version', required: true }],
    body: (o) => ({ version: integer(o, 'version') }),
  },
  {
    name: 'translate-token',
    command: 'translate-token',
    role: 'security-officer',
    summary: 'Re-protect a key token from the dormant MKS to the active one.',
    options: [
      { flags: '--token <base64>', description: 'the key token', required: true },
      {
        flags: '--type <type>',
        description: 'what the token holds, e.g. crypto-card/parameters',
        required: true,
      },
      { flags: '--owner <id>', description: 'the owner id it is bound to', required: true },
      { flags: '--record-version <n>', description: 'the record version it is bound to', required: true },
    ],
    body: (o) => ({
      token: text(o, 'token'),
      type: text(o, 'type'),
      ownerId: text(o, 'owner'),
      recordVersion: integer(o, 'recordVersion'),
    }),
  },
  {
    name: 'update-crypto-card',
    command: 'update-crypto-card',
    role: 'security-officer',
    summary: "Load the pool's crypto-card tokens (from a file, or the vault's copy).",
    options: [{ flags: '--tokens <file>', description: "a JSON file of tokens (default: the vault's copy)" }],
    body: async (o, context) => {
      if (typeof o.tokens === 'string') return { tokens: await readJsonFile(o.tokens, 'tokens') };
      return { tokens: (await context.client.get(OFFICER_PATHS.cryptoCard, CryptoCardAnswerSchema)).tokens };
    },
  },
];
