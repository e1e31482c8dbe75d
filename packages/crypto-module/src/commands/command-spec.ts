import type { ModuleState, OfficerRole } from '@indicium/protocol';
import type { z } from 'zod';
import type { HandlerContext, HandlerOutcome } from './handler-context.js';

/**
 * Who may run a command (DESIGN §3.2). `none`: anyone who can reach `dispatch` (the host);
 * an officer role: that role must be logged on; `self`: any logged-on officer, acting on their
 * own account. Part 2 adds `provider`, `user`, `customer-admin` and `ca` (message-authenticated).
 */
export type CommandRole = 'none' | OfficerRole | 'self' | 'provider' | 'user' | 'customer-admin' | 'ca';

/**
 * How the caller is authenticated: `none`; `session` (the request is a valid session message);
 * `session+logon` (and an officer is logged on); `provider-signature` (the message is signed by the
 * provider key of the crypto-card, DESIGN §4.4); `user-hmac` (MACed with the meter user's HMK,
 * §4.3); `ca-certificate` (the postal CA's signature on the certificate carried, §3.3).
 */
export type CommandAuth =
  | 'none'
  | 'session'
  | 'session+logon'
  | 'provider-signature'
  | 'user-hmac'
  | 'ca-certificate';

/** DESIGN §3.5: `signed-entry` for commands that affect the module; `entry` for other sensitive ones. */
export type AuditRule = 'none' | 'entry' | 'signed-entry';

/**
 * The state transition, as data so `transition()` stays pure: `stay`; `to` a fixed state (current
 * is updated before the handler runs, persistent after, DESIGN §3.1); or `decided` by the handler
 * among `states` (e.g. the last share exported → O), checked by dispatch.
 */
export type TransitionSpec =
  | { readonly kind: 'stay' }
  | { readonly kind: 'to'; readonly state: ModuleState }
  | { readonly kind: 'decided'; readonly states: readonly ModuleState[] };

/** One row of the command table: every rule of one command in one place. */
export interface CommandSpec {
  readonly name: string;
  /** One line for the README table. */
  readonly summary: string;
  /** Where the rule comes from, e.g. 'DESIGN §3.3'. */
  readonly design: string;
  readonly states: readonly ModuleState[];
  readonly role: CommandRole;
  readonly auth: CommandAuth;
  readonly audit: AuditRule;
  readonly next: TransitionSpec;
  /**
   * Still allowed after a failed power-on self-test (Get Status, Reset, the access-control
   * queries): everything else is refused with MODULE_SELF_TEST_FAILED. Default false.
   */
  readonly afterSelfTestFailure?: boolean;
  /** Validates the body; validation is the first step of running the command (DESIGN §3). */
  readonly request: z.ZodType;
  /**
   * A hand-written check of the hot commands' bodies: returns the body when `request` certainly
   * accepts it (with the same output), else null and dispatch parses with zod for the exact error.
   * Never more lenient than `request` (a property test against zod for each one).
   */
  readonly accept?: (body: unknown) => unknown;
  readonly handler: (ctx: HandlerContext, request: unknown) => Promise<HandlerOutcome> | HandlerOutcome;
}

/**
 * Declares a command with a typed handler. The handler only ever receives a body that `request`
 * accepted (dispatch parses first), which makes the one cast below sound.
 *
 * @example
 * export const logoff = defineCommand({
 *   name: 'logoff', summary: 'Ends the logon.', design: 'DESIGN §3.2',
 *   states: ['I', 'O', 'A', 'X', 'M', 'E'], role: 'self', auth: 'session+logon', audit: 'entry',
 *   next: stay, request: EmptyRequestSchema, handler: (ctx) => ({ result: {} }),
 * });
 */
export function defineCommand<S extends z.ZodType>(
  spec: Omit<CommandSpec, 'request' | 'accept' | 'handler'> & {
    readonly request: S;
    readonly accept?: (body: unknown) => z.output<S> | null;
    readonly handler: (ctx: HandlerContext, request: z.output<S>) => Promise<HandlerOutcome> | HandlerOutcome;
  },
): CommandSpec {
  const { handler } = spec;
  return Object.freeze({
    ...spec,
    states: Object.freeze([...spec.states]),
    handler: (ctx: HandlerContext, request: unknown) => handler(ctx, request as z.output<S>),
  });
}

export const stay: TransitionSpec = Object.freeze({ kind: 'stay' });

export function to(state: ModuleState): TransitionSpec {
  return Object.freeze({ kind: 'to', state });
}

export function decided(...states: ModuleState[]): TransitionSpec {
  return Object.freeze({ kind: 'decided', states: Object.freeze(states) });
}

/** Every state: Get Status and Reset. */
export const ALL_STATES: readonly ModuleState[] = Object.freeze(['U', 'I', 'O', 'A', 'X', 'M', 'E']);
/** Where sessions and officer logons live (DESIGN §3.3), plus E for the access-control queries. */
export const SESSION_STATES: readonly ModuleState[] = Object.freeze(['I', 'O', 'A', 'X', 'M', 'E']);
