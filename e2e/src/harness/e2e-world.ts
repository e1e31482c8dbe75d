import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { buildExtension } from './build-extension.js';
import { buildWeb } from './build-web.js';
import { type InstalledCompanion, installCompanion } from './install-companion.js';
import { launchBrowser } from './launch-browser.js';
import { attachVault, type RunningVault, startVault } from './start-vault.js';

/** Everything one e2e file runs against: a real vault, the real extension in Chromium, the real companion. */
export interface E2eWorld {
  readonly root: string;
  readonly vault: RunningVault;
  readonly context: BrowserContext;
  readonly userDataDir: string;
  /** Installs the companion into the running browser's profile (Chromium reads the manifest on connect). */
  installCompanion(): Promise<InstalledCompanion>;
  close(): Promise<void>;
}

/** A vault already running, instead of a temporary one. */
export interface ExistingVault {
  readonly url: string;
  readonly tlsCaFile: string;
}

/**
 * Builds the web UI, starts a vault on a temporary data directory (or attaches to a running one),
 * builds the extension for the vault's exact origin and launches Chromium with it. The companion
 * is not installed yet, so a test can see the wizard's "no companion" state first.
 */
export async function openE2eWorld(name: string, existing?: ExistingVault): Promise<E2eWorld> {
  const root = await mkdtemp(join(tmpdir(), `indicium-e2e-${name}-`));
  await buildWeb();
  const vault =
    existing === undefined
      ? await startVault(join(root, 'vault'))
      : await attachVault(existing.url, existing.tlsCaFile, root);
  try {
    const extensionDir = await buildExtension(join(root, 'extension'), [vault.url]);
    const userDataDir = join(root, 'profile');
    const context = await launchBrowser({ userDataDir, extensionDir });
    return {
      root,
      vault,
      context,
      userDataDir,
      installCompanion: () =>
        installCompanion({
          root,
          userDataDir,
          origin: vault.url,
          vaultUrl: vault.url,
          postalCaFile: vault.postalCaFile,
          tlsCaFile: vault.tlsCaFile,
        }),
      async close() {
        await context.close();
        await vault.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await vault.stop();
    throw error;
  }
}
