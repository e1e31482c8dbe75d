import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { emptyConfig } from '../config/companion-config.js';
import { checkExtensionCaller, readExtensionCaller } from './extension-caller.js';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const config = { ...emptyConfig(), chromeExtensionIds: [ID], firefoxExtensionIds: ['indicium@example.org'] };

function refusal(args: string[]): string {
  try {
    checkExtensionCaller(args, config);
    return 'accepted';
  } catch (error) {
    return error instanceof IndiciumError ? error.code : 'other';
  }
}

describe('the calling extension (DESIGN §4.1)', () => {
  it('reads Chrome/Chromium (origin as argv[1], Windows parent window after) and Firefox (manifest path, id)', () => {
    expect(readExtensionCaller([`chrome-extension://${ID}/`])).toEqual({
      browser: 'chromium',
      extensionId: ID,
    });
    expect(readExtensionCaller([`chrome-extension://${ID}/`, '--parent-window=0'])).toEqual({
      browser: 'chromium',
      extensionId: ID,
    });
    expect(
      readExtensionCaller(['/home/u/.mozilla/native-messaging-hosts/x.json', 'indicium@example.org']),
    ).toEqual({
      browser: 'firefox',
      extensionId: 'indicium@example.org',
    });
  });

  it('accepts only the installed extensions', () => {
    expect(refusal([`chrome-extension://${ID}/`])).toBe('accepted');
    expect(refusal(['/x/manifest.json', 'indicium@example.org'])).toBe('accepted');
  });

  it('refuses anything else with EXTENSION_NOT_ALLOWED', () => {
    for (const args of [
      [],
      ['chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba/'],
      [`chrome-extension://${ID}`],
      [`chrome-extension://${ID}/x`],
      [`chrome-extension://${ID.toUpperCase()}/`],
      [`moz-extension://${ID}/`],
      ['/x/manifest.json', 'other@example.org'],
      ['/x/manifest.json'],
      ['indicium@example.org'],
    ]) {
      expect(refusal(args), JSON.stringify(args)).toBe('EXTENSION_NOT_ALLOWED');
    }
  });
});
