import {
  constants,
  createHmac,
  createPublicKey,
  publicEncrypt,
  randomBytes,
  scryptSync,
  timingSafeEqual,
  verify,
  X509Certificate,
} from 'node:crypto';
import {
  ClientSecretsPlaintext,
  type ConfigureAnswer,
  ConfigureAnswerMac,
  type CreateIndiciumAnswer,
  CreateIndiciumAnswerMac,
  type CreateIndiciumRequest,
  CreateIndiciumRequestMac,
  fromBase64,
  type GetChallengeAnswer,
  GetChallengeAnswerMac,
  type GetChallengeRequest,
  GetChallengeRequestMac,
  layoutBytesOf,
  PASSPHRASE_HASH_SALT_LABEL,
  PASSPHRASE_HASH_SCRYPT,
  type PsdUserAdminAnswer,
  type PsdUserAdminRequest,
  PsdUserAdminRequestMac,
  psdUserAdminAnswerBytes,
  type RegistrationChallenge,
  RegistrationChallengeSig,
  type RegistrationKeyBundle,
  RegistrationKeyBundleSig,
  type SessionAnswer,
  type Transaction,
  toBase64,
} from '@indicium/protocol';
import {
  type HttpAnswer,
  setCookie,
  startVaultProcess,
  type VaultProcess,
} from '../../src/http/testing/vault-process.js';

/**
 * A protocol client for the end-to-end tests, written from the protocol package alone (layouts,
 * schemas) and `node:crypto`, as an independent companion would be: it never imports the vault's
 * or the module's code. It logs a customer in like the web UI (cookie, CSRF token, Origin) and
 * speaks DESIGN §4.2–4.3 like the companion, checking every signature and MAC it is given.
 */

export interface WebCustomer {
  readonly customerId: string;
  call(method: string, path: string, body?: unknown): Promise<HttpAnswer>;
}

export async function signUp(vault: VaultProcess, email: string): Promise<WebCustomer> {
  const answer = await vault.request('POST', '/v1/account/sign-up', {
    body: { protocol: 1, email, password: 'correct horse battery staple', displayName: email },
  });
  if (answer.status !== 201) throw new Error(`sign-up failed: ${answer.status} ${answer.text}`);
  const session = answer.json<SessionAnswer>();
  const cookie = setCookie(answer, '__Host-indicium-session');
  if (cookie === undefined) throw new Error('no session cookie');
  return {
    customerId: session.customer.customerId,
    call: (method, path, body) =>
      vault.request(method, path, {
        ...(body === undefined ? {} : { body }),
        headers: {
          cookie: `__Host-indicium-session=${cookie.value}`,
          'x-csrf-token': session.csrfToken,
          origin: vault.url,
        },
      }),
  };
}

const hmac = (key: Uint8Array, bytes: Uint8Array) => createHmac('sha256', key).update(bytes).digest();

function checkMac(key: Uint8Array, bytes: Uint8Array, mac: string): void {
  const presented = Buffer.from(fromBase64(mac));
  if (presented.length !== 32 || !timingSafeEqual(hmac(key, bytes), presented)) {
    throw new Error('answer MAC does not verify under the HMK');
  }
}

/** Step 1 of §4.2: the bundle's signer must chain to the pinned CA, and sign the bundle. */
export function verifyKeyBundle(bundle: RegistrationKeyBundle, caPem: string): void {
  const ca = new X509Certificate(caPem);
  const signer = new X509Certificate(Buffer.from(fromBase64(bundle.signerCertificate)));
  if (!signer.checkIssued(ca) || !signer.verify(ca.publicKey))
    throw new Error('bundle signer not under the CA');
  const ok = verify(
    'sha256',
    layoutBytesOf(RegistrationKeyBundleSig, bundle),
    { key: signer.publicKey, dsaEncoding: 'ieee-p1363' },
    fromBase64(bundle.signature),
  );
  if (!ok) throw new Error('bundle signature does not verify');
}

