/**
 * @indicium/companion — the program beside the browser (DESIGN §7). Today: its indicium renderer.
 * See README.md.
 */
export * from './render/index.js';
