import { once } from 'node:events';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GatewayUserSchema, IndiciumError, InterfaceNameSchema } from '@indicium/protocol';
import type { Command } from 'commander';
import { ensureDataDir } from '../config/companion-config.js';
import { parseHostPort } from '../gateway/gateway-commands.js';
import { formatCode, normalizeCode, sameCode } from '../gateway/pairing-code.js';
import { loadOrCreateTlsIdentity } from '../gateway/tls-identity.js';
import {
  DEFAULT_GATEWAY_TIMEOUT_MS,
  interfaceTlsDir,
  readInterfaceSetup,
  writeInterfaceSetup,
} from './interface-setup.js';
import { pairWithGateway } from './pair-with-gateway.js';

/** The first line a person types (or a script pipes). */
async function readLine(stdin: Readable): Promise<string> {
  const lines = createInterface({ input: stdin, terminal: false });
  try {
    const [line] = (await Promise.race([once(lines, 'line'), once(lines, 'close').then(() => [''])])) as [
      string,
    ];
    return line.trim();
  } finally {
    lines.close();
  }
}

/**
 * `companion interface --gateway HOST:PORT --meter ID --user ID` (DESIGN §9): pairs this machine
 * with the office gateway. Both screens show a six-digit code; the person types the gateway's code
 * here (it must equal this machine's, or PAIRING_CODE_WRONG and nothing is kept) and confirms this
 * machine's code on the gateway (`companion gateway confirm`). Only then is the gateway's
 * certificate pinned and the companion switched to interface mode.
 */
export function addInterfaceCommands(
  program: Command,
  cli: {
    readonly dataDir: () => string;
    readonly out: (text: string) => void;
    readonly step: (text: string) => void;
    readonly stdin: Readable;
  },
): void {
  program
    .command('interface')
    .description(
      'pair this computer with an office gateway and forward the browser’s calls to it (DESIGN §9)',
    )
    .option('--gateway <host:port>', 'the gateway on the office network')
    .option('--meter <meterId>', 'the shared meter')
    .option('--user <userId>', 'your user on the shared meter')
    .option('--name <name>', 'this computer’s name on the gateway’s screen (default: the host name)')
    .option('--timeout <ms>', 'how long a forwarded call may take', String(DEFAULT_GATEWAY_TIMEOUT_MS))
    .action(
      async (o: { gateway?: string; meter?: string; user?: string; name?: string; timeout: string }) => {
        const dataDir = cli.dataDir();
        if (o.gateway === undefined) {
          const setup = await readInterfaceSetup(dataDir);
          if (setup === undefined)
            return cli.out('not an interface: run `companion interface --gateway HOST:PORT …`');
          return cli.out(
            `interface of ${setup.gateway.host}:${setup.gateway.port} for ${setup.user.userId}@${setup.user.meterId}` +
              ` (pairing ${setup.pairingId}, gateway sha256 ${setup.gateway.fingerprint})`,
          );
        }
        const address = parseHostPort(o.gateway);
        const user = GatewayUserSchema.safeParse({ meterId: o.meter, userId: o.user });
        if (!user.success) {
          throw new IndiciumError('INVALID_INPUT', {
            field: String(user.error.issues[0]?.path[0] ?? 'user'),
          });
        }
        const name = InterfaceNameSchema.safeParse(o.name ?? hostname().slice(0, 64));
        if (!name.success) throw new IndiciumError('INVALID_INPUT', { field: 'name' });
        const timeoutMs = Number(o.timeout);
        if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
          throw new IndiciumError('INVALID_INPUT', { field: 'timeout' });
        }
        await ensureDataDir(dataDir);
        const identity = await loadOrCreateTlsIdentity(interfaceTlsDir(dataDir), name.data);
        cli.step(`pairing with ${address.host}:${address.port}`);
        const offer = await pairWithGateway({
          address,
          identity,
          name: name.data,
          user: user.data,
          timeoutMs,
        });
        cli.out(`pairing ${offer.pairingId}: this computer shows code ${formatCode(offer.code)}`);
        cli.out(`on the gateway run: companion gateway confirm ${offer.pairingId} --code ${offer.code}`);
        cli.out('type the code the gateway shows:');
        const typed = normalizeCode(await readLine(cli.stdin));
        if (typed === undefined || !sameCode(typed, offer.code)) {
          // Different codes mean someone sits between the two machines: pin nothing.
          throw new IndiciumError('PAIRING_CODE_WRONG', {
            field: 'code',
            detail: 'the codes differ: nothing was paired',
          });
        }
        await writeInterfaceSetup(dataDir, {
          version: 1,
          gateway: { host: address.host, port: address.port, ...offer.gateway },
          pairingId: offer.pairingId,
          name: name.data,
          user: user.data,
          timeoutMs,
        });
        cli.out(
          `paired with the gateway (sha256 ${offer.gateway.fingerprint}); the browser’s calls now go there`,
        );
      },
    );
}
