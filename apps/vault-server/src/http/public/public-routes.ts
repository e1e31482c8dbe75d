import {
  fromBase64,
  IndiciumError,
  MAX_CERTIFICATE_SERIAL,
  VAULT_PATHS,
  VerifyAnswerSchema,
  VerifyRequestSchema,
} from '@indicium/protocol';
import { z } from 'zod';
import { defineRoute, type Route } from '../route.js';
import type { CertificateSource } from './certificate-source.js';
import { verifyIndicium } from './verify-indicium.js';

const PEM = 'application/x-pem-file';

/** `{serial}` in decimal, as printed (no sign, no leading zeros, 1 … 2³²−1). */
const SerialParamsSchema = z.strictObject({
  serial: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a decimal certificate serial')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_CERTIFICATE_SERIAL)),
});

/** Express pattern of an OpenAPI-style path: `/v1/certificates/{serial}` → `/v1/certificates/:serial`. */
export function expressPath(path: string): string {
  return path.replaceAll(/\{([A-Za-z]\w*)\}/g, ':$1');
}

/**
 * The public routes that need no meter (DESIGN §5): the postal CA, meter certificates by serial
 * and indicium verification. They set no cookie and read none.
 */
export function publicRoutes(deps: {
  readonly certificates: CertificateSource;
  readonly now?: () => Date;
}): Route[] {
  const now = deps.now ?? (() => new Date());
  return [
    defineRoute({
      method: 'get',
      path: VAULT_PATHS.caCertificate,
      auth: 'public',
      tag: 'public',
      summary: 'The postal CA certificate (PEM) that meter certificates chain to',
      answer: { status: 200, text: PEM },
      handler: async () => ({ text: deps.certificates.postalCaPem, contentType: PEM }),
    }),
    defineRoute({
      method: 'get',
      path: expressPath(VAULT_PATHS.certificate),
      auth: 'public',
      tag: 'public',
      summary: 'A meter certificate (PEM) by its serial, indicium field 3',
      params: SerialParamsSchema,
      answer: { status: 200, text: PEM },
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => {
        const record = await deps.certificates.certificates.get(params.serial);
        if (record === null) throw new IndiciumError('NOT_FOUND', { field: 'serial' });
        return { text: record.pem, contentType: PEM };
      },
    }),
    defineRoute({
      method: 'post',
      path: VAULT_PATHS.verify,
      auth: 'public',
      tag: 'public',
      summary: 'Verify scanned indicium bytes: decoded fields, SAMPLE flag and validity',
      body: VerifyRequestSchema,
      answer: { status: 200, schema: VerifyAnswerSchema },
      handler: async ({ body }) => ({
        json: await verifyIndicium(fromBase64(body.indicium), deps.certificates, now()),
      }),
    }),
  ];
}
