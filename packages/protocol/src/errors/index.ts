export * from './error-catalog.js';
export * from './indicium-error.js';
