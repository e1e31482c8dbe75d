import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from './is-loopback-address.js';

describe('isLoopbackAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::0001',
    '::ffff:127.0.0.1',
    '::FFFF:127.1.2.3',
  ])('accepts %s', (address) => expect(isLoopbackAddress(address)).toBe(true));

  it.each([
    undefined,
    '',
    '10.0.0.1',
    '128.0.0.1',
    '0.0.0.0',
    '::',
    '::2',
    '1::1',
    '::ffff:10.0.0.1',
    'fe80::1',
    '127.0.0.1.evil',
    'localhost',
    '::ffff:7f00:1',
  ])('refuses %s', (address) => expect(isLoopbackAddress(address)).toBe(false));
});
