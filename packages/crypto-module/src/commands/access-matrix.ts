import type { ModuleState, OfficerRole } from '@indicium/protocol';
import { MODULE_STATES, OFFICER_ROLES } from '@indicium/protocol';
import type { CommandSpec } from './command-spec.js';
import type { CommandTable } from './command-table.js';
import { type AccessFacts, refusalFor } from './is-allowed.js';

/** The callers the officer-command matrix distinguishes (DESIGN §3.2). */
export type MatrixCaller =
  | { readonly kind: 'no-session' }
  | { readonly kind: 'session' }
  | { readonly kind: 'officer'; readonly role: OfficerRole };

export const MATRIX_CALLERS: readonly MatrixCaller[] = Object.freeze([
  { kind: 'no-session' },
  { kind: 'session' },
  ...OFFICER_ROLES.map((role) => ({ kind: 'officer', role }) as const),
]);

export function callerName(caller: MatrixCaller): string {
  return caller.kind === 'officer' ? caller.role : caller.kind;
}

export interface MatrixCell {
  readonly command: string;
  readonly state: ModuleState;
  readonly caller: MatrixCaller;
  readonly spec: CommandSpec;
  /** The refusal code, or null when the table allows it. */
  readonly refusal: ReturnType<typeof refusalFor>;
}

function facts(state: ModuleState, caller: MatrixCaller): AccessFacts {
  return {
    state,
    errorCode: state === 'E' ? 'MODULE_ERROR_STATE' : null,
    inSession: caller.kind !== 'no-session',
    officer: caller.kind === 'officer' ? { userId: caller.role, role: caller.role } : null,
  };
}

/** Every command × state × caller with the table's decision: the input of the matrix tests. */
export function accessMatrix(table: CommandTable): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const spec of Object.values(table)) {
    for (const state of MODULE_STATES) {
      for (const caller of MATRIX_CALLERS) {
        cells.push({
          command: spec.name,
          state,
          caller,
          spec,
          refusal: refusalFor(spec, facts(state, caller)),
        });
      }
    }
  }
  return cells;
}
