import { describe, expect, it } from 'vitest';
import type { MeterKeys } from './meter-keys.js';
import { PackageCache, type VerifiedPackage } from './package-cache.js';
import type { PsdPackage } from './psd-package.js';

// Only the meter id matters to the cache; the rest of a package is carried as is.
const keys = {} as MeterKeys;
const entry = (meterId: string, packageVersion: number): VerifiedPackage => ({
  pkg: { meterId, packageVersion } as PsdPackage,
  keys,
});

describe('PackageCache', () => {
  it('keeps the newest text of each meter and forgets its older ones', () => {
    const cache = new PackageCache(8);
    const v1 = entry('M-1', 1);
    const v2 = entry('M-1', 2);
    cache.set('text-1', v1);
    expect(cache.get('text-1')).toBe(v1);
    cache.set('text-2', v2);
    expect(cache.get('text-2')).toBe(v2);
    expect(cache.get('text-1')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('keeps one package per meter for many meters, and the same text set twice stays', () => {
    const cache = new PackageCache(8);
    const a = entry('M-A', 1);
    const b = entry('M-B', 1);
    cache.set('a', a);
    cache.set('b', b);
    cache.set('a', a);
    expect(cache.get('a')).toBe(a);
    expect(cache.get('b')).toBe(b);
    expect(cache.size).toBe(2);
  });

  it('is bounded: the least recently used meter goes first', () => {
    const cache = new PackageCache(2);
    cache.set('a', entry('M-A', 1));
    cache.set('b', entry('M-B', 1));
    cache.get('a');
    cache.set('c', entry('M-C', 1));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });
});
