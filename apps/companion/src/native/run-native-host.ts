import type { Readable, Writable } from 'node:stream';
import { IndiciumError } from '@indicium/protocol';
import pino from 'pino';
import { buildPageCallTable } from '../calls/build-page-call-table.js';
import { createCallDependencies } from '../calls/create-call-dependencies.js';
import type { VaultClient } from '../calls/vault-client.js';
import { type CompanionConfig, emptyConfig, ensureDataDir, readConfig } from '../config/companion-config.js';
import { companionPaths, resolveDataDir } from '../config/companion-paths.js';
import { interfaceCallTable } from '../interface/interface-mode.js';
import { checkExtensionCaller } from './extension-caller.js';
import { FrameDecoder } from './frame-codec.js';
import { FrameWriter } from './frame-writer.js';
import { NativeHostSession } from './native-host-session.js';
import { LOCK_SIGNAL, registerRunningHost } from './running-hosts.js';

/** Frames read but not yet handled before the host stops reading stdin. */
const MAX_WAITING_FRAMES = 64;

export interface NativeHostOptions {
  /** The host's arguments as the browser gave them (process.argv.slice(2)). */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: Readable;
  readonly stdout: Writable;
  /** The vault client; without one, `register` and `print` are refused. */
  readonly vault?: VaultClient | undefined;
}

/**
 * The native-messaging host's composition root (DESIGN §4.1, §7): reads the install, checks the
 * calling extension, then serves frames from stdin until the browser closes it. Requests run one at
 * a time, in order. It logs to a file in the data directory, never to stdout (the frame channel)
 * nor stderr (which the browser never shows). Resolves when stdin ends and every answer is written.
 */
export async function runNativeHost(options: NativeHostOptions): Promise<void> {
  const paths = companionPaths(resolveDataDir(options.env));
  await ensureDataDir(paths.dataDir);
  const logger = pino(
    { level: options.env.INDICIUM_LOG_LEVEL ?? 'info', base: { pid: process.pid, part: 'native-host' } },
    pino.destination({ dest: paths.log, sync: true, mode: 0o600 }),
  );
  let config: CompanionConfig = emptyConfig();
  let refusal: IndiciumError | undefined;
  try {
    config = (await readConfig(paths.config)) ?? emptyConfig();
    checkExtensionCaller(options.args, config);
  } catch (error) {
    refusal = error instanceof IndiciumError ? error : new IndiciumError('INTERNAL_ERROR', { cause: error });
    logger.warn({ code: refusal.code, args: options.args.slice(0, 2) }, 'caller refused');
  }
  const deps = createCallDependencies(paths, config, options.vault);
  let table = buildPageCallTable(deps);
  try {
    // A paired office interface forwards every call to its gateway instead (DESIGN §9).
    table = (await interfaceCallTable(paths.dataDir, config)) ?? table;
  } catch (error) {
    refusal ??=
      error instanceof IndiciumError ? error : new IndiciumError('INTERNAL_ERROR', { cause: error });
  }
  const writer = new FrameWriter(options.stdout);
  const session = new NativeHostSession({ writer, table, config, refusal, logger });
  const decoder = new FrameDecoder();
  let queue = Promise.resolve();
  logger.info({ caller: options.args[0] ?? null }, 'host started');
  // `companion lock` reaches this session's unlocked key through a signal (running-hosts.ts).
  const unregister = await registerRunningHost(paths.dataDir);
  const lockOnSignal = () => {
    deps.secrets.lock();
    logger.info('locked by `companion lock`');
  };
  process.on(LOCK_SIGNAL, lockOnSignal);

  // Requests run one at a time; a browser that sends faster than they finish is slowed down by
  // pausing stdin, so the queue of waiting frames stays bounded.
  let waiting = 0;
  await new Promise<void>((resolve) => {
    options.stdin.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        waiting += 1;
        if (waiting >= MAX_WAITING_FRAMES) options.stdin.pause();
        queue = queue
          .then(() => session.handle(frame))
          .finally(() => {
            waiting -= 1;
            if (waiting < MAX_WAITING_FRAMES / 2 && options.stdin.isPaused()) options.stdin.resume();
          });
      }
    });
    options.stdin.on('end', resolve);
    options.stdin.on('error', (error) => {
      logger.error({ err: error }, 'stdin failed');
      resolve();
    });
  });
  if (decoder.bufferedBytes > 0) logger.warn({ bytes: decoder.bufferedBytes }, 'stdin ended inside a frame');
  await queue;
  await writer.flushed();
  deps.secrets.lock();
  process.off(LOCK_SIGNAL, lockOnSignal);
  await unregister();
  logger.info('host stopped: the browser closed the port');
}
