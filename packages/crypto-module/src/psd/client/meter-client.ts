import { randomBytes } from 'node:crypto';
import {
  type CreateIndiciumAnswer,
  type CreateIndiciumRequest,
  fromBase64,
  type GetChallengeAnswer,
  type GetChallengeRequest,
  IndiciumError,
  type IndiciumFields,
  parseIndicium,
  type Transaction,
  toBase64,
} from '@indicium/protocol';
import {
  signCreateIndiciumRequest,
  signGetChallengeRequest,
  verifyCreateIndiciumAnswer,
  verifyGetChallengeAnswer,
} from './user-requests.js';

export interface MeterClientOptions {
  readonly meterId: string;
  readonly userId: string;
  readonly hmk: Uint8Array;
}

/**
 * The client half of DESIGN §4.3 for one user of one meter: it keeps the HMK, the module's last
 * challenge Cm and its own record of AR and DR, signs requests and checks every answer — the MAC,
 * the echoed client challenge, and that the indicium says exactly what was asked (no substitution).
 * Used by the tests and the benchmark; the companion implements the same protocol for people.
 *
 * @example
 * const client = new MeterClient({ meterId, userId, hmk });
 * client.acceptChallenge(await vault.getChallenge(client.getChallengeRequest()));
 * const indicium = client.acceptIndicium(await vault.createIndicium(client.createIndiciumRequest(tx)));
 */
export class MeterClient {
  readonly meterId: string;
  readonly userId: string;
  readonly #hmk: Uint8Array;
  #moduleChallenge: string | null = null;
  #ascending = 0;
  #descending = 0;
  #pendingChallenge: GetChallengeRequest | null = null;
  #pendingIndicium: CreateIndiciumRequest | null = null;

  constructor(options: MeterClientOptions) {
    this.meterId = options.meterId;
    this.userId = options.userId;
    this.#hmk = Uint8Array.from(options.hmk);
  }

  get registers(): { ascendingRegisterMills: number; descendingRegisterMills: number } {
    return { ascendingRegisterMills: this.#ascending, descendingRegisterMills: this.#descending };
  }

  get moduleChallenge(): string | null {
    return this.#moduleChallenge;
  }

  getChallengeRequest(): GetChallengeRequest {
    const request = signGetChallengeRequest(this.#hmk, {
      meterId: this.meterId,
      userId: this.userId,
      clientChallenge: toBase64(randomBytes(32)),
    });
    this.#pendingChallenge = request;
    return request;
  }

  acceptChallenge(answer: GetChallengeAnswer): void {
    const request = this.#pendingChallenge;
    if (request === null)
      throw new IndiciumError('CHALLENGE_INVALID', { detail: 'no Get Challenge pending' });
    verifyGetChallengeAnswer(this.#hmk, request, answer);
    this.#pendingChallenge = null;
    this.#moduleChallenge = answer.moduleChallenge;
    this.#ascending = answer.ascendingRegisterMills;
    this.#descending = answer.descendingRegisterMills;
  }

  createIndiciumRequest(transaction: Transaction): CreateIndiciumRequest {
    if (this.#moduleChallenge === null)
      throw new IndiciumError('CHALLENGE_INVALID', { detail: 'run Get Challenge first' });
    const request = signCreateIndiciumRequest(this.#hmk, {
      meterId: this.meterId,
      userId: this.userId,
      clientChallenge: toBase64(randomBytes(32)),
      moduleChallenge: this.#moduleChallenge,
      ...this.registers,
      transaction,
    });
    this.#pendingIndicium = request;
    return request;
  }

  /** Checks the answer and the indicium against the request; returns the 114 indicium bytes. */
  acceptIndicium(answer: CreateIndiciumAnswer): Uint8Array {
    const request = this.#pendingIndicium;
    if (request === null)
      throw new IndiciumError('CHALLENGE_INVALID', { detail: 'no Create Indicium pending' });
    verifyCreateIndiciumAnswer(this.#hmk, request, answer);
    const indicium = fromBase64(answer.indicium);
    const { fields } = parseIndicium(indicium);
    const tx = request.transaction;
    const expected: Partial<IndiciumFields> = {
      kind: tx.kind,
      postageMills: tx.postageMills,
      mailingDate: tx.mailingDate,
      rateCategory: tx.rateCategory,
      originZip: tx.originZip,
      destinationZip: tx.destinationZip,
      ascendingRegisterMills: answer.ascendingRegisterMills,
      descendingRegisterMills: answer.descendingRegisterMills,
    };
    for (const [name, value] of Object.entries(expected)) {
      if (fields[name as keyof IndiciumFields] !== value)
        throw new IndiciumError('INDICIUM_MISMATCH', { field: name });
    }
    // Other users of a shared meter move the registers too, but the AR never goes back.
    if (answer.ascendingRegisterMills < this.#ascending + tx.postageMills) {
      throw new IndiciumError('INDICIUM_MISMATCH', { field: 'ascendingRegisterMills' });
    }
    this.#pendingIndicium = null;
    this.#moduleChallenge = answer.moduleChallenge;
    this.#ascending = answer.ascendingRegisterMills;
    this.#descending = answer.descendingRegisterMills;
    return indicium;
  }
}
