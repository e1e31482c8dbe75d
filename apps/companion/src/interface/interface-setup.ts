import { open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GatewayUserSchema, IndiciumError, InterfaceNameSchema, PairingIdSchema } from '@indicium/protocol';
import { z } from 'zod';

/**
 * How this companion reaches its office gateway (DESIGN §9), written once pairing succeeded:
 * the gateway's address, its certificate as pinned at pairing, the pairing and the meter user
 * this machine acts for. Its presence puts the companion in interface mode.
 */
export const InterfaceSetupSchema = z.strictObject({
  version: z.literal(1),
  gateway: z.strictObject({
    host: z.string().min(1).max(253),
    port: z.int().min(1).max(65_535),
    /** SHA-256 of the gateway certificate's DER, lower-case hex: the pin. */
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
    certPem: z.string().max(8192),
  }),
  pairingId: PairingIdSchema,
  name: InterfaceNameSchema,
  user: GatewayUserSchema,
  /** How long a forwarded call may take before GATEWAY_UNREACHABLE (a print includes the vault). */
  timeoutMs: z.int().min(100).max(600_000),
});
export type InterfaceSetup = z.infer<typeof InterfaceSetupSchema>;

export const DEFAULT_GATEWAY_TIMEOUT_MS = 120_000;

export const interfaceSetupFile = (dataDir: string) => join(dataDir, 'interface.json');
/** The interface's own TLS key and certificate (its identity at the gateway). */
export const interfaceTlsDir = (dataDir: string) => join(dataDir, 'interface-tls');

/** The setup, or undefined when this companion is not an interface (LOCAL_STORE_CORRUPT if damaged). */
export async function readInterfaceSetup(dataDir: string): Promise<InterfaceSetup | undefined> {
  const file = interfaceSetupFile(dataDir);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const corrupt = (detail: string) =>
    new IndiciumError('LOCAL_STORE_CORRUPT', { field: 'interface', detail, details: { file } });
  if (((await stat(file)).mode & 0o077) !== 0) throw corrupt('others may read the interface setup');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw corrupt('not JSON');
  }
  const parsed = InterfaceSetupSchema.safeParse(json);
  if (!parsed.success) throw corrupt(parsed.error.issues[0]?.path.join('.') ?? 'interface');
  return parsed.data;
}

export async function writeInterfaceSetup(dataDir: string, setup: InterfaceSetup): Promise<void> {
  const file = interfaceSetupFile(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(InterfaceSetupSchema.parse(setup), null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}
