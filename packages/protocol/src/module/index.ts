/** The vault ↔ crypto-module contract (DESIGN §3): envelopes, sessions, status, audit, officer bodies. */
export * from './accept-create-indicium-body.js';
export * from './accept-module-request.js';
export * from './audit-entry.js';
export * from './module-bytes.js';
export * from './module-commands.js';
export * from './module-envelope.js';
export * from './module-outcome.js';
export * from './module-state.js';
export * from './module-status.js';
export * from './officer-messages.js';
export * from './officer-role.js';
export * from './psd-commands.js';
export * from './psd-users.js';
export * from './session-messages.js';
