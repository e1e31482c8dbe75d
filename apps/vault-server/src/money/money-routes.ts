import {
  FundsAnswerSchema,
  HistoryAnswerSchema,
  type HistoryItem,
  HistoryQuerySchema,
  IndiciumError,
  LicenceAnswerSchema,
  LicenceApplicationSchema,
  MeterIdSchema,
  type MeterSummary,
  MetersAnswerSchema,
  PasswordResetRequestSchema,
  PROTOCOL_VERSION,
  ProviderMeterAnswerSchema,
  PurchaseRequestSchema,
  parseIndicium,
  RefundRequestSchema,
  RegistrationTokenAnswerSchema,
  RegistrationTokenRequestSchema,
  WEB_PATHS,
} from '@indicium/protocol';
import { z } from 'zod';
import { expressPath } from '../http/public/public-routes.js';
import { defineRoute, type Route, type WebSession } from '../http/route.js';
import type { RegistrationTokens } from '../meters/registration-tokens.js';
import { DEFAULT_TEST_CARD } from '../provider/fake-payment-gateway.js';
import type { LicenceService } from '../provider/licence-service.js';
import type { ProviderService } from '../provider/provider-service.js';
import type { IndiciumCursor, Store } from '../store/store.js';
import type { IndiciumRecord, LicenceRecord } from '../store/store-records.js';
import { registersOf } from './meter-funds.js';

const MeterParamsSchema = z.strictObject({ meterId: MeterIdSchema });

function customerOf(context: { readonly session: WebSession | null }): string {
  // createApp sets the session on every `session` route before the handler runs.
  if (context.session === null) throw new TypeError('money route without a session');
  return context.session.customerId;
}

/** History cursor: the last item's time (8 bytes) and id, as unpadded base64url. */
function encodeCursor(cursor: IndiciumCursor): string {
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(cursor.createdAtMs));
  return Buffer.concat([time, Buffer.from(cursor.indiciumId, 'utf8')]).toString('base64url');
}

function decodeCursor(text: string): IndiciumCursor {
  const bytes = Buffer.from(text, 'base64url');
  const indiciumId = bytes.subarray(8).toString('utf8');
  if (bytes.length < 16 || !/^[A-Za-z0-9_-]{8,56}$/.test(indiciumId)) {
    throw new IndiciumError('INVALID_FIELD', { field: 'query.before' });
  }
  return { createdAtMs: Number(bytes.readBigUInt64BE(0)), indiciumId };
}

function historyItem(record: IndiciumRecord): HistoryItem {
  const { fields } = parseIndicium(record.indicium);
  return {
    indiciumId: record.indiciumId,
    userId: record.userId,
    createdAt: new Date(record.createdAtMs).toISOString(),
    kind: record.kind,
    postageMills: record.postageMills,
    mailingDate: fields.mailingDate,
    rateCategory: fields.rateCategory,
    originZip: fields.originZip,
    destinationZip: fields.destinationZip,
    pieceCount: record.pieceCount,
    ascendingRegisterMills: record.ascendingRegisterMills,
    descendingRegisterMills: record.descendingRegisterMills,
    sample: fields.sample,
  };
}

const licenceAnswer = (l: LicenceRecord) => ({
  protocol: PROTOCOL_VERSION,
  licenceId: l.licenceId,
  licensingZip: l.licensingZip,
  status: l.status,
  meterId: l.meterId,
});

/**
 * The web UI's account money routes (DESIGN §6, §8; `web-api.ts`): balance (the customer's meters
 * with their registers), history, buy postage (simulated payment → Value Download), refund,
 * licence application, registration tokens for the companion and password-reset start. All are
 * session routes (cookie + CSRF token on every change), and each meter route first checks that
 * the meter is this customer's: another customer's meter answers NOT_FOUND, as one that does not
 * exist, so meter ids cannot be probed.
 */
