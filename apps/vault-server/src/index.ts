/**
 * @indicium/vault-server — the vault of DESIGN §6. Today it holds its certificate authority library;
 * the HTTPS server, module pool and services come on top of it. See README.md.
 */
export * from './ca/index.js';
