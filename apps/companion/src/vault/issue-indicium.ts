import {
  type CreateIndiciumAnswer,
  CreateIndiciumAnswerSchema,
  type CreateIndiciumRequest,
  fromBase64,
  GetChallengeAnswerSchema,
  IndiciumError,
  OriginSchema,
  type PageCallRequest,
  parseIndicium,
  type Transaction,
  VAULT_PATHS,
} from '@indicium/protocol';
import type { IssuedIndicium, VaultCallContext } from '../calls/vault-client.js';
import type { Journal } from '../journal/journal.js';
import { checkIssuedIndicium } from '../protocol/check-issued-indicium.js';
import {
  signCreateIndiciumRequest,
  signGetChallengeRequest,
  verifyCreateIndiciumAnswer,
  verifyGetChallengeAnswer,
} from '../protocol/psd-requests.js';
import type { MeterUserSecrets } from '../secrets/meter-user-secrets.js';
import type { MeterCertificates } from './meter-certificates.js';
import type { PendingRequests } from './pending-requests.js';
import { isVaultRefusal, type VaultHttp } from './vault-http.js';

export interface IssueDeps {
  readonly http: VaultHttp;
  readonly certificates: MeterCertificates;
  readonly pending: PendingRequests;
  /** Where an indicium settled for an earlier, abandoned print is recorded, so it can be reprinted. */
  readonly journal: () => Promise<Journal>;
  /** The vault's origin: the page origin of prints that come from no page (the CLI). */
  readonly vaultOrigin: string;
}

/** The vault refused the request for a reason a fresh Get Challenge clears (DESIGN §4.3 step 4, 5). */
const RESYNC_CODES = new Set(['CHALLENGE_INVALID', 'CHALLENGE_EXPIRED', 'REGISTER_MISMATCH']);
/** Vault refusals after which the request may still have been committed: keep it to send again. */
const MAYBE_COMMITTED = new Set(['MODULE_CRASHED', 'INTERNAL_ERROR']);

type Request = Pick<PageCallRequest<'print'>, 'meterId' | 'userId' | 'transaction'>;

/**
 * DESIGN §4.3 for one print: settles a request left pending by an earlier failure first (the same
 * request, so the vault returns its stored answer), runs Get Challenge when there is no Cm, then
 * Create Indicium; resolves only with an indicium whose answer MAC, signature and every field
 * verified. When the vault refuses stale registers or an old Cm (a purchase moved the DR, or the
 * challenge expired), one Get Challenge resynchronises and the print is asked once more.
 */
export async function issueIndicium(
  deps: IssueDeps,
  request: Request,
  context: VaultCallContext,
): Promise<IssuedIndicium> {
  const { secrets } = context;
  let record = secrets.meterUser(request.meterId, request.userId);
  const transaction: Transaction = {
    ...request.transaction,
    pageOrigin:
      context.origin !== undefined && OriginSchema.safeParse(context.origin).success
        ? context.origin
        : deps.vaultOrigin,
  };
  try {
    const earlier = await deps.pending.get(request.meterId, request.userId);
    if (earlier !== undefined) {
      const settled = await settleEarlier(deps, context, earlier, record);
      if (settled === null) {
        // The vault refused it, so it never made an indicium (settle forgot it): start afresh.
        record = { ...record, moduleChallenge: null };
      } else {
        if (sameTransaction(earlier.transaction, transaction)) return settled.issued;
        // An earlier print failed in transit and this one asks for something else: that indicium
        // exists and is paid for, so it goes to the journal (reprintable), and this print goes on.
        record = settled.record;
        await (await deps.journal()).recordIssued({
          meterId: request.meterId,
          userId: request.userId,
          requestMac: settled.issued.requestMac,
          indicium: settled.issued.indicium,
          medium: 'letter',
        });
      }
    }
    for (let attempt = 1; ; attempt += 1) {
      if (record.moduleChallenge === null) record = await getChallenge(deps, context, record);
      const signed = signCreateIndiciumRequest(record.hmk, {
        meterId: record.meterId,
        userId: record.userId,
        moduleChallenge: Buffer.from(record.moduleChallenge as Uint8Array).toString('base64'),
        ascendingRegisterMills: record.ascendingRegisterMills,
        descendingRegisterMills: record.descendingRegisterMills,
        transaction,
      });
      // Durable before it leaves: a crash after sending must find it, to send it again.
      await deps.pending.put(signed);
      try {
        return (await settle(deps, context, signed, record)).issued;
      } catch (error) {
        const resync = isVaultRefusal(error) && RESYNC_CODES.has(error.code) && attempt === 1;
        if (!resync) throw error;
        record = { ...record, moduleChallenge: null };
      }
    }
  } finally {
    record.hmk.fill(0);
  }
}

