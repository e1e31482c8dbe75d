import type { Store } from '../../store/store.js';

/** What the public routes read (DESIGN §5): the postal CA and meter certificates by serial. */
export interface CertificateSource {
  /** The postal CA certificate, PEM: the root every meter certificate chains to. */
  readonly postalCaPem: string;
  readonly certificates: Pick<Store['certificates'], 'get'>;
}
