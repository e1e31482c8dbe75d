import type { IndiciumError, SetupState } from '@indicium/protocol';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { AppLink } from '../app/app-link.js';
import { asIndiciumError } from '../app/as-indicium-error.js';
import { ErrorNotice } from '../app/error-notice.js';
import { PageHeading } from '../app/page-heading.js';
import { useServices } from '../app/services.js';
import { TextField } from '../app/text-field.js';
import { setupStepFor } from './setup-steps.js';

const STEP_ORDER = ['Extension', 'Companion', 'Registered', 'Unlocked'] as const;

/** How far along the four steps a state is (for the step list). */
function stepsDone(state: SetupState['state']): number {
  switch (state) {
    case 'no-extension':
      return 0;
    case 'no-companion':
    case 'origin-not-allowed':
    case 'update-needed':
      return 1;
    case 'not-registered':
      return 2;
    case 'locked':
      return 3;
    case 'ready':
      return 4;
  }
}

/**
 * The setup wizard (DESIGN §8): asks the companion through the page client where this computer
 * stands, and shows one next step for each state — no extension, no companion, site not allowed,
 * update needed, not registered, locked, ready.
 */
export function SetupPage() {
  const { page, origin } = useServices();
  const [setup, setSetup] = useState<SetupState | null>(null);
  const [error, setError] = useState<IndiciumError | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);

  const check = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      setSetup(await page.detect());
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
    }
  }, [page]);

  useEffect(() => {
    void check();
  }, [check]);

  const unlock = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await page.call('unlock', { passphrase });
      setPassphrase('');
      setSetup(await page.detect());
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
    }
  };

  const lock = async () => {
    setBusy(true);
    setError(null);
    try {
      await page.call('lock', {});
      setSetup(await page.detect());
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
    }
  };

  const step = setup === null ? null : setupStepFor(setup.state, origin);
  const done = setup === null ? 0 : stepsDone(setup.state);
  return (
    <section>
      <PageHeading>Set up this computer</PageHeading>
      <ol className="steps" aria-label="Setup progress">
        {STEP_ORDER.map((name, index) => (
          <li key={name} className={index < done ? 'step-done' : 'step-open'}>
            {name}: {index < done ? 'done' : 'not yet'}
          </li>
        ))}
      </ol>
      <div role="status" aria-live="polite" className="wizard-state" data-state={setup?.state ?? 'checking'}>
        {setup === null || step === null ? (
          <p>{busy ? 'Checking this computer…' : 'Not checked yet.'}</p>
        ) : (
          <>
            <h2>{step.title}</h2>
            <p>{step.explanation}</p>
            {'error' in setup ? <p className="hint">{setup.nextStep}</p> : null}
            {setup.state === 'update-needed' && setup.error.details !== undefined ? (
              <p>Update: {String(setup.error.details.update ?? 'see the details')}</p>
            ) : null}
          </>
        )}
      </div>
      {step !== null && step.commands.length > 0 ? (
        <div className="commands">
          <p>Run in a terminal on this computer:</p>
          {step.commands.map((command) => (
            <pre key={command}>
              <code>{command}</code>
            </pre>
          ))}
        </div>
      ) : null}
      {step?.action === 'unlock' ? (
        <form onSubmit={unlock} aria-busy={busy}>
          <TextField
            label="Companion passphrase"
            name="passphrase"
            type="password"
            value={passphrase}
            onChange={setPassphrase}
            required
            autoComplete="current-password"
          />
          <button type="submit" disabled={busy}>
            Unlock
          </button>
        </form>
      ) : null}
      {step?.action === 'register' ? (
        <p>
          <AppLink to="/register">Register this computer</AppLink>
        </p>
      ) : null}
      {step?.action === 'print' ? (
        <>
          <p className="actions">
            <AppLink to="/print">Print postage</AppLink> <AppLink to="/buy">Buy postage</AppLink>
          </p>
          <p>
            <button type="button" className="secondary" onClick={() => void lock()} disabled={busy}>
              Lock the companion
            </button>
          </p>
        </>
      ) : null}
      <ErrorNotice error={error} />
      <button type="button" className="secondary" onClick={() => void check()} disabled={busy}>
        Check again
      </button>
    </section>
  );
}
