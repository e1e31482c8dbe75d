import { join } from 'node:path';
import { NATIVE_HOST_NAME } from '@indicium/protocol';

export const BROWSERS = Object.freeze(['chrome', 'chromium', 'firefox'] as const);
export type Browser = (typeof BROWSERS)[number];

const DESCRIPTION = 'Indicium companion: holds your meter key and prints postage indicia';

/**
 * The host manifest a Chromium-family browser reads (DESIGN §4.1, §7): `allowed_origins` lists the
 * extension's origin exactly, `chrome-extension://<id>/`, and nothing else.
 */
export function chromiumManifest(launcher: string, extensionIds: readonly string[]) {
  return {
    name: NATIVE_HOST_NAME,
    description: DESCRIPTION,
    path: launcher,
    type: 'stdio',
    allowed_origins: extensionIds.map((id) => `chrome-extension://${id}/`),
  };
}

/** Firefox's host manifest: the add-on ids in `allowed_extensions`. */
export function firefoxManifest(launcher: string, extensionIds: readonly string[]) {
  return {
    name: NATIVE_HOST_NAME,
    description: DESCRIPTION,
    path: launcher,
    type: 'stdio',
    allowed_extensions: [...extensionIds],
  };
}

/** Where one manifest goes. */
export interface ManifestTarget {
  readonly browser: Browser;
  readonly file: string;
}

/**
 * The per-user locations on Linux, or, with `profileDir`, a Chromium user-data directory's own
 * `NativeMessagingHosts/` (Chromium reads it before the per-user one: tests and portable profiles).
 */
export function manifestTargets(
  home: string,
  browsers: readonly Browser[],
  profileDir?: string,
): ManifestTarget[] {
  const file = `${NATIVE_HOST_NAME}.json`;
  if (profileDir !== undefined) {
    return [{ browser: 'chromium', file: join(profileDir, 'NativeMessagingHosts', file) }];
  }
  const dirs: Record<Browser, string> = {
    chrome: join(home, '.config', 'google-chrome', 'NativeMessagingHosts'),
    chromium: join(home, '.config', 'chromium', 'NativeMessagingHosts'),
    firefox: join(home, '.mozilla', 'native-messaging-hosts'),
  };
  return browsers.map((browser) => ({ browser, file: join(dirs[browser], file) }));
}
