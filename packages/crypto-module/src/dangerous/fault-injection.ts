/**
 * DANGEROUS: test-only fault injection. Lets tests prove DESIGN §3.1 (a crash between "current
 * updated" and "persistent updated" keeps the old persistent state) and §3.5 (a failed audit entry
 * means Error). Pass a plan only through `boot({ dangerous: { faults } })`, never in production.
 */
export type FaultPoint =
  /** After the command's work is durable, before persistent state is written: a simulated crash. */
  | 'between-current-and-persistent'
  /** While signing/assembling the audit entry, before anything is written. */
  | 'audit-sign'
  /** After the chain head reached NVM, before the entry is handed back: the chain is broken. */
  | 'audit-after-chain';

export interface FaultPlan {
  /** Called at each fault point; true makes the module fail there. */
  shouldFail(point: FaultPoint, command: string): boolean;
}

/** Thrown at `between-current-and-persistent`: the process "lost power"; the instance is dead. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/** Thrown at the audit fault points. */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

/** Fails once, at `point`, for `command` (or any command). */
export function failOnce(point: FaultPoint, command?: string): FaultPlan {
  let armed = true;
  return {
    shouldFail(at, name) {
      if (!armed || at !== point || (command !== undefined && command !== name)) return false;
      armed = false;
      return true;
    },
  };
}

/** Fails at `point` once, for the command named by the last `arm()` call; inert until armed. */
export function faultWhenArmed(point: FaultPoint): FaultPlan & { arm(command: string): void } {
  let target: string | null = null;
  return {
    arm(command) {
      target = command;
    },
    shouldFail(at, command) {
      if (at !== point || command !== target) return false;
      target = null;
      return true;
    },
  };
}
