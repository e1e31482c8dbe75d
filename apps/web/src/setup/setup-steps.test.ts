import type { SetupStateName } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { setupStepFor } from './setup-steps.js';

const ORIGIN = 'https://localhost:8443';
const STATES: readonly SetupStateName[] = [
  'no-extension',
  'no-companion',
  'origin-not-allowed',
  'update-needed',
  'not-registered',
  'locked',
  'ready',
];

describe('setupStepFor (DESIGN §8: the wizard tells the states apart)', () => {
  it('gives every state its own title and a next step; only ready is done', () => {
    const steps = STATES.map((state) => setupStepFor(state, ORIGIN));
    expect(new Set(steps.map((s) => s.title)).size).toBe(STATES.length);
    for (const step of steps) expect(step.explanation.length).toBeGreaterThan(20);
    expect(steps.filter((s) => s.done).map((s) => s.title)).toEqual(['Ready to print']);
  });

  it('sends each state to the action that clears it', () => {
    expect(setupStepFor('no-extension', ORIGIN).action).toBe('reload');
    expect(setupStepFor('no-companion', ORIGIN).action).toBe('reload');
    expect(setupStepFor('not-registered', ORIGIN).action).toBe('register');
    expect(setupStepFor('locked', ORIGIN).action).toBe('unlock');
    expect(setupStepFor('ready', ORIGIN).action).toBe('print');
  });

  it('names this site in the companion install command', () => {
    const [command] = setupStepFor('no-companion', ORIGIN).commands;
    expect(command).toContain('install');
    expect(command).toContain(`--origin ${ORIGIN}`);
    expect(command).toContain(`--vault ${ORIGIN}`);
    // The postal CA is pinned by a fingerprint given out of band, never one this page supplies.
    expect(command).toContain('--ca-fingerprint <postal CA SHA-256 fingerprint>');
    expect(setupStepFor('no-companion', 'https://meter.example').commands[0]).toContain(
      '--origin https://meter.example',
    );
  });
});
