import { createPageClient, type PageWindow } from '@indicium/protocol';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createVaultClient } from './api/vault-client.js';
import { App } from './app/app.js';

/** The web UI's composition root (DESIGN §8): one vault client, one page client, one React root. */
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
const vault = createVaultClient({ fetch: (url, init) => window.fetch(url, init) });
const page = createPageClient({ window: window as unknown as PageWindow });
createRoot(root).render(
  <StrictMode>
    <App vault={vault} page={page} origin={window.location.origin} />
  </StrictMode>,
);
