import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { isOwnPopup, type PortSender, pageOriginOf } from './page-sender.js';

const OWN_ID = 'cgmdonginiikpoindfahfnaokakjjmln';
const ALLOWED = ['https://localhost:8443', 'https://meter.example'];
const top: PortSender = {
  id: OWN_ID,
  origin: 'https://localhost:8443',
  url: 'https://localhost:8443/print',
  frameId: 0,
  tab: { id: 7 },
};

function refusal(sender: PortSender | undefined): IndiciumError {
  try {
    pageOriginOf(sender, OWN_ID, ALLOWED);
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected ORIGIN_NOT_ALLOWED');
}

describe('pageOriginOf: the origin comes from the browser, never the page (DESIGN §4.1)', () => {
  it('accepts the top frame of an allow-listed https origin', () => {
    expect(pageOriginOf(top, OWN_ID, ALLOWED)).toBe('https://localhost:8443');
    expect(
      pageOriginOf(
        { ...top, origin: 'https://meter.example', url: 'https://meter.example/' },
        OWN_ID,
        ALLOWED,
      ),
    ).toBe('https://meter.example');
  });

  it('falls back to the URL’s origin where the browser gives no `origin` (Firefox)', () => {
    expect(pageOriginOf({ ...top, origin: undefined }, OWN_ID, ALLOWED)).toBe('https://localhost:8443');
  });

  it.each<[string, PortSender | undefined]>([
    ['no sender', undefined],
    ['another extension', { ...top, id: 'abcdefghijklmnopabcdefghijklmnop' }],
    ['no tab', { ...top, tab: undefined }],
    ['an iframe', { ...top, frameId: 3 }],
    ['no frame id', { ...top, frameId: undefined }],
    [
      'another port on the same host',
      { ...top, origin: 'https://localhost:9443', url: 'https://localhost:9443/' },
    ],
    ['the default port of the host', { ...top, origin: 'https://localhost', url: 'https://localhost/' }],
    ['plain http', { ...top, origin: 'http://localhost:8443', url: 'http://localhost:8443/' }],
    ['an opaque (sandboxed) origin', { ...top, origin: 'null' }],
    [
      'a look-alike host',
      { ...top, origin: 'https://meter.example.evil.test', url: 'https://meter.example.evil.test/' },
    ],
    ['no origin at all', { ...top, origin: undefined, url: undefined }],
  ])('refuses %s with ORIGIN_NOT_ALLOWED', (_name, sender) => {
    const error = refusal(sender);
    expect(error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(error.field).toBe('origin');
  });

  it('trusts sender.origin over the URL (a sandboxed page keeps its URL but has an opaque origin)', () => {
    expect(refusal({ ...top, origin: 'null', url: 'https://localhost:8443/' }).code).toBe(
      'ORIGIN_NOT_ALLOWED',
    );
  });

  it('names the refused origin in the details', () => {
    expect(refusal({ ...top, origin: 'https://localhost:9443' }).details).toEqual({
      origin: 'https://localhost:9443',
    });
  });
});

describe('isOwnPopup', () => {
  const popupUrl = `chrome-extension://${OWN_ID}/popup.html`;
  it('accepts only our own popup page', () => {
    expect(isOwnPopup({ id: OWN_ID, url: popupUrl }, OWN_ID, popupUrl)).toBe(true);
    expect(isOwnPopup({ id: OWN_ID, url: popupUrl, tab: { id: 3 }, frameId: 0 }, OWN_ID, popupUrl)).toBe(
      true,
    );
    expect(isOwnPopup({ ...top }, OWN_ID, popupUrl)).toBe(false);
    expect(isOwnPopup({ id: 'abcdefghijklmnopabcdefghijklmnop', url: popupUrl }, OWN_ID, popupUrl)).toBe(
      false,
    );
    expect(isOwnPopup(undefined, OWN_ID, popupUrl)).toBe(false);
  });
});
