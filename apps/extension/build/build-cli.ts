/**
 * `npm run build -w @indicium/extension`: builds `dist/chrome` and `dist/firefox`. The allow-list
 * comes from INDICIUM_ALLOWED_ORIGINS (comma-separated https origins), default https://localhost:8443.
 */
import { parseAllowedOrigins } from './allowed-origins.js';
import { buildExtension, DEFAULT_OUT_DIR } from './build-extension.js';
import { DEVELOPMENT_EXTENSION_ID } from './development-key.js';

const allowedOrigins = parseAllowedOrigins(process.env.INDICIUM_ALLOWED_ORIGINS);
const built = await buildExtension({
  outDir: process.env.INDICIUM_EXTENSION_OUT ?? DEFAULT_OUT_DIR,
  allowedOrigins,
});
process.stdout.write(
  `Built the Indicium extension for ${allowedOrigins.join(', ')}\n` +
    `  Chrome/Chromium: ${built.chrome} (id ${DEVELOPMENT_EXTENSION_ID})\n` +
    `  Firefox:         ${built.firefox}\n`,
);
