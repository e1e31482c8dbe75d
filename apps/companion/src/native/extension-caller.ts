import { IndiciumError } from '@indicium/protocol';
import {
  ChromeExtensionIdSchema,
  type CompanionConfig,
  FirefoxExtensionIdSchema,
} from '../config/companion-config.js';

/** The extension that started this host, as the browser told it in argv. */
export type ExtensionCaller =
  | { readonly browser: 'chromium'; readonly extensionId: string }
  | { readonly browser: 'firefox'; readonly extensionId: string };

/**
 * Reads the caller from the host's arguments (DESIGN §4.1). Chrome and Chromium pass the calling
 * extension's origin, `chrome-extension://<id>/`, as the first argument (on Windows a
 * `--parent-window` follows); Firefox passes the path of the host manifest, then the add-on id.
 * Anything else is no caller at all.
 */
export function readExtensionCaller(args: readonly string[]): ExtensionCaller | undefined {
  const first = args[0];
  if (first === undefined) return undefined;
  const chrome = /^chrome-extension:\/\/([a-p]{32})\/$/.exec(first);
  if (chrome?.[1] !== undefined) return { browser: 'chromium', extensionId: chrome[1] };
  const second = args[1];
  if (first.endsWith('.json') && second !== undefined && FirefoxExtensionIdSchema.safeParse(second).success) {
    return { browser: 'firefox', extensionId: second };
  }
  return undefined;
}

/**
 * The companion answers only the extension it was installed for: the browser already enforces the
 * manifest's allowed_origins / allowed_extensions, and this check stands on its own in case the
 * manifest was edited or another program starts the host. EXTENSION_NOT_ALLOWED otherwise.
 */
export function checkExtensionCaller(args: readonly string[], config: CompanionConfig): ExtensionCaller {
  const caller = readExtensionCaller(args);
  const allowed =
    caller !== undefined &&
    (caller.browser === 'chromium'
      ? ChromeExtensionIdSchema.safeParse(caller.extensionId).success &&
        config.chromeExtensionIds.includes(caller.extensionId)
      : config.firefoxExtensionIds.includes(caller.extensionId));
  if (!allowed || caller === undefined) {
    throw new IndiciumError('EXTENSION_NOT_ALLOWED', {
      details: { caller: caller === undefined ? null : `${caller.browser}:${caller.extensionId}` },
    });
  }
  return caller;
}
