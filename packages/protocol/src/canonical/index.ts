export * from './canonical-encoding.js';
export * from './canonical-layout.js';
