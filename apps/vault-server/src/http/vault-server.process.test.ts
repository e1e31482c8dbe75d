import { randomBytes, sign, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  attachIndiciumSignature,
  encodeIndiciumSignedPart,
  type IndiciumFields,
  PROTOCOL_VERSION,
  parseIndicium,
  toBase64,
  type VerifyAnswer,
} from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStore, postgresE2eStore, sqliteE2eStore } from '../../test/support/e2e-store.js';
import { issueMeterCertificate } from '../ca/issue-meter-certificate.js';
import { openPostalCa } from '../ca/open-postal-ca.js';
import { generateP256KeyPair, type P256KeyPair } from '../ca/p256-key-pair.js';
import { createStore } from '../store/create-store.js';
import { type HttpAnswer, startVaultProcess, type VaultProcess } from './testing/vault-process.js';

/**
 * The vault as `npm start` runs it — its own process, real HTTPS with the development CA, the
 * real store and module pool — driven as a browser and a scanner would drive it. On both stores
 * (issue 8): the default SQLite file and PostgreSQL (`--database-url`), seeded the same way.
 */

const DEVICE_ID = '00042-00001-0000001001';
const SERIAL = 1001;

let dataDir: string;
let vault: VaultProcess;
let meterKeys: P256KeyPair;
let postalCaPem: string;

const FIELDS: IndiciumFields = {
  version: 1,
  algorithm: 1,
  certificateSerial: SERIAL,
  vendorId: 42,
  psdModel: 1,
  psdSerial: 1001,
  ascendingRegisterMills: 12_340,
  postageMills: 730,
  mailingDate: '2026-11-27',
  originZip: '20260-0001',
  softwareId: 1,
  descendingRegisterMills: 87_660,
  rateCategory: 'FCL1',
  destinationZip: '10001',
  pieceCount: 17,
  kind: 'postage',
  sample: true,
};

function signIndicium(fields: IndiciumFields, keys: P256KeyPair): Uint8Array {
  const signedPart = encodeIndiciumSignedPart(fields);
  const signature = sign('sha256', signedPart, { key: keys.privateKey, dsaEncoding: 'ieee-p1363' });
  return attachIndiciumSignature(signedPart, signature);
}

function errorOf(answer: HttpAnswer): { code: string; field?: string; details?: Record<string, unknown> } {
  return answer.json<{ protocol: number; error: { code: string; field?: string } }>().error;
}

