import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { ensureDevTls } from '../ca/ensure-dev-tls.js';
import { readPrivateFile } from '../ca/private-files.js';
import type { VaultConfig } from '../config/config.js';

/** The server's TLS identity, and where it came from (for the start banner). */
export interface ServerTls {
  readonly key: string;
  readonly cert: string;
  /** The development CA's certificate file clients must trust; null for an operator certificate. */
  readonly devCaFile: string | null;
}

/**
 * The operator's certificate and key when configured (checked to pair, the key file owner-only),
 * otherwise the development CA and `localhost` leaf made on first run in `<dataDir>/tls`
 * (DESIGN §6), with the configured host among its names.
 */
export async function loadTls(config: VaultConfig): Promise<ServerTls> {
  if (config.tls !== null) {
    const cert = await readFile(config.tls.certFile, 'utf8');
    const key = await readPrivateFile(config.tls.keyFile);
    try {
      if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) throw new Error('key mismatch');
    } catch (error) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'tlsCert',
        detail: 'The TLS certificate and key do not form a pair.',
        cause: error,
      });
    }
    return { key, cert, devCaFile: null };
  }
  const extra = ['localhost', '127.0.0.1', '::1', '0.0.0.0', '::'].includes(config.host) ? [] : [config.host];
  const dev = await ensureDevTls(join(config.dataDir, 'tls'), { extraNames: extra });
  return { key: dev.key, cert: dev.cert, devCaFile: dev.files.ca.certificate };
}
