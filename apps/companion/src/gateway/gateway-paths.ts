import { join } from 'node:path';

/** The gateway's files, inside the companion's owner-only data folder (DESIGN §9). */
export interface GatewayPaths {
  readonly dir: string;
  /** The gateway's TLS key and self-signed certificate, which interfaces pin at pairing. */
  readonly tls: string;
  readonly pairings: string;
  /** Every job, one JSON line each: who, what, when, where. */
  readonly officeLog: string;
  /** One secrets file per meter user, each sealed under that user's own passphrase. */
  userSecrets(meterId: string, userId: string): string;
}

export function gatewayPaths(dataDir: string): GatewayPaths {
  const dir = join(dataDir, 'gateway');
  return Object.freeze({
    dir,
    tls: join(dir, 'tls'),
    pairings: join(dir, 'pairings.json'),
    officeLog: join(dir, 'office-log.jsonl'),
    // Meter and user ids are protocol-checked ([0-9-] and [a-z0-9._-]), so they are safe file names.
    userSecrets: (meterId: string, userId: string) => join(dir, 'users', `${meterId}~${userId}.secrets.json`),
  });
}
