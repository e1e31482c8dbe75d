import { availableParallelism, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Seconds per sweep point and for the half-load run. */
  readonly durationSeconds: number;
  readonly concurrency: readonly number[];
  readonly poolSize: number;
  readonly signSeconds: number;
  /** Start a throwaway PostgreSQL cluster and run the vault on it. */
  readonly postgres: boolean;
  /** Run the vault on this PostgreSQL database instead (implies PostgreSQL). */
  readonly databaseUrl: string | null;
  readonly json: boolean;
  readonly outDir: string;
  /** One TLS handshake per request, as the test helper and today's companion do. */
  readonly handshakePerRequest: boolean;
  /** Write V8 CPU profiles of the vault's threads here. */
  readonly cpuProfDir: string | null;
  /** Where the vault's temporary data folder is made (a tmpfs here shows what fsync costs). */
  readonly dataBase: string;
}

const HELP = `npm run bench -- [options]

  --duration S              seconds per concurrency level and for the half-load run (default 10)
  --concurrency LIST        simulated companions per level (default 1,4,16,64,256)
  --pool-size N             crypto modules in the vault (default: the vault's own default, cores)
  --sign-seconds S          seconds of raw all-core ECDSA P-256 signing (default 3)
  --postgres                run the vault on a throwaway PostgreSQL cluster
  --database-url URL        run the vault on this PostgreSQL database
  --handshake-per-request   a fresh TLS connection per request (default: one kept per companion)
  --cpu-prof DIR            write V8 CPU profiles of the vault's threads into DIR
  --data-base DIR           make the vault's temporary data folder in DIR (default: the OS temp
                            folder; a tmpfs such as /dev/shm shows what the syncs cost)
  --out DIR                 where the SVG chart and JSON go (default bench/results)
  --json                    print one JSON object as the last line
`;

/**
 * The benchmark's flags. Refuses anything out of shape with a message and exit code 2, as the
 * vault's own config does.
 */
export function parseBenchOptions(argv: readonly string[], defaultOutDir: string): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      'pool-size': { type: 'string' },
      'sign-seconds': { type: 'string' },
      postgres: { type: 'boolean' },
      'database-url': { type: 'string' },
      'handshake-per-request': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      'data-base': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const positive = (flag: string, text: string | undefined, fallback: number, integer = false): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      process.stderr.write(`--${flag}: expected a positive ${integer ? 'integer' : 'number'}, got ${text}\n`);
      process.exit(2);
    }
    return n;
  };
  const concurrency = (values.concurrency ?? '1,4,16,64,256')
    .split(',')
    .map((c) => positive('concurrency', c.trim(), 1, true));
  return {
    durationSeconds: positive('duration', values.duration, 10),
    concurrency: [...new Set(concurrency)].sort((a, b) => a - b),
    poolSize: positive('pool-size', values['pool-size'], Math.min(64, availableParallelism()), true),
    signSeconds: positive('sign-seconds', values['sign-seconds'], 3),
    postgres: values.postgres === true || values['database-url'] !== undefined,
    databaseUrl: values['database-url'] ?? null,
    json: values.json === true,
    outDir: values.out ?? defaultOutDir,
    handshakePerRequest: values['handshake-per-request'] === true,
    cpuProfDir: values['cpu-prof'] ?? null,
    dataBase: values['data-base'] ?? tmpdir(),
  };
}
