export * from './open-token.js';
export * from './seal-token.js';
export * from './token-format.js';
export * from './translate-token.js';
