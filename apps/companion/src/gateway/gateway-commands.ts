import { IndiciumError } from '@indicium/protocol';
import type { Command } from 'commander';
import pino from 'pino';
import type { VaultClient } from '../calls/vault-client.js';
import { ensureDataDir } from '../config/companion-config.js';
import { companionPaths } from '../config/companion-paths.js';
import { gatewayPaths } from './gateway-paths.js';
import { startGateway } from './gateway-server.js';
import { OfficeLog } from './office-log.js';
import { formatCode, normalizeCode } from './pairing-code.js';
import { PairingStore } from './pairing-store.js';

const DEFAULT_LISTEN = '0.0.0.0:8743';

/** `HOST:PORT` (or `[v6]:PORT`) to its parts; a usage error otherwise. */
export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !Number.isInteger(port) || port > 65_535) {
    throw new IndiciumError('INVALID_INPUT', {
      field: 'gateway',
      detail: 'HOST:PORT, e.g. 192.168.1.20:8743',
    });
  }
  return { host, port };
}

/**
 * `companion gateway` and its pairing commands (DESIGN §9): run the office gateway, list the
 * pairings, confirm one with the code the interface machine shows, revoke one, list the jobs.
 */
export function addGatewayCommands(
  program: Command,
  cli: {
    readonly dataDir: () => string;
    readonly out: (text: string) => void;
    readonly vault: VaultClient | undefined;
    /** Resolves when the gateway should stop (SIGINT/SIGTERM for the program). */
    readonly stopSignal: () => Promise<void>;
  },
): void {
  const store = () => new PairingStore(gatewayPaths(cli.dataDir()).pairings);
  const gateway = program
    .command('gateway')
    .description('run the office gateway: serve paired interface companions over mutual TLS (DESIGN §9)')
    .option('--listen <host:port>', `where to listen (default ${DEFAULT_LISTEN})`, DEFAULT_LISTEN)
    .action(async (o: { listen: string }) => {
      if (cli.vault === undefined)
        throw new IndiciumError('CA_NOT_PINNED', { detail: 'the gateway needs a vault' });
      const { host, port } = parseHostPort(o.listen);
      const paths = companionPaths(cli.dataDir());
      await ensureDataDir(paths.dataDir);
      const logger = pino(
        { level: process.env.INDICIUM_LOG_LEVEL ?? 'info', base: { pid: process.pid, part: 'gateway' } },
        pino.destination({ dest: paths.log, sync: true, mode: 0o600 }),
      );
      const running = await startGateway({
        dataDir: paths.dataDir,
        host,
        port,
        vault: cli.vault,
        logger,
        onPairingCode: (p) =>
          cli.out(
            `pairing ${p.pairingId} from "${p.name}" for ${p.user}: code ${formatCode(p.code)}` +
              ` — if the other screen shows the same, run: companion gateway confirm ${p.pairingId} --code ${p.code}`,
          ),
      });
      cli.out(`gateway listening on ${host}:${running.port} certificate sha256 ${running.fingerprint}`);
      await cli.stopSignal();
      await running.close();
      cli.out('gateway stopped');
    });

  gateway
    .command('pairings')
    .description('list the interface machines: pending, confirmed, revoked')
    .option('--json', 'print as JSON')
    .action(async (o: { json?: boolean }) => {
      const all = await store().list();
      if (o.json === true)
        return cli.out(JSON.stringify({ pairings: all.map(({ gatewayNonce: _, ...p }) => p) }));
      if (all.length === 0)
        cli.out('no pairings: run `companion interface --gateway HOST:PORT` on a colleague’s computer');
      for (const p of all) {
        const code = p.state === 'pending' && p.code !== null ? ` code ${formatCode(p.code)}` : '';
        cli.out(
          `${p.pairingId}  ${p.state.padEnd(9)} "${p.name}" for ${p.user.userId}@${p.user.meterId}${code}`,
        );
      }
    });

  gateway
    .command('confirm')
    .description('confirm a pending pairing with the code the interface machine shows')
    .argument('<pairingId>', 'from the gateway’s screen or `gateway pairings`')
    .requiredOption('--code <code>', 'the six digits shown on the interface machine')
    .action(async (pairingId: string, o: { code: string }) => {
      const code = normalizeCode(o.code);
      if (code === undefined)
        throw new IndiciumError('PAIRING_CODE_WRONG', { field: 'code', detail: 'six digits' });
      const pairing = await store().confirm(pairingId, code);
      cli.out(`paired "${pairing.name}" for ${pairing.user.userId}@${pairing.user.meterId}`);
    });

  gateway
    .command('revoke')
    .description('revoke a pairing: that machine is refused from its next request on')
    .argument('<pairingId>', 'from `gateway pairings`')
    .action(async (pairingId: string) => {
      const pairing = await store().revoke(pairingId);
      cli.out(`revoked "${pairing.name}" (${pairing.pairingId})`);
    });

  gateway
    .command('jobs')
    .description('jobs printed through the gateway: who, what, when, where')
    .option('--user <userId>', 'one colleague only')
    .option('--json', 'print as JSON')
    .action(async (o: { user?: string; json?: boolean }) => {
      const jobs = await new OfficeLog(gatewayPaths(cli.dataDir()).officeLog).list(
        o.user === undefined ? {} : { userId: o.user },
      );
      if (o.json === true) return cli.out(JSON.stringify({ jobs }));
      for (const j of jobs) {
        cli.out(
          `${j.at}  ${j.user.userId}  ${j.call} ${j.indiciumId} ${j.postageMills} mills → ${j.printer} (${j.machine})${j.printed ? '' : ' not printed'}`,
        );
      }
    });
}
