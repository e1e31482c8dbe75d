import type { IndiciumError, MeterSummary } from '@indicium/protocol';
import { useCallback, useEffect, useState } from 'react';
import { asIndiciumError } from './as-indicium-error.js';
import { useServices } from './services.js';

/** The customer's meters from the vault (balance = DR), reloaded after anything that moves value. */
export function useMeters(): {
  meters: readonly MeterSummary[] | null;
  error: IndiciumError | null;
  reload: () => Promise<void>;
} {
  const { vault } = useServices();
  const [meters, setMeters] = useState<readonly MeterSummary[] | null>(null);
  const [error, setError] = useState<IndiciumError | null>(null);
  const reload = useCallback(async () => {
    try {
      setMeters((await vault.meters()).meters);
      setError(null);
    } catch (caught) {
      setError(asIndiciumError(caught));
    }
  }, [vault]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { meters, error, reload };
}
