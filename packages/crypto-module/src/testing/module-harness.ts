import { createHash } from 'node:crypto';
import {
  type AuditEntry,
  MODULE_STATES,
  type ModuleOutcome,
  type ModuleState,
  type NewOfficer,
  type OfficerRole,
  toBase64,
} from '@indicium/protocol';
import { z } from 'zod';
import { ALL_STATES, type CommandSpec, decided, defineCommand } from '../commands/command-spec.js';
import { buildCommandTable, COMMAND_GROUPS, type CommandTable } from '../commands/command-table.js';
import type { FaultPlan } from '../dangerous/fault-injection.js';
import { OfficerClient } from '../host/officer-client.js';
import { CryptoModule } from '../module/crypto-module.js';
import { MemoryNvmStore } from '../nvm/memory-nvm-store.js';
import type { NvmStore } from '../nvm/nvm-store.js';
import type { SelfTestVectors } from '../self-test/self-test-vectors.js';

/**
 * Test support (not exported by the package): real modules over real stores, driven only through
 * `dispatch`. Nothing here replaces module code.
 */

export const MODULE_SERIAL = 'TEST-MODULE-0001';
export const START_TIME = Date.UTC(2026, 0, 1);

/** A deterministic 32-byte "client scrypt hash" per label. */
export function password(label: string): string {
  return toBase64(createHash('sha256').update(`password:${label}`).digest());
}

export const OFFICERS = {
  admin: { userId: 'admin', role: 'administrator', password: password('admin') },
  so: { userId: 'so', role: 'security-officer', password: password('so') },
  kc1: { userId: 'kc1', role: 'key-custodian', password: password('kc1') },
  kc2: { userId: 'kc2', role: 'key-custodian', password: password('kc2') },
  auditor: { userId: 'auditor', role: 'auditor', password: password('auditor') },
} as const satisfies Record<string, NewOfficer>;

export const OFFICER_BY_ROLE: Readonly<Record<OfficerRole, NewOfficer>> = {
  administrator: OFFICERS.admin,
  'security-officer': OFFICERS.so,
  'key-custodian': OFFICERS.kc1,
  auditor: OFFICERS.auditor,
};

/** A host clock the test moves by hand. */
export class ManualClock {
  time = START_TIME;
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

/**
 * TEST ONLY: moves the module to any state, with the real transition machinery (current first,
 * persistent after). Used to put a module in states whose real entry commands belong to other
 * ceremonies, so the access matrix and crash tests can cover every state.
 */
export const gotoState: CommandSpec = defineCommand({
  name: 'test-goto-state',
  summary: 'TEST ONLY: moves to any state.',
  design: 'tests',
  states: ALL_STATES,
  role: 'none',
  auth: 'none',
  audit: 'signed-entry',
  next: decided(...ALL_STATES),
  request: z.object({ state: z.enum(MODULE_STATES) }).strict(),
  handler: (_ctx, body) => ({ result: {}, next: body.state }),
});

export const TEST_TABLE: CommandTable = buildCommandTable([...COMMAND_GROUPS, [gotoState]]);

export interface Harness {
  readonly module: CryptoModule;
  readonly nvm: NvmStore;
  readonly clock: ManualClock;
  readonly audit: AuditEntry[];
  /** Dispatch that records audit entries. */
  dispatch(request: unknown): Promise<ModuleOutcome>;
}

export interface HarnessOptions {
  readonly nvm?: NvmStore;
  readonly clock?: ManualClock;
  readonly faults?: FaultPlan;
  readonly selfTestVectors?: SelfTestVectors;
  readonly audit?: AuditEntry[];
}

export async function bootHarness(options: HarnessOptions = {}): Promise<Harness> {
  const nvm = options.nvm ?? new MemoryNvmStore();
  const clock = options.clock ?? new ManualClock();
  const audit = options.audit ?? [];
  const dangerous = {
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.selfTestVectors === undefined ? {} : { selfTestVectors: options.selfTestVectors }),
  };
  const module = await CryptoModule.boot({
    nvm,
    clock: clock.now,
    moduleSerial: MODULE_SERIAL,
    commands: TEST_TABLE,
    dangerous,
  });
  return {
    module,
    nvm,
    clock,
    audit,
    dispatch: async (request) => {
      const outcome = await module.dispatch(request);
      if (outcome.audit !== undefined) audit.push(outcome.audit);
      return outcome;
    },
  };
}

export function expectOk(outcome: ModuleOutcome): unknown {
  if (!outcome.ok) throw new Error(`expected ok, got ${outcome.error.code}: ${outcome.error.detail ?? ''}`);
  return outcome.result;
}

/** Start Initialization, then the module public key it answered. */
export async function startInitialization(h: Harness): Promise<string> {
  const result = expectOk(
    await h.dispatch({ command: 'start-initialization', body: { time: START_TIME } }),
  ) as {
    modulePublicKey: string;
  };
  return result.modulePublicKey;
}

export function officerClient(h: Harness, modulePublicKey: string, encrypt = true): OfficerClient {
  return new OfficerClient(
    { dispatch: (r) => h.dispatch(r) },
    { moduleSerial: MODULE_SERIAL, modulePublicKey, encrypt },
  );
}

/**
 * An Initializing module with its access control set up and a session open (nobody logged on):
 * the state right after DESIGN §3.2's Initialize Access Control.
 */
export async function initializedHarness(
  options: HarnessOptions = {},
): Promise<Harness & { client: OfficerClient; modulePublicKey: string }> {
  const h = await bootHarness(options);
  const modulePublicKey = await startInitialization(h);
  const client = officerClient(h, modulePublicKey);
  await client.openSession();
  await client.call('initialize-access-control', { accounts: Object.values(OFFICERS) });
  return { ...h, client, modulePublicKey };
}

/** Moves a harness to `state` with the test-only command (plain, no session needed). */
export async function goto(h: Harness, state: ModuleState): Promise<void> {
  expectOk(await h.dispatch({ command: 'test-goto-state', body: { state } }));
}

export async function status(h: Harness): Promise<Record<string, unknown>> {
  return expectOk(await h.dispatch({ command: 'get-status' })) as Record<string, unknown>;
}

/** Logs `officer` on through the harness's session client. */
export async function logon(client: OfficerClient, officer: NewOfficer): Promise<void> {
  await client.call('logon', { userId: officer.userId, password: officer.password });
}

/**
 * An Operational master module, the real way: Initialize Access Control, the Security Officer
 * generates the MKS (I → O), logs off. The session stays open, nobody logged on.
 */
export async function operationalHarness(
  options: HarnessOptions = {},
): Promise<Harness & { client: OfficerClient; modulePublicKey: string }> {
  const h = await initializedHarness(options);
  await logon(h.client, OFFICERS.so);
  await h.client.call('generate-mks', {});
  await h.client.call('logoff');
  return h;
}
