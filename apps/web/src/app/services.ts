import type { PageClient, SessionAnswer } from '@indicium/protocol';
import { createContext, useContext } from 'react';
import type { VaultClient } from '../api/vault-client.js';

/** What every page uses: the vault account API, the page client (extension → companion), the session. */
export interface Services {
  readonly vault: VaultClient;
  readonly page: PageClient;
  /** This page's origin, named in install instructions. */
  readonly origin: string;
  readonly session: SessionAnswer | null;
  readonly setSession: (session: SessionAnswer | null) => void;
  readonly navigate: (path: string) => void;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (services === null) throw new Error('useServices outside <ServicesContext>');
  return services;
}