describe.each([sqliteE2eStore(), postgresE2eStore()])(
  'the real vault process on $name',
  (store: E2eStore) => {
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'indicium-vault-'));
      await store.open(dataDir);
      // The postal CA and a meter certificate, made the way MeterGen will: the vault opens this CA.
      const { ca } = await openPostalCa(join(dataDir, 'ca', 'postal'));
      postalCaPem = ca.certificatePem;
      meterKeys = await generateP256KeyPair();
      const pem = await issueMeterCertificate(ca, {
        serial: SERIAL,
        deviceId: DEVICE_ID,
        publicKey: meterKeys.publicKey,
      });
      const otherKeys = await generateP256KeyPair();
      const wrongDevice = await issueMeterCertificate(ca, {
        serial: 2002,
        deviceId: '00042-00001-0000009999',
        publicKey: otherKeys.publicKey,
      });
      const seeded = await createStore(store.storeConfig());
      // A certificate belongs to a meter; /v1/verify never reads the package, so its sealed bytes are
      // opaque filler here (a module would have made them, as MeterGen stores them in the same unit).
      for (const [serial, meterId, certificate] of [
        [SERIAL, DEVICE_ID, pem],
        [2002, '00042-00001-0000009999', wrongDevice],
      ] as const) {
        await seeded.commit({
          package: {
            meterId,
            customerId: null,
            version: 1,
            replacesVersion: null,
            state: 'raw',
            bytes: randomBytes(96),
          },
          certificate: { serial, meterId, pem: certificate },
        });
      }
      await seeded.close();
      vault = await startVaultProcess(dataDir, store.vaultArgs());
    }, 120_000);

    afterAll(async () => {
      await vault?.stop();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }, 60_000);

    describe('the vault over HTTPS', () => {
      it('speaks TLS 1.2+ with a certificate that chains to its development CA, and nothing else', async () => {
        const answer = await vault.request('GET', '/healthz');
        expect(answer.status).toBe(200);
        expect(['TLSv1.2', 'TLSv1.3']).toContain(answer.tlsProtocol);
        await expect(vault.request('GET', '/healthz', { ca: null })).rejects.toMatchObject({
          code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/),
        });
        await expect(vault.request('GET', '/healthz', { ca: postalCaPem })).rejects.toThrow();
      });

      it('sends security headers on answers and errors, and no x-powered-by', async () => {
        for (const answer of [
          await vault.request('GET', '/healthz'),
          await vault.request('GET', '/nowhere'),
        ]) {
          const csp = String(answer.headers['content-security-policy']);
          expect(csp).toContain("default-src 'self'");
          expect(csp).toContain("script-src 'self'");
          expect(csp).not.toContain('unsafe-inline');
          expect(csp).toContain("frame-ancestors 'none'");
          expect(answer.headers['strict-transport-security']).toMatch(/max-age=\d+/);
          expect(answer.headers['x-content-type-options']).toBe('nosniff');
          expect(answer.headers['x-frame-options']).toBe('DENY');
          expect(answer.headers['referrer-policy']).toBe('no-referrer');
          expect(answer.headers['cache-control']).toBe('no-store');
          expect(answer.headers['x-powered-by']).toBeUndefined();
        }
      });

      it('answers an unknown path with a JSON 404 and a typed code', async () => {
        const answer = await vault.request('POST', '/v1/nothing-here', { body: { protocol: 1 } });
        expect(answer.status).toBe(404);
        expect(answer.headers['content-type']).toMatch(/^application\/json/);
        expect(answer.json()).toMatchObject({
          protocol: PROTOCOL_VERSION,
          error: { code: 'NOT_FOUND', actor: 'developer' },
        });
      });

      it('refuses an oversize body with 413, a non-JSON type with 415, a body where none belongs with 400', async () => {
        const big = await vault.request('POST', '/v1/verify', {
          raw: JSON.stringify({ protocol: 1, indicium: 'A'.repeat(70 * 1024) }),
          headers: { 'content-type': 'application/json' },
        });
        expect(big.status).toBe(413);
        expect(errorOf(big)).toMatchObject({ code: 'REQUEST_TOO_LARGE', details: { limitBytes: 65_536 } });
        const text = await vault.request('POST', '/v1/verify', {
          raw: '{"protocol":1}',
          headers: { 'content-type': 'text/plain' },
        });
        expect(text.status).toBe(415);
        expect(errorOf(text).code).toBe('UNSUPPORTED_MEDIA_TYPE');
        const form = await vault.request('POST', '/v1/account/login', {
          raw: 'email=a&password=b',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect(errorOf(form).code).toBe('UNSUPPORTED_MEDIA_TYPE');
        const none = await vault.request('POST', '/v1/verify', { headers: { 'content-length': '0' } });
        expect(none.status).toBe(400);
        expect(errorOf(none)).toMatchObject({ code: 'MALFORMED_REQUEST', field: 'body' });
      });

      it('answers malformed bodies on every route that takes one with 400 and a code', async () => {
        const document = (await vault.request('GET', '/v1/openapi.json')).json<{
          paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown[] }>>;
        }>();
        // Public routes here; session routes (a cookie first) are covered in test/e2e-value-path.test.ts.
        const withBodies = Object.entries(document.paths).flatMap(([path, ops]) =>
          Object.entries(ops)
            .filter(([, op]) => op.requestBody !== undefined && (op.security ?? []).length === 0)
            .map(([method]) => ({ method: method.toUpperCase(), path })),
        );
        expect(withBodies.length).toBeGreaterThanOrEqual(3);
        const bad: { raw: string; code: string }[] = [
          { raw: '{', code: 'MALFORMED_REQUEST' },
          { raw: '"text"', code: 'MALFORMED_REQUEST' },
          { raw: '[]', code: 'MALFORMED_REQUEST' },
          { raw: '{}', code: 'MALFORMED_REQUEST' },
          { raw: '{"protocol":1,"unexpected":true}', code: 'MALFORMED_REQUEST' },
          { raw: '{"protocol":2}', code: 'VERSION_MISMATCH' },
        ];
        for (const route of withBodies) {
          for (const body of bad) {
            const answer = await vault.request(route.method, route.path, {
              raw: body.raw,
              headers: { 'content-type': 'application/json' },
            });
            expect({ route, body: body.raw, status: answer.status, code: errorOf(answer).code }).toEqual({
              route,
              body: body.raw,
              status: 400,
              code: body.code,
            });
          }
        }
      });

      it('refuses malformed path parameters with 400 naming the parameter', async () => {
        for (const serial of ['abc', '0', '01001', '4294967296', '-1']) {
          const answer = await vault.request('GET', `/v1/certificates/${serial}`);
          expect(answer.status).toBe(400);
          expect(errorOf(answer)).toMatchObject({ code: 'MALFORMED_REQUEST', field: 'params.serial' });
        }
      });
    });

    describe('operations', () => {
      it('/healthz says the process is up, /readyz that store and pool are ready', async () => {
        expect((await vault.request('GET', '/healthz')).json()).toEqual({ status: 'ok' });
        const ready = await vault.request('GET', '/readyz');
        expect(ready.status).toBe(200);
        expect(ready.json()).toEqual({
          status: 'ready',
          checks: { store: true, pool: true, 'module-table': true },
        });
      });

      it('/metrics exposes Prometheus counters by route pattern and status, with process metrics', async () => {
        await vault.request('GET', '/v1/certificates/424242');
        const metrics = await vault.request('GET', '/metrics');
        expect(metrics.status).toBe(200);
        expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
        expect(metrics.text).toMatch(
          /indicium_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
        );
        expect(metrics.text).toContain('route="/v1/certificates/:serial",status="404"');
        expect(metrics.text).not.toContain('424242');
        expect(metrics.text).toContain('indicium_http_request_duration_seconds_bucket');
        expect(metrics.text).toContain('indicium_process_cpu_seconds_total');
        // The store's and the pool's own metrics share the registry.
        expect(metrics.text).toMatch(/indicium_store_commit_batches \d+/);
        expect(metrics.text).toMatch(/indicium_pool_modules\{in_service="true"\} [2-9]/);
        expect(metrics.text).toMatch(/indicium_pool_module_restarts\{module="[^"]+"\} 0/);
      });

      it('logs JSON lines with a component, and never a password or a cookie', async () => {
        const log = vault.logs.find((entry) => entry.msg === 'vault listening');
        expect(log).toMatchObject({ level: 'info', service: 'indicium-vault' });
        const everything = JSON.stringify(vault.logs);
        expect(everything).not.toContain('correct horse');
        expect(everything).not.toContain('__Host-indicium-session=');
      });
    });

    describe('officer endpoint', () => {
      it('is mounted under /v1/officer for the local machine, answered by the pool of the first-run ceremony', async () => {
        const answer = await vault.request('GET', '/v1/officer/modules');
        expect(answer.status).toBe(200);
        const body = answer.json<{ protocol: number; modules: { serial: string; inService: boolean }[] }>();
        expect(body.modules.length).toBeGreaterThanOrEqual(2);
        expect(body.modules.every((module) => module.inService)).toBe(true);
        const metrics = (await vault.request('GET', '/metrics')).text;
        expect(metrics).toContain('route="/v1/officer/*",status="200"');
      });
    });

    describe('OpenAPI', () => {
      it('describes every public route as OpenAPI 3.1, generated from the route table', async () => {
        const answer = await vault.request('GET', '/v1/openapi.json');
        expect(answer.status).toBe(200);
        const document = answer.json<{
          openapi: string;
          paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
          components: { schemas: Record<string, unknown> };
        }>();
        expect(document.openapi).toBe('3.1.0');
        const listed = Object.entries(document.paths).flatMap(([path, ops]) =>
          Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
        );
        expect(listed.sort()).toEqual(
          [
            'GET /healthz',
            'GET /readyz',
            'GET /v1/ca',
            'GET /v1/certificates/{serial}',
            'POST /v1/verify',
            'POST /v1/account/sign-up',
            'POST /v1/account/login',
            'POST /v1/account/logout',
            'GET /v1/account',
            'GET /v1/openapi.json',
            'GET /v1/registration/key-bundle',
            'POST /v1/registration/challenge',
            'POST /v1/registration/configure',
            'POST /v1/psd/get-challenge',
            'POST /v1/psd/create-indicium',
            'POST /v1/psd/create-correction-indicium',
            'POST /v1/psd/users',
            'GET /v1/meters',
            'GET /v1/meters/{meterId}/history',
            'POST /v1/meters/{meterId}/purchases',
            'POST /v1/meters/{meterId}/refund',
            'POST /v1/meters/{meterId}/registration-tokens',
            'POST /v1/meters/{meterId}/password-reset',
            'POST /v1/licences',
          ].sort(),
        );
        expect(listed).not.toContain('GET /metrics');
        const verifyOp = document.paths['/v1/verify']?.post;
        expect(Object.keys(verifyOp?.responses ?? {})).toEqual(
          expect.arrayContaining(['200', '400', '413', '415']),
        );
        expect(document.components.schemas.VaultErrorBody).toBeDefined();
        const ids = Object.values(document.paths).flatMap((ops) =>
          Object.values(ops).map((op) => op.operationId),
        );
        expect(new Set(ids).size).toBe(ids.length);
      });
    });

    describe('public certificates and verification', () => {
      it('serves the postal CA and a meter certificate by serial as PEM; an unknown serial is 404', async () => {
        const ca = await vault.request('GET', '/v1/ca');
        expect(ca.status).toBe(200);
        expect(ca.headers['content-type']).toMatch(/^application\/x-pem-file/);
        expect(ca.text).toBe(postalCaPem);
        const certificate = await vault.request('GET', `/v1/certificates/${SERIAL}`);
        expect(certificate.status).toBe(200);
        const x509 = new X509Certificate(certificate.text);
        expect(x509.subject).toBe(`CN=${DEVICE_ID}`);
        expect(x509.verify(new X509Certificate(ca.text).publicKey)).toBe(true);
        const missing = await vault.request('GET', '/v1/certificates/77');
        expect(missing.status).toBe(404);
        expect(errorOf(missing)).toMatchObject({ code: 'NOT_FOUND', field: 'serial' });
      });

      it('verifies a real signed indicium; its signature also verifies with the certificate fetched by serial', async () => {
        const indicium = signIndicium(FIELDS, meterKeys);
        const answer = await vault.request('POST', '/v1/verify', {
          body: { protocol: 1, indicium: toBase64(indicium) },
        });
        expect(answer.status).toBe(200);
        expect(answer.json<VerifyAnswer>()).toEqual({
          protocol: 1,
          valid: true,
          fields: FIELDS,
          deviceId: DEVICE_ID,
          reason: null,
        });
        const pem = (await vault.request('GET', `/v1/certificates/${FIELDS.certificateSerial}`)).text;
        const { signedPart, signature } = parseIndicium(indicium);
        const key = new X509Certificate(pem).publicKey;
        expect(verify('sha256', signedPart, { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
      });

      async function verifyBytes(bytes: Uint8Array): Promise<VerifyAnswer> {
        const answer = await vault.request('POST', '/v1/verify', {
          body: { protocol: 1, indicium: toBase64(bytes) },
        });
        expect(answer.status).toBe(200);
        return answer.json<VerifyAnswer>();
      }

      it('refuses a tampered indicium with SIGNATURE_INVALID, still showing what it claims', async () => {
        const tampered = signIndicium(FIELDS, meterKeys);
        tampered[21] = (tampered[21] ?? 0) ^ 0x01; // the postage's last byte
        const answer = await verifyBytes(tampered);
        expect(answer).toMatchObject({
          valid: false,
          deviceId: DEVICE_ID,
          reason: { code: 'SIGNATURE_INVALID' },
        });
        expect(answer.fields?.postageMills).toBe(731);
        const badSignature = signIndicium(FIELDS, meterKeys);
        badSignature[100] = (badSignature[100] ?? 0) ^ 0x80;
        expect((await verifyBytes(badSignature)).reason?.code).toBe('SIGNATURE_INVALID');
      });

      it('refuses an indicium signed by another key, an unknown serial, a certificate of another device', async () => {
        const otherKeys = await generateP256KeyPair();
        expect((await verifyBytes(signIndicium(FIELDS, otherKeys))).reason?.code).toBe('SIGNATURE_INVALID');
        const unknown = await verifyBytes(signIndicium({ ...FIELDS, certificateSerial: 5555 }, meterKeys));
        expect(unknown).toMatchObject({
          valid: false,
          reason: {
            code: 'CERTIFICATE_INVALID',
            field: 'certificateSerial',
            details: { reason: 'unknown-serial' },
          },
        });
        const wrongDevice = await verifyBytes(
          signIndicium({ ...FIELDS, certificateSerial: 2002 }, meterKeys),
        );
        expect(wrongDevice).toMatchObject({
          valid: false,
          reason: { code: 'CERTIFICATE_INVALID', details: { reason: 'device-id' } },
        });
      });

      it('refuses bytes that are no version 1 indicium with INDICIUM_MALFORMED and no fields', async () => {
        const wrongVersion = signIndicium(FIELDS, meterKeys);
        wrongVersion[0] = 2;
        expect(await verifyBytes(wrongVersion)).toMatchObject({
          valid: false,
          fields: null,
          deviceId: null,
          reason: { code: 'INDICIUM_MALFORMED' },
        });
        const short = await vault.request('POST', '/v1/verify', {
          body: { protocol: 1, indicium: toBase64(new Uint8Array(113)) },
        });
        expect(short.status).toBe(400);
        expect(errorOf(short)).toMatchObject({ code: 'MALFORMED_REQUEST', field: 'body.indicium' });
      });
    });
  },
);
