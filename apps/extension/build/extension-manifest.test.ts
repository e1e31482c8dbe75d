import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_EXTENSION_ID, DEVELOPMENT_PUBLIC_KEY, FIREFOX_EXTENSION_ID } from './development-key.js';
import { extensionIdFromKey } from './extension-id.js';
import { extensionManifest } from './extension-manifest.js';

const options = { version: '1.2.3', allowedOrigins: ['https://localhost:8443', 'https://meter.example'] };

describe('manifests from one source (DESIGN §8)', () => {
  it('Chrome: service worker and the development key; no Firefox settings', () => {
    const chrome = extensionManifest('chrome', options);
    expect(chrome.manifest_version).toBe(3);
    expect(chrome.background).toEqual({ service_worker: 'background.js' });
    expect(chrome.key).toBe(DEVELOPMENT_PUBLIC_KEY);
    expect(chrome).not.toHaveProperty('browser_specific_settings');
  });

  it('Firefox: background scripts and the gecko id; no key', () => {
    const firefox = extensionManifest('firefox', options);
    expect(firefox.background).toEqual({ scripts: ['background.js'] });
    expect(firefox).not.toHaveProperty('key');
    expect(firefox.browser_specific_settings).toMatchObject({ gecko: { id: FIREFOX_EXTENSION_ID } });
  });

  it('both: native messaging only, a top-frame content script on the allow-listed hosts, the popup', () => {
    for (const target of ['chrome', 'firefox'] as const) {
      const manifest = extensionManifest(target, options);
      expect(manifest.permissions).toEqual(['nativeMessaging']);
      expect(manifest).not.toHaveProperty('host_permissions');
      expect(manifest.content_scripts).toEqual([
        {
          matches: ['https://localhost/*', 'https://meter.example/*'],
          js: ['content.js'],
          run_at: 'document_start',
          all_frames: false,
        },
      ]);
      expect(manifest.action).toEqual({ default_title: 'Indicium', default_popup: 'popup.html' });
      expect(manifest.version).toBe('1.2.3');
    }
  });
});

describe('the development id', () => {
  it('is the id Chrome derives from the manifest key (SHA-256 of the SPKI, hex as a–p)', () => {
    expect(extensionIdFromKey(DEVELOPMENT_PUBLIC_KEY)).toBe(DEVELOPMENT_EXTENSION_ID);
  });

  it('the key is a 2048-bit RSA public key and the repository holds no private key', () => {
    const key = createPublicKey({
      key: Buffer.from(DEVELOPMENT_PUBLIC_KEY, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('changes with any change to the key', () => {
    const bytes = Buffer.from(DEVELOPMENT_PUBLIC_KEY, 'base64');
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 1;
    expect(extensionIdFromKey(bytes.toString('base64'))).not.toBe(DEVELOPMENT_EXTENSION_ID);
    expect(extensionIdFromKey(bytes.toString('base64'))).toMatch(/^[a-p]{32}$/);
  });
});