export function verifyRegistrationChallenge(
  bundle: RegistrationKeyBundle,
  challenge: RegistrationChallenge,
): void {
  const key = createPublicKey({
    key: Buffer.from(fromBase64(bundle.registrationSigningPublicKey)),
    format: 'der',
    type: 'spki',
  });
  const ok = verify(
    'sha256',
    layoutBytesOf(RegistrationChallengeSig, challenge),
    { key, dsaEncoding: 'ieee-p1363' },
    fromBase64(challenge.signature),
  );
  if (!ok) throw new Error('registration challenge signature does not verify');
}

/** The companion's passphrase hash (protocol: scrypt, salt = label ‖ 0 ‖ meter id ‖ 0 ‖ user id). */
function passphraseHash(passphrase: string, meterId: string, userId: string): Uint8Array {
  const salt = Buffer.from(`${PASSPHRASE_HASH_SALT_LABEL}\0${meterId}\0${userId}`, 'utf8');
  const { N, r, p } = PASSPHRASE_HASH_SCRYPT;
  return scryptSync(passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
}

/** Step 3 of §4.2: HMK and passphrase hash, RSA-OAEP-SHA-256 to the client-secret key. */
export function encryptSecrets(
  bundle: RegistrationKeyBundle,
  fields: {
    mode: 'configure' | 'add-user' | 'reset';
    meterId: string;
    customerId: string;
    userId: string;
    challenge: string;
    hmk: Uint8Array;
    passphrase: string;
  },
): string {
  const plaintext = ClientSecretsPlaintext.encode({
    mode: fields.mode,
    meterId: fields.meterId,
    customerId: fields.customerId,
    userId: fields.userId,
    hmk: fields.hmk,
    challenge: fromBase64(fields.challenge),
    passphraseHash: passphraseHash(fields.passphrase, fields.meterId, fields.userId),
  });
  const key = createPublicKey({
    key: Buffer.from(fromBase64(bundle.clientSecretPublicKey)),
    format: 'der',
    type: 'spki',
  });
  return toBase64(
    publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, plaintext),
  );
}

export function verifyConfigureAnswer(hmk: Uint8Array, answer: ConfigureAnswer): void {
  checkMac(hmk, layoutBytesOf(ConfigureAnswerMac, answer), answer.mac);
}

/** One user of one meter (§4.3): HMK, the module's last challenge Cm and the registers it was told. */
export class MeterUser {
  moduleChallenge: string | null = null;
  ascending = 0;
  descending = 0;

  constructor(
    /** Replaced after a restart: the same user talks to the new process. */
    public vault: VaultProcess,
    readonly meterId: string,
    readonly userId: string,
    readonly hmk: Uint8Array,
  ) {}

  /** A Get Challenge request with a fresh client challenge (not sent). */
  challengeRequest(): GetChallengeRequest {
    const fields = { meterId: this.meterId, userId: this.userId, clientChallenge: toBase64(randomBytes(32)) };
    return {
      protocol: 1,
      ...fields,
      hmac: toBase64(hmac(this.hmk, layoutBytesOf(GetChallengeRequestMac, fields))),
    };
  }

  async getChallenge(): Promise<GetChallengeAnswer> {
    const request = this.challengeRequest();
    const fields = request;
    const answer = await this.vault.request('POST', '/v1/psd/get-challenge', { body: request });
    if (answer.status !== 200) throw new Error(`get-challenge: ${answer.status} ${answer.text}`);
    const body = answer.json<GetChallengeAnswer>();
    checkMac(this.hmk, layoutBytesOf(GetChallengeAnswerMac, body), body.mac);
    if (body.clientChallenge !== fields.clientChallenge) throw new Error('client challenge not echoed');
    this.moduleChallenge = body.moduleChallenge;
    this.ascending = body.ascendingRegisterMills;
    this.descending = body.descendingRegisterMills;
    return body;
  }

