import {
  AuthorizeCustomerBodySchema,
  AuthorizeCustomerSig,
  IndiciumError,
  PasswordResetStartBodySchema,
  PasswordResetStartSig,
  RefundBodySchema,
  RefundSig,
  ValueDownloadBodySchema,
  ValueDownloadSig,
} from '@indicium/protocol';
import type { HandlerContext } from '../commands/handler-context.js';
import { cardLimits } from './card-limits.js';
import { commitPackage, nextVersion } from './commit-package.js';
import { definePsdCommand } from './define-psd-command.js';
import { openPackage, requireMeter, requirePsdState } from './open-package.js';
import {
  checkControlTotal,
  checkIssuedForPackage,
  checkProviderFreshness,
  providerApplied,
  verifyProviderSignature,
} from './provider-message.js';
import { signIndicium } from './sign-indicium.js';

function limit(field: string, detail: string): IndiciumError {
  return new IndiciumError('LIMIT_EXCEEDED', { field, detail });
}

/**
 * Signature, package MAC, state, meter, freshness, the package version the message was issued for:
 * the common first checks (seed, value download 1–4).
 */
function openForProvider<S extends Parameters<typeof verifyProviderSignature>[1]>(
  ctx: HandlerContext,
  layout: S,
  body: {
    package: string;
    message: { meterId: string; nonce: string; issuedAt: string; packageVersion: number; signature: string };
  },
  states: Parameters<typeof requirePsdState>[1],
) {
  verifyProviderSignature(ctx, layout, body.message);
  const opened = openPackage(ctx, body.package);
  requirePsdState(opened.pkg, states);
  requireMeter(opened.pkg, body.message.meterId, 'message.meterId');
  checkProviderFreshness(opened.pkg, body.message, ctx.now);
  checkIssuedForPackage(opened.pkg, body.message.packageVersion);
  return opened;
}

/** Authorize Customer (DESIGN §3.3, §4.4): licensing ZIP and maximum DR; assigned → leased. */
export const authorizeCustomerCommand = definePsdCommand({
  name: 'authorize-customer',
  summary: 'Provider-signed: licensing ZIP and maximum DR; assigned → leased.',
  design: 'DESIGN §3.3, §4.4',
  role: 'provider',
  auth: 'provider-signature',
  request: AuthorizeCustomerBodySchema,
  handler: (ctx, body) => {
    const { pkg, keys, mks } = openForProvider(ctx, AuthorizeCustomerSig, body, ['assigned']);
    const { message } = body;
    if (message.customerId !== pkg.customerId) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'message.customerId',
        detail: 'not the configured customer',
      });
    }
    if (message.maximumDescendingRegisterMills > cardLimits(ctx).maxDescendingRegister) {
      throw limit('message.maximumDescendingRegisterMills', 'above the crypto-card DR limit');
    }
    const next = nextVersion(pkg, {
      ...providerApplied(pkg, message),
      state: 'leased',
      licensingZip: message.licensingZip,
      maximumDescendingRegister: message.maximumDescendingRegisterMills,
    });
    const done = commitPackage(ctx, next, keys, mks, {
      userId: null,
      amountMills: 0,
      total: 'none',
      audit: { customerId: message.customerId, licensingZip: message.licensingZip },
    });
    return { result: done.records, auditData: done.auditData };
  },
});

/**
 * Value Download (DESIGN §3.3, §4.4; seed steps 1–9): control total = AR + DR, the new DR within
 * the meter's and the card's DR limit, and AR + DR within the AR limit once it is all spent.
 */
export const valueDownloadCommand = definePsdCommand({
  name: 'value-download',
  summary: 'Provider-signed: adds to DR (control total = AR + DR; DR and AR limits).',
  design: 'DESIGN §3.3, §4.4',
  role: 'provider',
  auth: 'provider-signature',
  request: ValueDownloadBodySchema,
  handler: (ctx, body) => {
    const { pkg, keys, mks } = openForProvider(ctx, ValueDownloadSig, body, ['leased', 'pwreset']);
    const { message } = body;
    checkControlTotal(pkg, message.controlTotalMills);
    const limits = cardLimits(ctx);
    const descending = pkg.descendingRegister + message.amountMills;
    const maxDescending = Math.min(pkg.maximumDescendingRegister ?? 0, limits.maxDescendingRegister);
    if (descending > maxDescending) throw limit('message.amountMills', 'the DR would exceed its limit');
    if (pkg.ascendingRegister + descending > limits.maxAscendingRegister) {
      throw limit('message.amountMills', 'the AR would exceed its limit once this value is spent');
    }
    const next = nextVersion(pkg, { ...providerApplied(pkg, message), descendingRegister: descending });
    const done = commitPackage(ctx, next, keys, mks, {
      userId: null,
      amountMills: message.amountMills,
      total: 'reset',
    });
    return { result: done.records, auditData: done.auditData };
  },
});

