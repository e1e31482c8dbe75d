import { contentScriptMatches } from './allowed-origins.js';
import { DEVELOPMENT_PUBLIC_KEY, FIREFOX_EXTENSION_ID } from './development-key.js';

export type BrowserTarget = 'chrome' | 'firefox';

export interface ManifestOptions {
  readonly version: string;
  readonly allowedOrigins: readonly string[];
}

/**
 * The MV3 manifest for one browser, from one source (DESIGN §8). Chrome runs the background as a
 * service worker and takes `key` for a stable development id; Firefox runs `background.scripts`
 * and names the add-on in `browser_specific_settings.gecko`. Everything else is shared.
 *
 * Permissions stay minimal: `nativeMessaging` only. The content script needs no host permission,
 * and it runs in the top frame only (`all_frames: false`), from document start, so its listener
 * exists before any page script can post.
 */
export function extensionManifest(target: BrowserTarget, options: ManifestOptions): Record<string, unknown> {
  const common = {
    manifest_version: 3,
    name: 'Indicium',
    short_name: 'Indicium',
    version: options.version,
    description: 'Connects the Indicium postage web page to the Indicium companion on this computer.',
    icons: { '48': 'icons/icon-48.png', '128': 'icons/icon-128.png' },
    permissions: ['nativeMessaging'],
    content_scripts: [
      {
        matches: contentScriptMatches(options.allowedOrigins),
        js: ['content.js'],
        run_at: 'document_start',
        all_frames: false,
      },
    ],
    action: { default_title: 'Indicium', default_popup: 'popup.html' },
  };
  if (target === 'chrome') {
    return { ...common, key: DEVELOPMENT_PUBLIC_KEY, background: { service_worker: 'background.js' } };
  }
  return {
    ...common,
    background: { scripts: ['background.js'] },
    browser_specific_settings: {
      gecko: {
        id: FIREFOX_EXTENSION_ID,
        strict_min_version: '142.0',
        data_collection_permissions: { required: ['none'] },
      },
    },
  };
}
