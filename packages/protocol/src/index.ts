/**
 * @indicium/protocol — the contracts every part of Indicium imports (DESIGN §4, §5).
 * Depends on nothing of ours. See README.md for the codec, the canonical encoding and the errors.
 */
export * from './canonical/index.js';
export * from './errors/index.js';
export * from './indicium/index.js';
export * from './module/index.js';
export * from './page-client/index.js';
export * from './schemas/index.js';
