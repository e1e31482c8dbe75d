/**
 * The error catalogue: every stable code any part of Indicium may send across a process boundary,
 * grouped by who must act (DESIGN §4.1). Codes are part of the protocol: never rename one, only add.
 *
 * Each entry says what happened in words a person can read and what to do next. Callers show the
 * message and next step; programs switch on the code.
 */

/** Who must act to clear the error. */
export type ErrorActor = 'user' | 'install' | 'printer' | 'vault' | 'developer';

export interface ErrorInfo {
  readonly actor: ErrorActor;
  readonly message: string;
  readonly nextStep: string;
}

const user = (message: string, nextStep: string): ErrorInfo => ({ actor: 'user', message, nextStep });
const install = (message: string, nextStep: string): ErrorInfo => ({ actor: 'install', message, nextStep });
const printer = (message: string, nextStep: string): ErrorInfo => ({ actor: 'printer', message, nextStep });
const vault = (message: string, nextStep: string): ErrorInfo => ({ actor: 'vault', message, nextStep });
const developer = (message: string, nextStep: string): ErrorInfo => ({
  actor: 'developer',
  message,
  nextStep,
});

export const ERROR_CATALOG = Object.freeze({
  // ── the person at the computer can fix these ────────────────────────────────────────────────
  INVALID_INPUT: user('A value you entered is not valid.', 'Correct the highlighted field and try again.'),
  PASSPHRASE_WRONG: user('The passphrase is not correct.', 'Type the passphrase again, or reset it.'),
  COMPANION_LOCKED: user(
    'The Indicium companion is locked.',
    'Unlock it with your passphrase (`companion unlock`, or the unlock prompt in the web page).',
  ),
  NOT_REGISTERED: user(
    'This computer is not registered for a meter yet.',
    'Open the setup wizard and choose "Register this computer".',
  ),
  INSUFFICIENT_FUNDS: user(
    'The meter does not hold enough postage for this piece.',
    'Buy postage, then print again.',
  ),
  PAYMENT_DECLINED: user(
    'The card payment was declined; nothing was charged and no postage was added.',
    'Check the card details or use another card, then buy again.',
  ),
  POSTAGE_OUT_OF_LIMITS: user(
    'The postage amount is outside the limits allowed for one indicium.',
    'Check the weight and mail class; split the shipment if it is very large.',
  ),
  USER_TOTAL_EXCEEDED: user(
    'This would exceed the maximum total postage your meter administrator allows you.',
    'Ask your customer administrator to raise your limit.',
  ),
  PRIVILEGE_DENIED: user(
    'Your meter account is not allowed to do this.',
    'Ask your customer administrator to grant the permission.',
  ),
  METER_USER_EXPIRED: user(
    'Your access to this meter has expired.',
    'Ask your customer administrator to renew it.',
  ),
  METER_WITHDRAWN: user(
    'This meter has been withdrawn and can no longer print postage.',
    'Open a new meter from your account page.',
  ),
  PASSWORD_RESET_PENDING: user(
    'A passphrase reset is in progress for this meter.',
    'Complete the reset with your new passphrase before printing.',
  ),
  LOGON_FAILED: user(
    'The user id or password is not correct.',
    'Try again; the account locks after repeated failures.',
  ),
  ACCOUNT_LOCKED: user(
    'This account is locked after too many failed logons.',
    'Ask an administrator to unlock it.',
  ),
  ACCOUNT_EXPIRED: user('This account has expired.', 'Ask an administrator to extend it.'),
  PASSWORD_EXPIRED: user('The password has expired.', 'Change the password, then log on again.'),
  PASSWORD_REUSED: user(
    'That password was used recently and may not be reused.',
    'Choose a password you have not used before.',
  ),
  PASSWORD_TOO_SOON: user(
    'The password was changed too recently to change it again.',
    'Wait until the minimum password period has passed.',
  ),
  ALREADY_PRINTED: user(
    'This indicium has already been printed; printing it twice would be a duplicate.',
    'Print a new indicium, or ask for a refund of the unused one.',
  ),
  WEB_SESSION_EXPIRED: user('Your web session has ended.', 'Log in again.'),
  ACCOUNT_EXISTS: user(
    'An account with this e-mail address already exists.',
    'Log in instead, or sign up with another address.',
  ),
  TOO_MANY_ATTEMPTS: user(
    'Too many attempts in a short time.',
    'Wait for the time given in the Retry-After header, then try again.',
  ),

  // ── something is missing or mismatched in the installation ─────────────────────────────────
  EXTENSION_UNAVAILABLE: install(
    'The Indicium browser extension did not answer.',
    'Install or enable the Indicium extension, then reload the page.',
  ),
  COMPANION_UNAVAILABLE: install(
    'The Indicium companion program is not installed or could not start.',
    'Install the companion and run `companion install`, then restart the browser.',
  ),
  VERSION_MISMATCH: install(
    'Two Indicium parts speak different protocol versions.',
    'Update the part named in the error details (page, extension or companion).',
  ),
  ORIGIN_NOT_ALLOWED: install(
    'This web site is not allowed to use the Indicium companion.',
    'Use the Indicium site you installed the companion for, or add it with `companion install --origin`.',
  ),
  EXTENSION_NOT_ALLOWED: install(
    'The calling browser extension is not the one the companion was installed for.',
    'Run `companion install` again for this browser.',
  ),
  CA_NOT_PINNED: install(
    'The companion has no pinned postal CA certificate.',
    "Run `companion install --vault URL` to pin the vault's CA.",
  ),
  GATEWAY_UNREACHABLE: install(
    'The office gateway did not answer.',
    'Check that the gateway computer is on and `companion gateway` runs.',
  ),
  PAIRING_REQUIRED: install(
    'This computer is not paired with the office gateway.',
    'Run `companion interface --gateway HOST:PORT --pair`.',
  ),
  PAIRING_REVOKED: install(
    "The office gateway has revoked this computer's pairing.",
    'Ask the office administrator to pair it again.',
  ),
  PAIRING_CODE_WRONG: install(
    'The pairing code did not match.',
    'Start pairing again and compare the codes on both screens.',
  ),
  LOCAL_STORE_CORRUPT: install(
    'A file the companion keeps (its install, secrets or journal) is damaged, was altered, or others can read it.',
    'Restore the file named in the details from a backup, or run `companion install` / register this computer again.',
  ),

  // ── the printer or the output ───────────────────────────────────────────────────────────────
  PRINTER_NOT_FOUND: printer(
    'The chosen printer was not found.',
    'Pick another printer in settings, or check `lpstat -p`.',
  ),
  PRINTER_FAILED: printer(
    'The printer did not accept the job.',
    'Check the printer, then reprint from history: the indicium is kept and can be printed once more.',
  ),
  MEDIUM_UNSUPPORTED: printer(
    'That medium is not supported.',
    'Choose a #10 envelope, a 4×6 label or a US-letter sheet.',
  ),
  RENDER_FAILED: printer(
    'The indicium could not be rendered.',
    'Reprint from history; report the error id if it happens again.',
  ),

  // ── the vault or a module must be looked after by an operator ───────────────────────────────
  VAULT_UNREACHABLE: vault(
    'The Indicium vault could not be reached.',
    'Check the network connection and try again in a minute.',
  ),
  VAULT_UNAVAILABLE: vault(
    'The vault is not ready to serve requests.',
    'Try again shortly; operators: check `/readyz`.',
  ),
  VAULT_BUSY: vault('The vault is busy.', 'Try again in a few seconds.'),
  MODULE_ERROR_STATE: vault(
    'The cryptographic module is in the Error state.',
    'Operators: read the audit log, then reboot or Reset the module with `vaultctl`.',
  ),
  MODULE_SELF_TEST_FAILED: vault(
    'A cryptographic self-test failed; the module refuses all cryptographic work.',
    'Operators: take the module out of service and investigate the platform.',
  ),
  NVM_CORRUPT: vault(
    "The module's non-volatile memory failed its integrity check.",
    'Operators: the module is in Error; Reset it and clone it again from the pool.',
  ),
  CHECKPOINT_MISMATCH: vault(
    "The database checkpoint does not match the module's: the database may have been rolled back.",
    'Operators: investigate the database and recover the module with `vaultctl`.',
  ),
  AUDIT_FAILURE: vault(
    'An audit entry could not be made.',
    'Operators: the module is in Error; check the audit chain.',
  ),
  AUDIT_OUTBOX_FULL: vault(
    'The module holds as many audit entries as it may before the vault confirms it stored them; it makes no more until then.',
    'Operators: check the audit store; the vault drains the outbox (read-audit-outbox, acknowledge-audit) once it can store again.',
  ),
  MKS_MISSING: vault(
    'The module holds no active master key set.',
    'Operators: run the key ceremony with `vaultctl`.',
  ),
  STALE_PACKAGE: vault(
    'The meter record is older than the one last used: a stale or replayed database record.',
    'Operators: investigate the database; the auditor reports the meter.',
  ),
  CA_STORE_REFUSED: vault(
    'The certificate authority files cannot be used: they already exist, are incomplete, or others can read the key.',
    'Operators: check the CA directory named in the details; never replace a CA without retiring the old one.',
  ),
  MODULE_CRASHED: vault(
    'A cryptographic module stopped while it held this request; it is being restarted over its NVM.',
    'Try again; a state-changing command may or may not have taken effect, so check Get Status first.',
  ),
  OFFICER_LOCAL_ONLY: vault(
    'The officer endpoint only answers connections from the vault machine itself.',
    'Run `vaultctl` on the vault host (loopback address), or through an SSH tunnel to it.',
  ),
  VAULT_DATA_REFUSED: vault(
    "The vault's data directory cannot be used: a file is missing, malformed, or others may read a key.",
    'Operators: fix the path named in the details (mode 600 for key files); never delete module NVM to clear this.',
  ),
  JOIN_KIT_REFUSED: vault(
    'The join kit cannot be used: it is damaged, altered, or not an Indicium join kit.',
    'Operators: export a new kit on a node of the cluster (`vaultctl export-join-kit`) and copy it unchanged.',
  ),
  INTERNAL_ERROR: vault(
    'Something went wrong inside Indicium.',
    'Try again; report the error id if it persists.',
  ),

  // ── a program sent something it must not: a bug, an attack or a version skew ────────────────
  MALFORMED_REQUEST: developer(
    'The request does not match its schema.',
    'Fix the caller; the details name the field.',
  ),
  INVALID_FIELD: developer(
    'A field has a value outside its range.',
    'Fix the caller; the details name the field.',
  ),
  INDICIUM_MALFORMED: developer(
    'The indicium bytes are not a valid version 1 indicium.',
    'Rescan; the details name the bad field.',
  ),
  FRAME_MALFORMED: developer(
    'A native-messaging frame could not be read.',
    'Fix the sender: 4-byte little-endian length, then UTF-8 JSON.',
  ),
  FRAME_TOO_LARGE: developer(
    'A message is larger than the 1 MiB native-messaging limit.',
    'Send the data in smaller parts.',
  ),
  TIMEOUT: developer(
    'No answer arrived in time.',
    'Try again; if it persists, check the part that did not answer.',
  ),
  UNKNOWN_COMMAND: developer(
    'The module does not know that command.',
    'Check the command name against the protocol package.',
  ),
  WRONG_STATE: developer(
    "The command is not allowed in the module's (or meter's) current state.",
    'Check the state with Get Status; the command table lists the states each command needs.',
  ),
  ROLE_DENIED: developer(
    "The caller's role may not run this command.",
    'Log on with the role the command table names.',
  ),
  NO_SESSION: developer('The command needs an open module session.', 'Open a session first.'),
  NOT_LOGGED_ON: developer('The command needs an officer logged on.', 'Log on first.'),
  ALREADY_LOGGED_ON: developer('An officer is already logged on.', 'Log off first: one officer at a time.'),
  SESSION_BUSY: developer('A module session is already open.', 'Close it first: one session at a time.'),
  SESSION_MESSAGE_REJECTED: developer(
    'A session message was replayed, reordered or altered.',
    'Open a new session; investigate if it was not a bug.',
  ),
  MAC_INVALID: developer(
    'A message authentication code did not verify.',
    'The message was altered or the key is wrong.',
  ),
  SIGNATURE_INVALID: developer(
    'A signature did not verify.',
    'The message was altered or signed by the wrong key.',
  ),
  CHALLENGE_INVALID: developer('The challenge is not the one last issued.', 'Run Get Challenge again.'),
  CHALLENGE_EXPIRED: developer('The challenge is too old.', 'Run Get Challenge again.'),
  MESSAGE_REPLAYED: developer(
    'The signed message was already applied to this meter, or is older than one that was.',
    'Ask the provider for a fresh message; investigate if it was not a retry.',
  ),
  REGISTER_MISMATCH: developer(
    "The registers the client sent do not match the meter's.",
    'Resynchronise with Get Challenge; investigate a possible replay.',
  ),
  METER_MISMATCH: developer('The request names a different meter.', 'Fix the caller.'),
  DUPLICATE_RECORD: developer(
    'A record with this key is already stored: the request was replayed or has already been done.',
    'Look the stored record up instead of writing it again; the details name the key.',
  ),
  PACKAGE_INTEGRITY: developer(
    'The meter record failed its integrity check.',
    'Operators: the record was modified outside a module.',
  ),
  TOKEN_INVALID: developer(
    'A key token failed its integrity check or is bound to something else.',
    'Use the token made for this purpose.',
  ),
  SHARE_INVALID: developer(
    'An MKS share failed its integrity check.',
    'Export the share again from the source module.',
  ),
  SHARE_DUPLICATE: developer(
    'That MKS share was already imported.',
    'Import a share from another Key Custodian.',
  ),
  SHARES_INSUFFICIENT: developer(
    'Too few MKS shares to combine.',
    'Import the threshold number of shares first.',
  ),
  SHARE_WRONG_DESTINATION: developer(
    'The MKS share was made for another module.',
    "Export a share to this module's transport key.",
  ),
  SHARE_NOT_EXPORTABLE: developer(
    "This module's master key set is retained and may not be exported.",
    'Export from a module holding an exportable copy.',
  ),
  KEY_CHECK_FAILED: developer(
    'The combined master key set does not match its key-check value.',
    'Start importing again with valid shares.',
  ),
  CERTIFICATE_INVALID: developer(
    'A certificate did not verify or names something else.',
    'Issue a certificate for this device and key.',
  ),
  INDICIUM_MISMATCH: developer(
    'The indicium the vault returned differs from what was asked.',
    'Do not print it; report the error id.',
  ),
  LIMIT_EXCEEDED: developer(
    'A configured limit would be exceeded.',
    'Check the limits set at Initialize Crypto-Card.',
  ),
  NOT_FOUND: developer('There is nothing at this address.', 'Check the path, method and identifiers.'),
  REQUEST_TOO_LARGE: developer(
    'The request body is larger than the vault accepts.',
    'Send a smaller body; the details give the limit in bytes.',
  ),
  UNSUPPORTED_MEDIA_TYPE: developer(
    'The request body is not of a type the vault accepts.',
    'Send `Content-Type: application/json`.',
  ),
  CSRF_REJECTED: developer(
    'The request lacks a valid CSRF token or comes from another origin.',
    'Send the X-CSRF-Token header from the session answer, from the vault’s own origin.',
  ),
} satisfies Record<string, ErrorInfo>);

/** A stable error code. `switch (err.code)` narrows on it. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODES = Object.freeze(Object.keys(ERROR_CATALOG) as ErrorCode[]);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}