  /** A Create Indicium request on the current Cm and registers (not sent). */
  request(transaction: Transaction): CreateIndiciumRequest {
    if (this.moduleChallenge === null) throw new Error('run Get Challenge first');
    const fields = {
      meterId: this.meterId,
      userId: this.userId,
      clientChallenge: toBase64(randomBytes(32)),
      moduleChallenge: this.moduleChallenge,
      ascendingRegisterMills: this.ascending,
      descendingRegisterMills: this.descending,
      transaction,
    };
    return {
      protocol: 1,
      ...fields,
      hmac: toBase64(hmac(this.hmk, layoutBytesOf(CreateIndiciumRequestMac, fields))),
    };
  }

  /** Checks the answer's MAC and echo, then moves to its Cm and registers. */
  accept(request: CreateIndiciumRequest, answer: CreateIndiciumAnswer): Uint8Array {
    checkMac(this.hmk, layoutBytesOf(CreateIndiciumAnswerMac, answer), answer.mac);
    if (answer.clientChallenge !== request.clientChallenge) throw new Error('client challenge not echoed');
    this.moduleChallenge = answer.moduleChallenge;
    this.ascending = answer.ascendingRegisterMills;
    this.descending = answer.descendingRegisterMills;
    return fromBase64(answer.indicium);
  }

  /** A Customer Administrator adds a user who may print (then registers with mode add-user). */
  async addUser(targetUserId: string): Promise<PsdUserAdminAnswer> {
    if (this.moduleChallenge === null) throw new Error('run Get Challenge first');
    const fields = {
      meterId: this.meterId,
      userId: this.userId,
      clientChallenge: toBase64(randomBytes(32)),
      moduleChallenge: this.moduleChallenge,
      action: 'add' as const,
      targetUserId,
      role: 'user' as const,
      privileges: ['create-indicia' as const, 'status' as const],
      maximumTotalMills: null,
      expiresAt: null,
      reregister: false,
    };
    const request: PsdUserAdminRequest = {
      protocol: 1,
      ...fields,
      hmac: toBase64(hmac(this.hmk, layoutBytesOf(PsdUserAdminRequestMac, fields))),
    };
    const answer = await this.vault.request('POST', '/v1/psd/users', { body: request });
    if (answer.status !== 200) throw new Error(`add user: ${answer.status} ${answer.text}`);
    const body = answer.json<PsdUserAdminAnswer>();
    const bytes = psdUserAdminAnswerBytes({
      ...body,
      clientChallenge: fromBase64(body.clientChallenge),
      moduleChallenge: fromBase64(body.moduleChallenge),
    });
    checkMac(this.hmk, bytes, body.mac);
    this.moduleChallenge = body.moduleChallenge;
    return body;
  }

  send(request: CreateIndiciumRequest): Promise<HttpAnswer> {
    return this.vault.request('POST', '/v1/psd/create-indicium', { body: request });
  }
}

/** The whole of §4.2 for a fresh customer: licence → meter → registration of its first user. */
export async function registerMeter(
  vault: VaultProcess,
  web: WebCustomer,
  userId = 'alice',
): Promise<{ meterId: string; user: MeterUser; bundle: RegistrationKeyBundle }> {
  const licence = await web.call('POST', '/v1/licences', {
    protocol: 1,
    licensingZip: '20260-0001',
    idempotencyKey: randomBytes(12).toString('base64url'),
  });
  if (licence.status !== 201) throw new Error(`licence: ${licence.status} ${licence.text}`);
  const { meterId } = licence.json<{ meterId: string }>();
  return registerUser(vault, web, meterId, 'configure', userId);
}

type Mode = 'configure' | 'add-user' | 'reset';