export function moneyRoutes(deps: {
  readonly store: Store;
  readonly provider: ProviderService;
  readonly licences: LicenceService;
  readonly tokens: RegistrationTokens;
  readonly maximumDescendingRegisterMills: number;
}): Route[] {
  const { store, provider, licences, tokens } = deps;

  /** The meter's owner: the customer of its package, or who claimed it from stock. */
  async function assertOwner(customerId: string, meterId: string): Promise<void> {
    const pkg = await store.packages.get(meterId);
    const owner = pkg?.customerId ?? (await store.meterStock.get(meterId))?.claimedBy ?? null;
    if (owner !== customerId) throw new IndiciumError('NOT_FOUND', { field: 'meterId' });
  }

  async function summary(
    customerId: string,
    meterId: string,
    licence: LicenceRecord | undefined,
  ): Promise<MeterSummary> {
    const pkg = await store.packages.get(meterId);
    if (pkg === null) throw new IndiciumError('NOT_FOUND', { field: 'meterId' });
    const [registers, certificates, users] = await Promise.all([
      registersOf(store, meterId, pkg.customerId ?? customerId),
      store.certificates.listByMeter(meterId),
      store.meterUsers.listByMeter(meterId),
    ]);
    const leasedOnce = !['raw', 'unleased', 'assigned'].includes(pkg.state);
    return {
      meterId,
      state: pkg.state,
      licensingZip: licence?.licensingZip ?? null,
      ...registers,
      maximumDescendingRegisterMills: leasedOnce ? deps.maximumDescendingRegisterMills : null,
      certificateSerial: certificates[0]?.serial ?? null,
      sample: true,
      users: users.map((u) => ({ userId: u.userId, role: u.role, maximumTotalMills: null, expiresAt: null })),
    };
  }

  return [
    defineRoute({
      method: 'get',
      path: WEB_PATHS.meters,
      auth: 'session',
      tag: 'account',
      summary: "The customer's meters: state, registers (balance), licence ZIP, users",
      answer: { status: 200, schema: MetersAnswerSchema },
      handler: async (context) => {
        const customerId = customerOf(context);
        const [packages, held] = await Promise.all([
          store.packages.listByCustomer(customerId),
          store.licences.listByCustomer(customerId),
        ]);
        const ids = new Set([
          ...packages.map((p) => p.meterId),
          ...held.flatMap((l) => (l.meterId === null ? [] : [l.meterId])),
        ]);
        const meters = await Promise.all(
          [...ids].sort().map((id) =>
            summary(
              customerId,
              id,
              held.find((l) => l.meterId === id),
            ),
          ),
        );
        return { json: { protocol: PROTOCOL_VERSION, meters } };
      },
    }),
    defineRoute({
      method: 'get',
      path: expressPath(WEB_PATHS.history),
      auth: 'session',
      tag: 'account',
      summary: "A meter's indicia, newest first (paged)",
      params: MeterParamsSchema,
      query: HistoryQuerySchema,
      answer: { status: 200, schema: HistoryAnswerSchema },
      errors: ['NOT_FOUND'],
      handler: async (context) => {
        const { meterId } = context.params;
        await assertOwner(customerOf(context), meterId);
        const page = await store.indicia.listByMeter(meterId, {
          limit: context.query.limit ?? 50,
          ...(context.query.before === undefined ? {} : { before: decodeCursor(context.query.before) }),
        });
        return {
          json: {
            protocol: PROTOCOL_VERSION,
            meterId,
            items: page.items.map(historyItem),
            nextCursor: page.nextCursor === null ? null : encodeCursor(page.nextCursor),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: expressPath(WEB_PATHS.purchase),
      auth: 'session',
      tag: 'provider',
      summary: 'Buy postage: simulated card payment, then a provider Value Download into the meter',
      params: MeterParamsSchema,
      body: PurchaseRequestSchema,
      answer: { status: 200, schema: FundsAnswerSchema },
      errors: ['NOT_FOUND', 'PAYMENT_DECLINED', 'LIMIT_EXCEEDED', 'WRONG_STATE'],
      handler: async (context) => {
        const customerId = customerOf(context);
        const { meterId } = context.params;
        await assertOwner(customerId, meterId);
        // Configured but not yet authorized (the authorization after Configure failed): again now.
        if ((await store.packages.get(meterId))?.state === 'assigned') {
          await licences.authorizeConfigured(meterId, customerId);
        }
        const done = await provider.purchase({
          customerId,
          meterId,
          amountMills: context.body.amountMills,
          idempotencyKey: context.body.idempotencyKey,
          cardNumber: context.body.cardNumber ?? DEFAULT_TEST_CARD,
        });
        return { json: fundsAnswer(done) };
      },
    }),
    defineRoute({
      method: 'post',
      path: expressPath(WEB_PATHS.refund),
      auth: 'session',
      tag: 'provider',
      summary: "Refund the meter's descending register and withdraw it (Create Refund Indicium)",
      params: MeterParamsSchema,
      body: RefundRequestSchema,
      answer: { status: 200, schema: FundsAnswerSchema },
      errors: ['NOT_FOUND', 'WRONG_STATE'],
      handler: async (context) => {
        const customerId = customerOf(context);
        const { meterId } = context.params;
        await assertOwner(customerId, meterId);
        const done = await provider.refund({ customerId, meterId, ...context.body });
        return { json: fundsAnswer(done) };
      },
    }),
    defineRoute({
      method: 'post',
      path: expressPath(WEB_PATHS.registrationToken),
      auth: 'session',
      tag: 'account',
      summary: 'A one-time registration token for the companion (configure, add-user or reset)',
      params: MeterParamsSchema,
      body: RegistrationTokenRequestSchema,
      answer: { status: 201, schema: RegistrationTokenAnswerSchema },
      errors: ['NOT_FOUND'],
      handler: async (context) => {
        const customerId = customerOf(context);
        const { meterId } = context.params;
        await assertOwner(customerId, meterId);
        const { mode, userId } = context.body;
        const { token, expiresAtMs } = await tokens.issue({ meterId, customerId, userId, mode });
        return {
          status: 201,
          json: {
            protocol: PROTOCOL_VERSION,
            meterId,
            userId,
            mode,
            registrationToken: token,
            expiresAt: new Date(expiresAtMs).toISOString(),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: WEB_PATHS.licences,
      auth: 'session',
      tag: 'provider',
      summary: 'Apply for a meter licence (the sample provider approves and assigns a fresh meter)',
      body: LicenceApplicationSchema,
      answer: { status: 201, schema: LicenceAnswerSchema },
      errors: ['VAULT_BUSY'],
      handler: async (context) => {
        const licence = await licences.apply(
          customerOf(context),
          context.body.licensingZip,
          context.body.idempotencyKey,
        );
        return { status: 201, json: licenceAnswer(licence) };
      },
    }),
    defineRoute({
      method: 'post',
      path: expressPath(WEB_PATHS.passwordReset),
      auth: 'session',
      tag: 'provider',
      summary: 'Start a password reset for one meter user (provider-signed Start Password Reset)',
      params: MeterParamsSchema,
      body: PasswordResetRequestSchema,
      answer: { status: 200, schema: ProviderMeterAnswerSchema },
      errors: ['NOT_FOUND', 'WRONG_STATE'],
      handler: async (context) => {
        const { meterId } = context.params;
        await assertOwner(customerOf(context), meterId);
        const done = await provider.startPasswordReset(meterId, context.body.userId);
        return {
          json: {
            protocol: PROTOCOL_VERSION,
            meterId,
            state: done.state,
            ascendingRegisterMills: done.ascendingRegisterMills,
            descendingRegisterMills: done.descendingRegisterMills,
          },
        };
      },
    }),
  ];
}

function fundsAnswer(done: {
  meterId: string;
  state: MeterSummary['state'];
  amountMills: number;
  ascendingRegisterMills: number;
  descendingRegisterMills: number;
}) {
  return {
    protocol: PROTOCOL_VERSION,
    meterId: done.meterId,
    state: done.state,
    amountMills: done.amountMills,
    ascendingRegisterMills: done.ascendingRegisterMills,
    descendingRegisterMills: done.descendingRegisterMills,
  };
}
