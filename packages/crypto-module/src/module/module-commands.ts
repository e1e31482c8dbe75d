import {
  EmptyRequestSchema,
  fromBase64,
  GetStatusRequestSchema,
  type ModuleStatus,
  ModuleStatusLayout,
  StartInitializationRequestSchema,
  toBase64,
} from '@indicium/protocol';
import { emptyAuditSection } from '../audit/audit-section.js';
import { ALL_STATES, type CommandSpec, defineCommand, to } from '../commands/command-spec.js';
import { emptyNvmSections, type NvmSectionName } from '../nvm/nvm-sections.js';
import { generateP256 } from './module-keys.js';
import { SOFTWARE_PART, SOFTWARE_VERSION } from './software-identity.js';

/**
 * Get Status (DESIGN §3.3): every state, no authentication, signed by the module key when the
 * module has one, never secret data. The optional nonce makes a signed status fresh.
 */
export const getStatus = defineCommand({
  name: 'get-status',
  summary: 'State, error, clock, audit head, module public key; signed by the module key.',
  design: 'DESIGN §3.3',
  states: ALL_STATES,
  role: 'none',
  auth: 'none',
  audit: 'none',
  afterSelfTestFailure: true,
  next: { kind: 'stay' },
  request: GetStatusRequestSchema,
  handler: (ctx, body) => {
    const module = ctx.nvm.get('module');
    const audit = ctx.nvm.get('audit');
    const unsigned: Omit<ModuleStatus, 'signature'> = {
      moduleSerial: ctx.moduleSerial,
      softwarePart: SOFTWARE_PART,
      softwareVersion: SOFTWARE_VERSION,
      currentState: ctx.state.current,
      persistentState: ctx.state.persistent,
      fatal: ctx.state.persistent === 'E',
      errorCode: ctx.errorCode,
      time: ctx.now,
      bootCount: ctx.bootCount,
      auditSequence: audit.nextSequence,
      auditHead: audit.headHash,
      sessionOpen: ctx.sessions.current !== null,
      loggedOnRole: ctx.sessions.current?.logon?.role ?? null,
      activeMksVersion: ctx.nvm.get('mks').active?.version ?? null,
      nonce: body.nonce ?? '',
      modulePublicKey: module.modulePublicKey,
    };
    // No signature without a key, nor from algorithms that failed their self-test.
    const signature =
      module.modulePrivateKey === null || ctx.errorCode === 'MODULE_SELF_TEST_FAILED'
        ? null
        : toBase64(
            ctx.signWithModuleKey(
              ModuleStatusLayout.encode({
                ...unsigned,
                auditHead: fromBase64(unsigned.auditHead),
                nonce: fromBase64(unsigned.nonce),
                modulePublicKey:
                  unsigned.modulePublicKey === null ? null : fromBase64(unsigned.modulePublicKey),
              }),
            ),
          );
    return { result: { ...unsigned, signature } satisfies ModuleStatus };
  },
});

/**
 * Start Initialization (DESIGN §3.3): erases NVM, sets the clock, makes the module key and the
 * audit signing key (ECDSA P-256) and starts the audit chain at sequence 0.
 */
export const startInitialization = defineCommand({
  name: 'start-initialization',
  summary: 'Erases NVM, sets the clock, makes the module and audit keys, first audit entry.',
  design: 'DESIGN §3.3',
  states: ['U'],
  role: 'none',
  auth: 'none',
  audit: 'signed-entry',
  next: to('I'),
  request: StartInitializationRequestSchema,
  handler: (ctx, body) => {
    const hostNow = ctx.now - ctx.nvm.get('module').clockOffsetMs;
    const empty = emptyNvmSections();
    for (const name of Object.keys(empty) as NvmSectionName[]) ctx.nvm.set(name, empty[name]);
    const moduleKey = generateP256();
    const auditKey = generateP256();
    ctx.nvm.set('module', {
      modulePrivateKey: moduleKey.privateKey,
      modulePublicKey: moduleKey.publicKey,
      auditPrivateKey: auditKey.privateKey,
      auditPublicKey: auditKey.publicKey,
      clockOffsetMs: body.time - hostNow,
      initializedAt: body.time,
    });
    ctx.nvm.set('audit', {
      ...emptyAuditSection(),
      ...(body.auditSignEvery === undefined ? {} : { signEvery: body.auditSignEvery }),
    });
    return { result: { modulePublicKey: moduleKey.publicKey }, auditData: { time: String(body.time) } };
  },
});

/** Reset (DESIGN §3.3): zeroizes NVM, key cache and session from any state → Uninitialized. */
export const reset = defineCommand({
  name: 'reset',
  summary: 'Zeroizes NVM, cached keys and the session; → Uninitialized.',
  design: 'DESIGN §3.3',
  states: ALL_STATES,
  role: 'none',
  auth: 'none',
  audit: 'signed-entry',
  afterSelfTestFailure: true,
  next: to('U'),
  request: EmptyRequestSchema,
  handler: (ctx) => {
    ctx.nvm.eraseAll();
    return { result: {} };
  },
});

export const moduleCommands: readonly CommandSpec[] = Object.freeze([getStatus, startInitialization, reset]);