/** The refund indicium's rate category: not a mail class, a withdrawal. */
export const REFUND_RATE_CATEGORY = 'RFND';

/**
 * Create Refund Indicium (DESIGN §3.3; seed): an indicium for all of the DR, AR up by as much, DR
 * to zero, the package withdrawn for good. The provider authenticates in place of the user.
 */
export const createRefundIndiciumCommand = definePsdCommand({
  name: 'create-refund-indicium',
  summary: 'Provider-signed: indicium for the whole DR, DR → 0, AR up; leased/pwreset → withdrawn.',
  design: 'DESIGN §3.3, §4.4',
  role: 'provider',
  auth: 'provider-signature',
  request: RefundBodySchema,
  handler: (ctx, body) => {
    const { pkg, keys, mks } = openForProvider(ctx, RefundSig, body, ['leased', 'pwreset']);
    const { message } = body;
    checkControlTotal(pkg, message.controlTotalMills);
    const refunded = pkg.descendingRegister;
    if (refunded > 0xff_ffff) throw limit('package', 'the DR does not fit one indicium');
    const next = nextVersion(pkg, {
      ...providerApplied(pkg, message),
      state: 'withdrawn',
      ascendingRegister: pkg.ascendingRegister + refunded,
      descendingRegister: 0,
      pieceCount: pkg.pieceCount + 1,
    });
    const indicium = signIndicium(
      next,
      keys,
      {
        kind: 'refund',
        postageMills: refunded,
        mailingDate: message.mailingDate,
        rateCategory: REFUND_RATE_CATEGORY,
        destinationZip: null,
      },
      ctx.now,
    );
    const done = commitPackage(ctx, next, keys, mks, {
      userId: null,
      amountMills: refunded,
      total: 'refunded',
    });
    return {
      result: {
        ...done.records,
        refundedMills: refunded,
        indicium: Buffer.from(indicium).toString('base64'),
      },
      auditData: done.auditData,
    };
  },
});

/**
 * Start Password Reset (DESIGN §3.3): leased → pwreset for one registered user allowed to reset.
 * Given again in pwreset it restarts the reset, which clears the failure count and the lock.
 */
export const startPasswordResetCommand = definePsdCommand({
  name: 'start-password-reset',
  summary: 'Provider-signed: one user may re-key with their passphrase; leased/pwreset → pwreset.',
  design: 'DESIGN §3.3, §4.4',
  role: 'provider',
  auth: 'provider-signature',
  request: PasswordResetStartBodySchema,
  handler: (ctx, body) => {
    // Also in pwreset: a new Start restarts the reset (another user, or a user locked by failures).
    const { pkg, keys, mks } = openForProvider(ctx, PasswordResetStartSig, body, ['leased', 'pwreset']);
    const { message } = body;
    const user = pkg.users.find((u) => u.userId === message.userId);
    if (user === undefined || !user.registered) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'message.userId',
        detail: 'no registered user of that id',
      });
    }
    if (!user.privileges.includes('reset-password')) {
      throw new IndiciumError('PRIVILEGE_DENIED', { field: 'message.userId' });
    }
    const users = pkg.users.map((u) =>
      u.userId === user.userId ? { ...u, passphraseFailures: 0, locked: false, challenge: null } : u,
    );
    const next = nextVersion(pkg, {
      ...providerApplied(pkg, message),
      state: 'pwreset',
      resetUserId: user.userId,
      users,
    });
    const done = commitPackage(ctx, next, keys, mks, { userId: user.userId, amountMills: 0, total: 'none' });
    return { result: done.records, auditData: done.auditData };
  },
});
