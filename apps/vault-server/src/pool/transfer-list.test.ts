import { describe, expect, it } from 'vitest';
import { transferListOf } from './transfer-list.js';

describe('transferListOf', () => {
  it('moves a large whole buffer and leaves small or shared ones alone', () => {
    const big = new Uint8Array(64 * 1024);
    const small = Buffer.from('abc');
    const slice = new Uint8Array(new ArrayBuffer(200 * 1024), 10, 100 * 1024);
    expect(transferListOf({ a: { b: big }, small, slice, text: 'x' })).toEqual([big.buffer]);
    expect(transferListOf({ command: 'get-status', body: { nonce: 'AAAA' } })).toEqual([]);
    expect(transferListOf(null)).toEqual([]);
  });
});
