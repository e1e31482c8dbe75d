import type { IndiciumError } from '@indicium/protocol';
import { useCallback, useState } from 'react';
import { asIndiciumError } from './as-indicium-error.js';

/**
 * The busy flag and typed error of one user action (a form submit): `run` clears the last error,
 * marks the form busy (so it cannot be sent twice), and keeps whatever the action throws as an
 * IndiciumError for `ErrorNotice` to show with its next step.
 */
export function useAction(): {
  readonly busy: boolean;
  readonly error: IndiciumError | null;
  run(action: () => Promise<void>): Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IndiciumError | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
