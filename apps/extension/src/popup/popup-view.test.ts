import { ERROR_CATALOG, IndiciumError, toWireError, type WireErrorMessage } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { popupViewOfError, popupViewOfStatus } from './popup-view.js';

const meter = { meterId: '00042-00001-0000001001', userId: 'alice' };

describe('popup view (DESIGN §8)', () => {
  it('ready: companion, vault and meters, no next step', () => {
    const view = popupViewOfStatus({
      companionVersion: '1.2.3',
      locked: false,
      registrations: [meter],
      vault: 'reachable',
    });
    expect(view).toEqual({
      summary: 'Ready',
      companion: 'Connected, version 1.2.3',
      vault: 'Reachable',
      meters: '00042-00001-0000001001 (alice)',
      nextStep: null,
    });
  });

  it('locked and not registered each have their next step', () => {
    const locked = popupViewOfStatus({
      companionVersion: '1.2.3',
      locked: true,
      registrations: [meter],
      vault: 'unreachable',
    });
    expect(locked.summary).toBe('Locked');
    expect(locked.companion).toBe('Connected, version 1.2.3, locked');
    expect(locked.vault).toBe('Not reachable');
    expect(locked.nextStep).toMatch(/Unlock/);
    const fresh = popupViewOfStatus({
      companionVersion: '1.2.3',
      locked: true,
      registrations: [],
      vault: 'not-configured',
    });
    expect(fresh.summary).toBe('Not registered');
    expect(fresh.nextStep).toMatch(/Register this computer/);
  });

  it('an error shows its code, message and next step', () => {
    const wire = toWireError(new IndiciumError('COMPANION_UNAVAILABLE')) as WireErrorMessage;
    const view = popupViewOfError(wire);
    expect(view.companion).toBe('Not available');
    expect(view.summary).toContain('COMPANION_UNAVAILABLE');
    expect(view.nextStep).toBe(ERROR_CATALOG.COMPANION_UNAVAILABLE.nextStep);
  });
});