/** §4.2 for one user of `meterId`: token (web) → bundle → signed challenge → encrypted secrets; the raw answer. */
export async function configureUser(
  vault: VaultProcess,
  web: WebCustomer,
  meterId: string,
  mode: Mode,
  userId: string,
  passphrase = 'a long companion passphrase',
): Promise<{ answer: HttpAnswer; hmk: Uint8Array; bundle: RegistrationKeyBundle }> {
  const token = await web.call('POST', `/v1/meters/${meterId}/registration-tokens`, {
    protocol: 1,
    mode,
    userId,
  });
  if (token.status !== 201) throw new Error(`token: ${token.status} ${token.text}`);
  const { registrationToken } = token.json<{ registrationToken: string }>();
  const caPem = (await vault.request('GET', '/v1/ca')).text;
  const bundle = (await vault.request('GET', '/v1/registration/key-bundle')).json<RegistrationKeyBundle>();
  verifyKeyBundle(bundle, caPem);
  const challengeAnswer = await vault.request('POST', '/v1/registration/challenge', {
    body: { protocol: 1, meterId, registrationToken },
  });
  if (challengeAnswer.status !== 200)
    throw new Error(`challenge: ${challengeAnswer.status} ${challengeAnswer.text}`);
  const challenge = challengeAnswer.json<RegistrationChallenge>();
  verifyRegistrationChallenge(bundle, challenge);
  const hmk = new Uint8Array(randomBytes(32));
  const answer = await vault.request('POST', '/v1/registration/configure', {
    body: {
      protocol: 1,
      mode,
      meterId,
      customerId: web.customerId,
      userId,
      registrationToken,
      challenge: challenge.challenge,
      encryptedSecrets: encryptSecrets(bundle, {
        mode,
        meterId,
        customerId: web.customerId,
        userId,
        challenge: challenge.challenge,
        hmk,
        passphrase,
      }),
    },
  });
  return { answer, hmk, bundle };
}

/** `configureUser` that must succeed; checks the receipt's MAC under the new HMK. */
export async function registerUser(
  vault: VaultProcess,
  web: WebCustomer,
  meterId: string,
  mode: Mode,
  userId: string,
  passphrase?: string,
): Promise<{ meterId: string; user: MeterUser; bundle: RegistrationKeyBundle }> {
  const { answer, hmk, bundle } = await configureUser(vault, web, meterId, mode, userId, passphrase);
  if (answer.status !== 200) throw new Error(`configure: ${answer.status} ${answer.text}`);
  verifyConfigureAnswer(hmk, answer.json<ConfigureAnswer>());
  return { meterId, user: new MeterUser(vault, meterId, userId, hmk), bundle };
}

/**
 * `count` fresh customers, each with one registered meter holding 200 000 mills and its first
 * user's Cm fetched: the load the crash and shutdown tests print on.
 */
export async function fundedMeterUsers(
  vault: VaultProcess,
  count: number,
  prefix: string,
): Promise<MeterUser[]> {
  const users: MeterUser[] = [];
  for (let i = 0; i < count; i++) {
    const customer = await signUp(vault, `${prefix}-${i}@example.test`);
    const { meterId, user } = await registerMeter(vault, customer);
    const bought = await customer.call('POST', `/v1/meters/${meterId}/purchases`, {
      protocol: 1,
      amountMills: 200_000,
      idempotencyKey: `${prefix}-purchase-${i}`,
    });
    if (bought.status !== 200) throw new Error(`purchase: ${bought.status} ${bought.text}`);
    await user.getChallenge();
    users.push(user);
  }
  return users;
}

/**
 * (Re)starts the load tests' vault on `store` (two modules, no meter stock) and points every
 * user at it, so a restart after a kill carries the same companions on.
 */
export async function startLoadVault(
  dataDir: string,
  store: { vaultArgs(): readonly string[] },
  users: readonly MeterUser[],
): Promise<VaultProcess> {
  const started = await startVaultProcess(dataDir, [
    ...store.vaultArgs(),
    '--pool-size',
    '2',
    '--meter-stock',
    '0',
  ]);
  for (const user of users) user.vault = started;
  return started;
}

export const TRANSACTION: Transaction = {
  kind: 'postage',
  postageMills: 730,
  mailingDate: '2026-11-27',
  rateCategory: 'FCL1',
  originZip: '20260-0001',
  destinationZip: '10001',
  pageOrigin: 'https://localhost:8443',
};