/**
 * Sends a request left pending by an earlier print. Null when the vault refuses it outright: it was
 * never committed (a committed one returns its stored answer), so there is nothing to settle.
 */
async function settleEarlier(
  deps: IssueDeps,
  context: VaultCallContext,
  earlier: CreateIndiciumRequest,
  record: MeterUserSecrets,
): Promise<{ issued: IssuedIndicium; record: MeterUserSecrets } | null> {
  try {
    return await settle(deps, context, earlier, record);
  } catch (error) {
    if (isVaultRefusal(error) && !MAYBE_COMMITTED.has(error.code)) return null;
    throw error;
  }
}

/** Get Challenge (DESIGN §4.3 first handshake): a new Cm and the registers, saved before use. */
export async function getChallenge(
  deps: Pick<IssueDeps, 'http'>,
  context: VaultCallContext,
  record: MeterUserSecrets,
): Promise<MeterUserSecrets> {
  context.progress('challenge');
  const request = signGetChallengeRequest(record.hmk, record);
  const answer = await deps.http.postJson(VAULT_PATHS.getChallenge, request, GetChallengeAnswerSchema);
  verifyGetChallengeAnswer(record.hmk, request, answer);
  // The AR only ever grows: a lower one is a rolled-back or replayed meter record (DESIGN §3.5).
  if (answer.ascendingRegisterMills < record.ascendingRegisterMills) {
    throw new IndiciumError('REGISTER_MISMATCH', { field: 'answer.ascendingRegisterMills' });
  }
  const next: MeterUserSecrets = {
    ...record,
    moduleChallenge: fromBase64(answer.moduleChallenge),
    ascendingRegisterMills: answer.ascendingRegisterMills,
    descendingRegisterMills: answer.descendingRegisterMills,
  };
  await context.secrets.putMeterUser(next);
  return next;
}

/**
 * Sends `request` (again, if it is a pending one), verifies the answer and saves the new Cm and
 * registers; only then is the request forgotten. A request with no answer is sent once more at
 * once; if that fails too it stays pending for the next print. A refusal the vault sent means it
 * committed nothing, so the request is forgotten (but for a crash mid-command). An answer that fails
 * verification keeps the request: the vault may have committed it, and only a verified answer to
 * this very request may settle it.
 */
async function settle(
  deps: IssueDeps,
  context: VaultCallContext,
  request: CreateIndiciumRequest,
  record: MeterUserSecrets,
): Promise<{ issued: IssuedIndicium; record: MeterUserSecrets }> {
  context.progress('issuing');
  let answer: CreateIndiciumAnswer;
  try {
    answer = await send(deps, request);
  } catch (error) {
    if (isVaultRefusal(error) && !MAYBE_COMMITTED.has(error.code)) await deps.pending.settle(request);
    throw error;
  }
  context.progress('verifying');
  verifyCreateIndiciumAnswer(record.hmk, request, answer);
  const indicium = fromBase64(answer.indicium);
  const { fields } = parseIndicium(indicium);
  const meterKey = await deps.certificates.publicKey(fields.certificateSerial, request.meterId);
  checkIssuedIndicium(request, answer, meterKey);
  const next: MeterUserSecrets = {
    ...record,
    moduleChallenge: fromBase64(answer.moduleChallenge),
    ascendingRegisterMills: answer.ascendingRegisterMills,
    descendingRegisterMills: answer.descendingRegisterMills,
  };
  await context.secrets.putMeterUser(next);
  await deps.pending.settle(request);
  return {
    issued: {
      indicium,
      requestMac: fromBase64(request.hmac),
      ascendingRegisterMills: answer.ascendingRegisterMills,
      descendingRegisterMills: answer.descendingRegisterMills,
    },
    record: next,
  };
}

async function send(deps: IssueDeps, request: CreateIndiciumRequest): Promise<CreateIndiciumAnswer> {
  // Create Indicium and Create Correction Indicium are separate commands (DESIGN §3.3).
  const path =
    request.transaction.kind === 'correction'
      ? VAULT_PATHS.createCorrectionIndicium
      : VAULT_PATHS.createIndicium;
  try {
    return await deps.http.postJson(path, request, CreateIndiciumAnswerSchema);
  } catch (error) {
    if (!(error instanceof IndiciumError) || error.code !== 'VAULT_UNREACHABLE') throw error;
    // Failed in transit: the very same request again, so a committed one returns its stored answer.
    return await deps.http.postJson(path, request, CreateIndiciumAnswerSchema);
  }
}

function sameTransaction(a: Transaction, b: Transaction): boolean {
  return (
    a.kind === b.kind &&
    a.postageMills === b.postageMills &&
    a.mailingDate === b.mailingDate &&
    a.rateCategory === b.rateCategory &&
    a.originZip === b.originZip &&
    a.destinationZip === b.destinationZip
  );
}
