import {
  IndiciumError,
  MeterUserIdSchema,
  type PageCallRequest,
  type PsdPrivilege,
} from '@indicium/protocol';
import { parseDollars } from '../postage/parse-dollars.js';

/** The administrator who signs the change: a registration on this computer's companion. */
export interface Administrator {
  readonly meterId: string;
  readonly userId: string;
}

/** The users page's form for adding or changing one colleague (DESIGN §3.3). */
export interface UserForm {
  readonly targetUserId: string;
  readonly privileges: readonly PsdPrivilege[];
  /** Dollars; empty: no limit. */
  readonly maximumTotal: string;
  /** A calendar date (YYYY-MM-DD) after which the user may no longer print; empty: never. */
  readonly expiresOn: string;
}

/** The `users` page call that lists the meter's users as the module reports them. */
export function listUsersRequest(admin: Administrator): PageCallRequest<'users'> {
  return {
    meterId: admin.meterId,
    userId: admin.userId,
    action: 'list',
    targetUserId: null,
    role: null,
    privileges: [],
    maximumTotalMills: null,
    expiresAt: null,
    reregister: false,
  };
}

/**
 * The `users` page call that adds or modifies a colleague with their whole profile. The page only
 * shapes the request: the module decides whether the administrator may make it. INVALID_INPUT,
 * naming the form field, for an id, amount or date the page can already tell is wrong.
 */
export function userChangeRequest(
  admin: Administrator,
  action: 'add' | 'modify',
  form: UserForm,
): PageCallRequest<'users'> {
  return {
    ...listUsersRequest(admin),
    action,
    targetUserId: targetId(form.targetUserId),
    role: 'user',
    privileges: [...new Set(form.privileges)],
    maximumTotalMills: form.maximumTotal.trim() === '' ? null : parseMaximum(form.maximumTotal),
    expiresAt: form.expiresOn.trim() === '' ? null : endOfDay(form.expiresOn.trim()),
  };
}

/** The `users` page call that removes a colleague from the meter. */
export function deleteUserRequest(admin: Administrator, targetUserId: string): PageCallRequest<'users'> {
  return { ...listUsersRequest(admin), action: 'delete', targetUserId: targetId(targetUserId) };
}

function targetId(text: string): string {
  const id = text.trim();
  if (!MeterUserIdSchema.safeParse(id).success) {
    throw new IndiciumError('INVALID_INPUT', {
      field: 'targetUserId',
      detail: 'A user id is lower-case letters, digits, dots, dashes or underscores.',
    });
  }
  return id;
}

/** A maximum of $0 is allowed (a user who may not print until raised), unlike a purchase. */
function parseMaximum(text: string): number {
  return /^\s*\$?0+(?:\.0{1,3})?\s*$/.test(text) ? 0 : parseDollars(text, 'maximumTotal');
}

/** The last moment of the chosen day, UTC: access ends when that day does. */
function endOfDay(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const at = match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (match === null || new Date(at).toISOString().slice(0, 10) !== date) {
    throw new IndiciumError('INVALID_INPUT', { field: 'expiresOn', detail: 'Enter a date as YYYY-MM-DD.' });
  }
  return new Date(at + 86_400_000 - 1000).toISOString();
}
