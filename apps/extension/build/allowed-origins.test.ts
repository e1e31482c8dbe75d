import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { contentScriptMatches, DEFAULT_ALLOWED_ORIGINS, parseAllowedOrigins } from './allowed-origins.js';

function refusal(text: string): IndiciumError {
  try {
    parseAllowedOrigins(text);
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected a refusal');
}

describe('the build-time allow-list (DESIGN §4.1)', () => {
  it('defaults to the development vault', () => {
    expect(parseAllowedOrigins(undefined)).toEqual(['https://localhost:8443']);
    expect(parseAllowedOrigins('  ')).toBe(DEFAULT_ALLOWED_ORIGINS);
  });

  it('reads a comma-separated list of exact https origins', () => {
    expect(parseAllowedOrigins('https://meter.example, https://localhost:8443')).toEqual([
      'https://meter.example',
      'https://localhost:8443',
    ]);
  });

  it.each([
    'http://localhost:8443',
    'https://localhost:8443/',
    'https://meter.example/print',
    'https://Meter.Example',
    'https://meter.example:443',
    'https://user@meter.example',
    '*',
    'https://meter.example,https://meter.example',
  ])('refuses %s (INVALID_INPUT, field origins)', (text) => {
    const error = refusal(text);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('origins');
  });

  it('match patterns cover each host once, without the port (which the background checks)', () => {
    expect(
      contentScriptMatches(['https://localhost:8443', 'https://localhost:9443', 'https://meter.example']),
    ).toEqual(['https://localhost/*', 'https://meter.example/*']);
  });
});
