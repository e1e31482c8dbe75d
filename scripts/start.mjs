#!/usr/bin/env node
// `npm start`: the product on embedded defaults (DESIGN §6, issue 7). Builds the web UI and the
// extension when their sources changed, starts the vault (SQLite, local development CA, first-run
// key ceremony), installs the companion's native-messaging manifests for this user's Chrome and
// Chromium pinned to this vault, then says how to load the extension. Flags after `--` go to the
// vault (`npm start -- --port 9443`). Ctrl-C stops the vault gracefully.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const EXTENSION_ID = 'cgmdonginiikpoindfahfnaokakjjmln';
const vaultArgs = process.argv.slice(2);

function flag(name, fallback) {
  const i = vaultArgs.indexOf(`--${name}`);
  return i >= 0 && i + 1 < vaultArgs.length ? vaultArgs[i + 1] : fallback;
}
const port = Number(flag('port', process.env.INDICIUM_PORT ?? '8443'));
const dataDir = resolve(
  flag('data-dir', process.env.INDICIUM_DATA_DIR ?? join(homedir(), '.indicium', 'vault')),
);
const url = `https://localhost:${port}`;

/** Newest modification time under `dir` (sources only). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function buildIfStale(workspace, dir, marker, { mustContain, env } = {}) {
  const built = join(root, dir, marker);
  const fresh = existsSync(built) && statSync(built).mtimeMs >= newest(join(root, dir));
  if (fresh && (mustContain === undefined || readFileSync(built, 'utf8').includes(mustContain))) return;
  console.log(`▶ building ${workspace} …`);
  const result = spawnSync('npm', ['run', 'build', '--silent', '-w', workspace], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    console.error(`✖ building ${workspace} failed; fix the error above, then run npm start again`);
    process.exit(result.status ?? 1);
  }
}

function healthy(caFile) {
  return new Promise((done) => {
    const ca = existsSync(caFile) ? readFileSync(caFile) : undefined;
    const req = request(`${url}/healthz`, { ca, timeout: 2000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

buildIfStale('@indicium/web', 'apps/web', 'dist/index.html');
// The background worker checks the exact page origin (port included), compiled in at build time.
buildIfStale('@indicium/extension', 'apps/extension', 'dist/chrome/background.js', {
  mustContain: url,
  env: { INDICIUM_ALLOWED_ORIGINS: url },
});

const vault = spawn('npm', ['run', 'start', '--silent', '-w', '@indicium/vault-server', '--', ...vaultArgs], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => vault.kill(signal));
vault.on('exit', (code) => process.exit(code ?? 0));

// The first start runs the key ceremony (RSA-3072 transport keys): wait for it, then pin the
// companion to this vault's postal CA and TLS CA.
const devCa = join(dataDir, 'tls', 'dev-ca.cert.pem');
const postalCa = join(dataDir, 'ca', 'postal', 'postal-ca.cert.pem');
const started = Date.now();
while (!(await healthy(devCa))) {
  if (vault.exitCode !== null) process.exit(vault.exitCode);
  if (Date.now() - started > 300_000) {
    console.error(`✖ the vault did not answer ${url}/healthz within 5 minutes; see its log above`);
    vault.kill('SIGTERM');
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 1000));
}

const install = spawnSync(
  process.execPath,
  [
    join(root, 'apps/companion/bin/companion.mjs'),
    'install',
    '--browser',
    'chrome',
    '--browser',
    'chromium',
    '--extension-id',
    EXTENSION_ID,
    '--origin',
    url,
    '--vault',
    url,
    '--ca',
    postalCa,
    ...(existsSync(devCa) ? ['--tls-ca', devCa] : []),
  ],
  { cwd: root, stdio: 'inherit' },
);
console.log(
  install.status === 0
    ? [
        '',
        'Companion installed for Chrome and Chromium (this user). Next:',
        `  1. Load the extension: chrome://extensions › Developer mode › Load unpacked › ${join(root, 'apps/extension/dist/chrome')}`,
        `  2. Open ${url}/ , sign up, and follow the setup wizard.`,
        '',
      ].join('\n')
    : '✖ installing the companion failed (see above); the vault keeps running. Run `node apps/companion/bin/companion.mjs doctor`.',
);
