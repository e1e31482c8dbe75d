export * from './call-timeouts.js';
export * from './create-page-client.js';
export * from './detect-setup.js';
export * from './page-window.js';
export * from './random-request-id.js';
