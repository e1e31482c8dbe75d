/** Set by the build (esbuild `define`): the exact origins allowed to use the extension (DESIGN §4.1). */
declare const __INDICIUM_ALLOWED_ORIGINS__: readonly string[];

export const ALLOWED_ORIGINS: readonly string[] = Object.freeze([...__INDICIUM_ALLOWED_ORIGINS__]);
