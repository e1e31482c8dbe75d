import { sign } from 'node:crypto';
import {
  type AuditEntry,
  acceptModuleRequest,
  type ErrorCode,
  IndiciumError,
  type ModuleOutcome,
  type ModuleRequest,
  ModuleRequestSchema,
  type ModuleState,
} from '@indicium/protocol';
import { assertOutboxRoom } from '../audit/audit-outbox.js';
import { makeAuditEntry, signatureRequired } from '../audit/make-audit-entry.js';
import type { CommandSpec } from '../commands/command-spec.js';
import { COMMAND_TABLE, type CommandTable, lookupCommand } from '../commands/command-table.js';
import type { HandlerContext, HandlerOutcome, OfficerIdentity } from '../commands/handler-context.js';
import { refusalFor } from '../commands/is-allowed.js';
import { currentBeforeWork, transition } from '../commands/transition.js';
import { type FaultPlan, InjectedFault, SimulatedCrash } from '../dangerous/fault-injection.js';
import { KeyCache } from '../keys/key-cache.js';
import { hasActiveMks } from '../mks/mks-section.js';
import { emptyNvmImage, type NvmImage } from '../nvm/nvm-image.js';
import type { NvmStore } from '../nvm/nvm-store.js';
import { SectionDraft } from '../nvm/section-draft.js';
import { runSelfTests } from '../self-test/run-self-tests.js';
import { SELF_TEST_VECTORS, type SelfTestVectors } from '../self-test/self-test-vectors.js';
import { resolveCaller } from '../sessions/resolve-caller.js';
import { SessionRegistry } from '../sessions/session-registry.js';
import { sealAnswer } from '../sessions/unseal-request.js';
import { bootState } from '../state/boot-state.js';
import { failureOf, malformed, refused } from './module-failure.js';
import { SOFTWARE_PART, SOFTWARE_VERSION } from './software-identity.js';

export interface CryptoModuleOptions {
  readonly nvm: NvmStore;
  /** The host clock, ms since the epoch; module time adds the NVM offset that Set Clock moves. */
  readonly clock: () => number;
  /** The module's serial, as the host knows it (also bound into the NVM file). */
  readonly moduleSerial: string;
  /** Defaults to the full table; tests may pass their own. */
  readonly commands?: CommandTable;
  /** DANGEROUS, tests only: fault injection and replaced self-test vectors. */
  readonly dangerous?: { readonly faults?: FaultPlan; readonly selfTestVectors?: SelfTestVectors };
}

const NO_FAULTS: FaultPlan = { shouldFail: () => false };

/**
 * The software cryptographic module (DESIGN §3). Build one with `CryptoModule.boot`, then talk to
 * it only through `dispatch`. Commands run one at a time, never interleaved (seed: processing is
 * never interrupted except by a reboot). See ARCHITECTURE.md for the dispatch steps.
 *
 * @example
 * const module = await CryptoModule.boot({ nvm: new MemoryNvmStore(), clock: Date.now, moduleSerial: 'M1' });
 * const status = await module.dispatch({ command: 'get-status' });
 */
