import { describe, expect, it } from 'vitest';
import {
  GatewayCallAnswerSchema,
  GatewayCallRequestSchema,
  InterfaceNameSchema,
  PairingCodeLayout,
  PairingCommitmentLayout,
  PairingIdSchema,
  PairingStartRequestSchema,
} from './gateway.js';

const user = { meterId: '00042-00001-0000001001', userId: 'ada' };
const call = {
  protocol: 1,
  requestId: 'request-0001',
  origin: 'https://office.example',
  user,
  deliver: 'gateway',
  request: { type: 'status', payload: {} },
};

describe('gateway wire messages (DESIGN §9)', () => {
  it('a forwarded call is a page call in a gateway envelope; unknown fields and deliveries are refused', () => {
    expect(GatewayCallRequestSchema.safeParse(call).success).toBe(true);
    expect(GatewayCallRequestSchema.safeParse({ ...call, deliver: 'fax' }).success).toBe(false);
    expect(GatewayCallRequestSchema.safeParse({ ...call, extra: 1 }).success).toBe(false);
    expect(GatewayCallRequestSchema.safeParse({ ...call, origin: 'http://office.example' }).success).toBe(
      false,
    );
    expect(
      GatewayCallRequestSchema.safeParse({ ...call, request: { type: 'status', payload: { meterId: 'x' } } })
        .success,
    ).toBe(false);
  });

  it('answers carry the request id and either the page answer (with a returned job or null) or a wire error', () => {
    const response = {
      protocol: 1,
      requestId: 'request-0001',
      kind: 'response',
      for: 'lock',
      payload: { locked: true },
      job: null,
    };
    expect(GatewayCallAnswerSchema.safeParse(response).success).toBe(true);
    expect(
      GatewayCallAnswerSchema.safeParse({ ...response, job: { pdf: 'JVBERi0=', title: 'indicium-abc' } })
        .success,
    ).toBe(true);
    expect(
      GatewayCallAnswerSchema.safeParse({ ...response, job: { pdf: 'JVBERi0=', title: '../x' } }).success,
    ).toBe(false);
    expect(GatewayCallAnswerSchema.safeParse({ ...response, payload: { locked: false } }).success).toBe(
      false,
    );
    const error = {
      protocol: 1,
      requestId: 'request-0001',
      kind: 'error',
      error: { code: 'PAIRING_REVOKED', message: 'm', actor: 'install', nextStep: 'n' },
    };
    expect(GatewayCallAnswerSchema.safeParse(error).success).toBe(true);
  });

  it('a machine name is printable: no control or bidi characters that would make the pairing screen lie', () => {
    expect(InterfaceNameSchema.safeParse("Ada's desk-2").success).toBe(true);
    for (const bad of ['', 'a\nb', 'evil\u202Egnp', 'x'.repeat(65), 'a;b']) {
      expect(InterfaceNameSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(PairingStartRequestSchema.safeParse({ protocol: 1, name: 'desk', user }).success).toBe(true);
    // A pairing id is typed on the command line: hex only, so it never looks like an option.
    expect(PairingIdSchema.safeParse('0123456789abcdef0123456789abcdef').success).toBe(true);
    expect(PairingIdSchema.safeParse('-123456789abcdef0123456789abcdef').success).toBe(false);
    expect(PairingIdSchema.safeParse('0123456789ABCDEF0123456789ABCDEF').success).toBe(false);
  });

  it('the pairing layouts are canonical: labelled, fields in a fixed order, every field in the bytes', () => {
    expect(PairingCodeLayout.label).toBe('indicium/gateway/pairing-code/v1');
    expect(PairingCommitmentLayout.label).toBe('indicium/gateway/pairing-commitment/v1');
    const transcript = {
      pairingId: 'p',
      gatewayCertificate: new Uint8Array([1, 2]),
      interfaceCertificate: new Uint8Array([3]),
      gatewayNonce: new Uint8Array([4]),
      interfaceNonce: new Uint8Array([5]),
      name: 'desk',
      meterId: user.meterId,
      userId: 'ada',
    };
    const bytes = PairingCodeLayout.encode(transcript);
    // Swapping the two certificates (which side is which) changes the bytes.
    const swapped = PairingCodeLayout.encode({
      ...transcript,
      gatewayCertificate: transcript.interfaceCertificate,
      interfaceCertificate: transcript.gatewayCertificate,
    });
    expect(Buffer.from(bytes).equals(Buffer.from(swapped))).toBe(false);
    expect(() => PairingCodeLayout.encode({ ...transcript, userId: undefined as unknown as string })).toThrow(
      expect.objectContaining({ code: 'INVALID_FIELD', field: 'userId' }),
    );
  });
});
