/**
 * The `openssl` command line as an independent second opinion on our certificates: a different
 * code path (apps/openssl) from both the maker (@peculiar/x509) and node:crypto's bindings.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslResult {
  readonly ok: boolean;
  readonly output: string;
}

function withFiles<T>(files: Record<string, string>, run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'indicium-openssl-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function openssl(args: readonly string[]): OpensslResult {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** `openssl verify -CAfile ca.pem [-purpose p] [-attime t] cert.pem` (X509_V_FLAG_X509_STRICT on). */
export function opensslVerify(
  caPem: string,
  certificatePem: string,
  options: { purpose?: 'sslserver' | 'sslclient' | 'any'; at?: Date } = {},
): OpensslResult {
  return withFiles({ 'ca.pem': caPem, 'cert.pem': certificatePem }, (dir) =>
    openssl([
      'verify',
      '-x509_strict',
      '-CAfile',
      join(dir, 'ca.pem'),
      ...(options.purpose === undefined ? [] : ['-purpose', options.purpose]),
      ...(options.at === undefined ? [] : ['-attime', String(Math.floor(options.at.getTime() / 1000))]),
      join(dir, 'cert.pem'),
    ]),
  );
}

/** `openssl x509 -noout -text`: the certificate as OpenSSL reads it. */
export function opensslText(certificatePem: string): string {
  const result = withFiles({ 'cert.pem': certificatePem }, (dir) =>
    openssl(['x509', '-noout', '-text', '-in', join(dir, 'cert.pem')]),
  );
  if (!result.ok) throw new Error(`openssl x509 failed: ${result.output}`);
  return result.output;
}

/** The lines of `opensslText` under an extension heading, e.g. `X509v3 Key Usage: critical`. */
export function extensionBlock(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim().startsWith(heading));
  if (start < 0) return '';
  return `${lines[start]?.trim()}\n${lines[start + 1]?.trim() ?? ''}`;
}