export class CryptoModule {
  readonly #options: CryptoModuleOptions;
  readonly #table: CommandTable;
  readonly #faults: FaultPlan;
  readonly #keys = new KeyCache();
  readonly #sessions = new SessionRegistry();
  #image: NvmImage = emptyNvmImage();
  #current: ModuleState = 'U';
  #errorCode: ErrorCode | null = null;
  /** False after an NVM integrity failure: the evidence is never overwritten, only Reset erases it. */
  #nvmWritable = true;
  #selfTestFailed = false;
  /** The seed's boot flag: set by boot, cleared by the first entry made after it (DESIGN §3.5). */
  #firstAfterBoot = true;
  #dead = false;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: CryptoModuleOptions) {
    this.#options = options;
    this.#table = options.commands ?? COMMAND_TABLE;
    this.#faults = options.dangerous?.faults ?? NO_FAULTS;
  }

  /**
   * Boots a module over its NVM (DESIGN §3.1): self-tests, integrity check of the NVM, then the
   * boot rules on the persistent state. Never throws for a bad NVM or a failed self-test: the
   * module comes up in Error and says why in Get Status.
   */
  static async boot(options: CryptoModuleOptions): Promise<CryptoModule> {
    const module = new CryptoModule(options);
    const selfTest = runSelfTests(options.dangerous?.selfTestVectors ?? SELF_TEST_VECTORS);
    let image: NvmImage | null = null;
    try {
      image = await options.nvm.load();
    } catch (error) {
      if (!(error instanceof IndiciumError) || error.code !== 'NVM_CORRUPT') throw error;
      module.#image = { ...emptyNvmImage(), persistentState: 'E', errorCode: 'NVM_CORRUPT' };
      module.#current = 'E';
      module.#errorCode = 'NVM_CORRUPT';
      module.#nvmWritable = false;
    }
    if (!selfTest.passed) {
      // Crypto we cannot trust must not even seal the NVM: touch nothing, refuse everything.
      module.#selfTestFailed = true;
      module.#current = 'E';
      module.#errorCode = 'MODULE_SELF_TEST_FAILED';
      if (image !== null) module.#image = image;
      return module;
    }
    if (image !== null) await module.#applyBootRules(image);
    return module;
  }

  async #applyBootRules(image: NvmImage): Promise<void> {
    const rule = bootState(image.persistentState, hasActiveMks(image.sections.mks), image.errorCode);
    const sections =
      image.persistentState === 'X'
        ? { ...image.sections, mks: { ...image.sections.mks, exportCeremony: null } }
        : image.sections;
    const next: NvmImage = {
      ...image,
      persistentState: rule.persistent,
      errorCode: rule.persistent === 'E' ? rule.errorCode : null,
      bootCount: image.bootCount + 1,
      sections,
    };
    await this.#options.nvm.save(next);
    this.#image = next;
    this.#current = rule.current;
    this.#errorCode = rule.errorCode;
  }

  /** The one entry point. Plain data in, plain data out; refusals are `{ ok: false }`, not throws. */
  dispatch(request: unknown): Promise<ModuleOutcome> {
    const run = this.#queue.then(() => this.#guarded(request));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #guarded(request: unknown): Promise<ModuleOutcome> {
    if (this.#dead) throw new SimulatedCrash('this module instance crashed; boot a new one');
    try {
      return await this.#run(request);
    } catch (error) {
      if (error instanceof SimulatedCrash) throw error;
      if (error instanceof IndiciumError) return refused(error);
      // A bug or a platform failure in the middle of a command: stop cryptographic work.
      this.#current = 'E';
      this.#errorCode = 'MODULE_ERROR_STATE';
      return refused(new IndiciumError('INTERNAL_ERROR'));
    }
  }

  async #run(raw: unknown): Promise<ModuleOutcome> {
    const request = acceptModuleRequest(raw) ?? parseRequest(raw);
    const spec = lookupCommand(this.#table, request.command);
    const hostNow = this.#options.clock();
    const now = hostNow + this.#image.sections.module.clockOffsetMs;

    const { session, body, officer } = resolveCaller(this.#sessions, request, now);

    const state = this.#selfTestFailed ? 'E' : this.#current;
    const refusal = refusalFor(spec, {
      state,
      errorCode: this.#errorCode,
      inSession: session !== null,
      officer,
    });
    if (refusal !== null)
      throw new IndiciumError(refusal, { detail: `command ${spec.name} in state ${state}` });
    assertOutboxRoom(spec, this.#image.sections);
    const input = this.#parseBody(spec, body);

    const before = { current: this.#current, persistent: this.#image.persistentState };
    const draft = new SectionDraft(this.#image.sections);
    const effects: (() => void)[] = [];
    this.#current = currentBeforeWork(spec.next, before.current);
    const ctx = this.#context(spec, draft, effects, now, { sessionId: session?.id ?? null, officer });
    let outcome: HandlerOutcome;
    let next: ModuleState;
    try {
      outcome = await spec.handler(ctx, input);
      // A committed refusal normally leaves the state alone, but it may name where the module goes
      // (a failed Combine: O with an MKS, else E — DESIGN §3.1).
      next =
        outcome.refusal === undefined || outcome.next !== undefined
          ? transition(spec.next, before.current, outcome.next)
          : before.current;
    } catch (error) {
      this.#current = before.current; // a refusal changes nothing
      throw error;
    }
    this.#current = next;

    const entry = this.#audit(spec, draft, outcome, officer, hostNow);
    await this.#commit(spec, draft, entry?.section ?? null, next, outcome);
    if (entry !== null && this.#faults.shouldFail('audit-after-chain', spec.name)) {
      await this.#fatal('AUDIT_FAILURE');
      throw new IndiciumError('AUDIT_FAILURE', { detail: 'the chain head moved but the entry was lost' });
    }
    if (entry !== null) this.#firstAfterBoot = false;

    const audit = entry === null ? {} : { audit: entry.entry };
    if (outcome.refusal !== undefined) return { ok: false, error: failureOf(outcome.refusal), ...audit };
    const result = outcome.result ?? {};
    const sealed =
      session !== null && request.sealed !== undefined && !draft.erased
        ? sealAnswer(session, spec.name, request.sealed, result)
        : undefined;
    if (draft.erased) this.#zeroized();
    for (const effect of effects) effect();
    const active = this.#sessions.current?.logon;
    // Activity is stamped in module time after the command, so Set Clock does not time the officer out.
    const after = hostNow + this.#image.sections.module.clockOffsetMs;
    if (active != null && officer !== null) this.#sessions.logon({ ...active, lastActivityAt: after });
    return sealed === undefined ? { ok: true, result, ...audit } : { ok: true, sealed, ...audit };
  }

  /** Step 4: the body through the spec's hand-written check when it has one, else (or if it declines) zod. */
  #parseBody(spec: CommandSpec, body: unknown): unknown {
    const accepted = spec.accept?.(body) ?? null;
    if (accepted !== null) return accepted;
    const input = spec.request.safeParse(body);
    if (!input.success) throw malformed(input.error, 'body');
    return input.data;
  }

  #context(
    spec: CommandSpec,
    draft: SectionDraft,
    effects: (() => void)[],
    now: number,
    caller: HandlerContext['caller'],
  ): HandlerContext {
    return {
      command: spec.name,
      moduleSerial: this.#options.moduleSerial,
      now,
      state: { current: this.#current, persistent: this.#image.persistentState },
      errorCode: this.#errorCode,
      bootCount: this.#image.bootCount,
      caller,
      nvm: draft,
      keys: this.#keys,
      sessions: this.#sessions,
      afterCommit: (effect) => effects.push(effect),
      signWithModuleKey: (message) => {
        if (this.#selfTestFailed) throw new IndiciumError('MODULE_SELF_TEST_FAILED');
        const key = draft.get('module').modulePrivateKey;
        if (key === null) throw new IndiciumError('MODULE_ERROR_STATE', { detail: 'no module key' });
        return new Uint8Array(
          sign('sha256', message, { key: this.#keys.privateKey(key), dsaEncoding: 'ieee-p1363' }),
        );
      },
    };
  }

  /**
   * Makes the command's audit entry (DESIGN §3.5), or none when the rule says so or the module
   * has no audit key (Uninitialized). Reset is audited with the key it is about to destroy.
   */
  #audit(
    spec: CommandSpec,
    draft: SectionDraft,
    outcome: HandlerOutcome,
    officer: OfficerIdentity | null,
    hostNow: number,
  ): { entry: AuditEntry; section: NvmImage['sections']['audit'] } | null {
    const sections = draft.erased ? this.#image.sections : draft.sections;
    const auditKey = sections.module.auditPrivateKey;
    if (spec.audit === 'none' || auditKey === null || this.#selfTestFailed) return null;
    try {
      if (this.#faults.shouldFail('audit-sign', spec.name)) throw new InjectedFault('audit-sign');
      return makeAuditEntry(
        sections.audit,
        {
          moduleSerial: this.#options.moduleSerial,
          softwarePart: SOFTWARE_PART,
          softwareVersion: SOFTWARE_VERSION,
          bootCount: this.#image.bootCount,
          command: spec.name,
          userId: officer?.userId ?? null,
          role: officer?.role ?? null,
          currentState: this.#current,
          persistentState: this.#image.persistentState,
          time: hostNow + sections.module.clockOffsetMs,
          reasonCode: outcome.refusal?.code ?? 'OK',
          data: outcome.auditData ?? {},
        },
        signatureRequired(spec.audit, sections.audit, this.#firstAfterBoot),
        this.#keys.privateKey(auditKey),
      );
    } catch (cause) {
      // Nothing was written: the chain is intact, so the Error is non-fatal (DESIGN §3.5).
      this.#current = 'E';
      this.#errorCode = 'AUDIT_FAILURE';
      throw new IndiciumError('AUDIT_FAILURE', { detail: 'the audit entry could not be made', cause });
    }
  }

  /**
   * The work, then persistent state (DESIGN §3.1): the sections and the new chain head in one
   * durable write, then — only if the state changes — a second write of the persistent state. A
   * crash between the two leaves the old persistent state with the new work, which the boot
   * rules are designed for.
   */
  async #commit(
    spec: CommandSpec,
    draft: SectionDraft,
    auditSection: NvmImage['sections']['audit'] | null,
    next: ModuleState,
    outcome: HandlerOutcome,
  ): Promise<void> {
    const store = this.#options.nvm;
    if (draft.erased) {
      await store.erase();
      this.#nvmWritable = true;
      this.#image = emptyNvmImage();
    } else if (draft.changed || auditSection !== null) {
      if (!this.#nvmWritable)
        throw new IndiciumError('NVM_CORRUPT', { detail: 'NVM is read-only until Reset' });
      const sections = auditSection === null ? draft.sections : { ...draft.sections, audit: auditSection };
      const work: NvmImage = { ...this.#image, sections };
      await this.#save(work);
    }
    if (this.#faults.shouldFail('between-current-and-persistent', spec.name)) {
      this.#dead = true;
      throw new SimulatedCrash(`crash after ${spec.name} work, before persistent state`);
    }
    // Only a command that makes a transition writes persistent state: a 'stay' command run while
    // current is a non-fatal Error must not make that Error persistent.
    const moves = spec.next.kind !== 'stay' && (outcome.refusal === undefined || outcome.next !== undefined);
    if (moves && !draft.erased && next !== this.#image.persistentState) {
      const errorCode = next === 'E' ? (outcome.errorCode ?? 'MODULE_ERROR_STATE') : null;
      await this.#save({ ...this.#image, persistentState: next, errorCode });
      if (next === 'E') this.#errorCode = errorCode;
    }
  }

  async #save(image: NvmImage): Promise<void> {
    try {
      await this.#options.nvm.save(image);
    } catch (cause) {
      this.#current = 'E';
      this.#errorCode = 'MODULE_ERROR_STATE';
      throw new IndiciumError('MODULE_ERROR_STATE', { detail: 'NVM write failed', cause });
    }
    this.#image = image;
  }

  /** Fatal Error: both variables (DESIGN §3.1); only Reset clears it. */
  async #fatal(code: ErrorCode): Promise<void> {
    this.#current = 'E';
    this.#errorCode = code;
    if (this.#nvmWritable) await this.#save({ ...this.#image, persistentState: 'E', errorCode: code });
  }

  /** After Reset: keys, session and error are gone; only a failed self-test survives (in memory). */
  #zeroized(): void {
    this.#keys.clear();
    this.#sessions.close();
    this.#errorCode = this.#selfTestFailed ? 'MODULE_SELF_TEST_FAILED' : null;
    this.#current = this.#selfTestFailed ? 'E' : 'U';
  }
}

/** Step 0: the envelope through zod, for whatever the hand-written check declined (exact errors). */
function parseRequest(raw: unknown): ModuleRequest {
  const parsed = ModuleRequestSchema.safeParse(raw);
  if (!parsed.success) throw malformed(parsed.error, 'request');
  return parsed.data;
}
