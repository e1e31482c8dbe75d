import { describe, expect, it } from 'vitest';
import * as protocol from '../index.js';

/**
 * Every canonical layout the package exports (schemas, module contract, anything added later):
 * a label names exactly one message, or a MAC made for one message could verify as another.
 */
function exportedLayouts(): [string, { label: string }][] {
  const out: [string, { label: string }][] = [];
  for (const [name, value] of Object.entries(protocol as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue;
    const candidate = value as { label?: unknown; encode?: unknown };
    if (typeof candidate.label === 'string' && typeof candidate.encode === 'function') {
      out.push([name, { label: candidate.label }]);
    }
  }
  return out;
}

describe('canonical layout labels', () => {
  const layouts = exportedLayouts();

  it('finds the layouts of every boundary', () => {
    const names = layouts.map(([name]) => name);
    for (const expected of [
      'CreateIndiciumRequestMac',
      'CreateIndiciumAnswerMac',
      'GetChallengeRequestMac',
      'ValueDownloadSig',
      'RegistrationKeyBundleSig',
      'ClientSecretsPlaintext',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('are unique across the package', () => {
    const byLabel = new Map<string, string[]>();
    for (const [name, layout] of layouts)
      byLabel.set(layout.label, [...(byLabel.get(layout.label) ?? []), name]);
    const duplicates = [...byLabel].filter(([, names]) => names.length > 1);
    expect(duplicates).toEqual([]);
  });

  it('follow indicium/<area>/<message>/v<N>', () => {
    for (const [name, layout] of layouts) {
      expect(layout.label, name).toMatch(/^indicium\/[a-z0-9-]+(\/[a-z0-9-]+)+\/v[1-9][0-9]*$/);
    }
  });
});
