import { type KeyObject, verify } from 'node:crypto';
import {
  type CreateIndiciumAnswer,
  type CreateIndiciumRequest,
  formatDeviceId,
  fromBase64,
  IndiciumError,
  type IndiciumFields,
  parseIndicium,
} from '@indicium/protocol';

/**
 * DESIGN §4.3, last step before anything is journaled or printed: the indicium's signature verifies
 * under the meter's key (from the certificate its serial names, chained to the pinned CA), and every
 * field says exactly what was asked — meter, kind, postage, date, rate, origin (the licensing ZIP the
 * module checked), destination — and the registers follow from the client's record. Between the
 * registers this user was last told (what the request carries) and now, other users of a shared
 * meter may have printed (X ≥ 0 moved from DR to AR) and postage may have been bought (P ≥ 0 added
 * to DR), so AR after = AR asked + X + postage and AR + DR after = AR + DR asked + P. On a meter only
 * this user moves, X = P = 0 (the module refuses registers that are not the package's), which is
 * exactly AR + postage and DR − postage. The indicium's registers are the answer's, which the HMK
 * MAC covers, and the piece count is at least one. INDICIUM_MISMATCH (field named) or
 * SIGNATURE_INVALID; nothing else reaches a printer.
 */
export function checkIssuedIndicium(
  request: CreateIndiciumRequest,
  answer: CreateIndiciumAnswer,
  meterKey: KeyObject,
): IndiciumFields {
  const bytes = fromBase64(answer.indicium);
  const { fields, signedPart, signature } = parseIndicium(bytes);
  if (!verify('sha256', signedPart, { key: meterKey, dsaEncoding: 'ieee-p1363' }, signature)) {
    throw new IndiciumError('SIGNATURE_INVALID', { field: 'indicium.signature' });
  }
  const tx = request.transaction;
  const postage = tx.postageMills;
  const mismatch = (field: string): never => {
    throw new IndiciumError('INDICIUM_MISMATCH', { field });
  };
  if (formatDeviceId(fields) !== request.meterId) mismatch('meterId');
  const asked: Partial<Record<keyof IndiciumFields, unknown>> = {
    kind: tx.kind,
    postageMills: postage,
    mailingDate: tx.mailingDate,
    rateCategory: tx.rateCategory,
    originZip: tx.originZip,
    destinationZip: tx.destinationZip,
    ascendingRegisterMills: answer.ascendingRegisterMills,
    descendingRegisterMills: answer.descendingRegisterMills,
  };
  for (const [name, value] of Object.entries(asked)) {
    if (fields[name as keyof IndiciumFields] !== value) mismatch(name);
  }
  const othersPrinted = answer.ascendingRegisterMills - (request.ascendingRegisterMills + postage);
  if (othersPrinted < 0) mismatch('ascendingRegisterMills');
  const bought =
    answer.ascendingRegisterMills +
    answer.descendingRegisterMills -
    (request.ascendingRegisterMills + request.descendingRegisterMills);
  if (bought < 0) mismatch('descendingRegisterMills');
  if (fields.pieceCount < 1) mismatch('pieceCount');
  return fields;
}
