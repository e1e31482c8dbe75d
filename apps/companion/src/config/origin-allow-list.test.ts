import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { checkOrigin, normalizeOrigin } from './origin-allow-list.js';

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return error instanceof IndiciumError ? `${error.code}:${error.field}` : 'other';
  }
}

describe('origins (DESIGN §4.1)', () => {
  it('normalises an install origin to the browser serialisation', () => {
    expect(normalizeOrigin('https://Meter.Example/')).toBe('https://meter.example');
    expect(normalizeOrigin('https://meter.example:443')).toBe('https://meter.example');
    expect(normalizeOrigin('https://localhost:8443')).toBe('https://localhost:8443');
  });

  it('refuses http, paths, queries, fragments, user info and over-long text at install', () => {
    for (const text of [
      'http://meter.example',
      'https://meter.example/print',
      'https://meter.example?x=1',
      'https://meter.example#x',
      'https://user@meter.example',
      'meter.example',
      `https://${'a'.repeat(250)}.example`,
    ]) {
      expect(
        codeOf(() => normalizeOrigin(text)),
        text,
      ).toBe('INVALID_INPUT:origin');
    }
  });

  it('matches a forwarded origin exactly: scheme, host and port', () => {
    const allow = ['https://meter.example', 'https://localhost:8443'];
    expect(checkOrigin('https://localhost:8443', allow)).toBe('https://localhost:8443');
    for (const origin of [
      'https://localhost:8444',
      'https://localhost',
      'http://meter.example',
      'https://meter.example/',
      'https://METER.example',
      'https://sub.meter.example',
      null,
      7,
    ]) {
      expect(
        codeOf(() => checkOrigin(origin, allow)),
        String(origin),
      ).toBe('ORIGIN_NOT_ALLOWED:origin');
    }
  });

  it('a hand-edited allow-list entry that is not an https origin still matches nothing', () => {
    expect(codeOf(() => checkOrigin('http://meter.example', ['http://meter.example']))).toBe(
      'ORIGIN_NOT_ALLOWED:origin',
    );
  });
});
