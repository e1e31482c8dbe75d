import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  fromWireError,
  GATEWAY_PATHS,
  GatewayCallAnswerSchema,
  type GatewayDelivery,
  IndiciumError,
  PAGE_CALL_TYPES,
  type PageCallAnswer,
  type PageCallRequest,
  type PageCallType,
  PROTOCOL_VERSION,
  type ReturnedJob,
} from '@indicium/protocol';
import type { CallContext, CallHandler, PageCallTable } from '../calls/page-call-table.js';
import type { CompanionConfig } from '../config/companion-config.js';
import type { TlsIdentity } from '../gateway/tls-identity.js';
import { printToFolder } from '../print/folder-printer.js';
import { checkPrinter, listPrinters, resolvePrinterId, sendToPrinter } from '../print/printer-registry.js';
import { postToGateway } from './gateway-client.js';
import type { InterfaceSetup } from './interface-setup.js';

/** A printer id that names the gateway's printer: `gateway:` then the gateway's own id. */
export const GATEWAY_PRINTER_PREFIX = 'gateway:';

export interface InterfaceTableOptions {
  readonly dataDir: string;
  /** This machine's install: allowed origins, its own printers. */
  readonly config: CompanionConfig;
  readonly setup: InterfaceSetup;
  readonly identity: TlsIdentity;
}

/**
 * The page-call table of a companion in interface mode (DESIGN §9): every call goes to the paired
 * gateway as the same page call, with a fresh request id, over mutual TLS to the pinned gateway,
 * for the meter user fixed at pairing. A print to `gateway:<printer>` prints on the office
 * printer; a print to one of this machine's printers (`cups:` / `folder:`) is checked here before
 * any postage is spent, then the gateway returns the rendered job and it prints here.
 */
export function buildInterfaceCallTable(options: InterfaceTableOptions): PageCallTable {
  const { setup } = options;
  const forward = async <T extends PageCallType>(
    type: T,
    payload: PageCallRequest<T>,
    context: CallContext,
    deliver: GatewayDelivery,
  ): Promise<{ payload: PageCallAnswer<T>; job: ReturnedJob | null }> => {
    const requestId = randomBytes(18).toString('base64url');
    const { answer } = await postToGateway(
      setup.gateway,
      options.identity,
      setup.gateway,
      GATEWAY_PATHS.call,
      {
        protocol: PROTOCOL_VERSION,
        requestId,
        origin: context.origin,
        user: setup.user,
        deliver,
        request: { type, payload },
      },
      GatewayCallAnswerSchema,
      setup.timeoutMs,
    );
    if (answer.requestId !== requestId) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'answer.requestId',
        detail: 'an answer to another request',
      });
    }
    if (answer.kind === 'error') throw fromWireError(answer.error);
    if (answer.for !== type) throw new IndiciumError('INVALID_FIELD', { field: 'answer.for' });
    return { payload: answer.payload as PageCallAnswer<T>, job: answer.job };
  };

  /** Where a print goes: the gateway's printer (its own id), or one of ours (checked now, before postage). */
  const route = async (printerId: string | null) => {
    if (printerId === null || printerId.startsWith(GATEWAY_PRINTER_PREFIX)) {
      const remote = printerId === null ? null : printerId.slice(GATEWAY_PRINTER_PREFIX.length);
      return { deliver: 'gateway' as const, remote, local: null };
    }
    const local = await resolvePrinterId(options.config, printerId);
    await checkPrinter(options.config, local);
    return { deliver: 'interface' as const, remote: null, local };
  };

  /** Prints a returned job here; if this printer fails, the paid-for PDF is kept, never lost. */
  const printHere = async (printerId: string, job: ReturnedJob | null): Promise<boolean> => {
    if (job === null)
      throw new IndiciumError('INVALID_FIELD', { field: 'answer.job', detail: 'no job returned' });
    const pdf = Buffer.from(job.pdf, 'base64');
    try {
      await sendToPrinter(options.config, printerId, { pdf, title: job.title, fileName: `${job.title}.pdf` });
      return true;
    } catch {
      const keep = join(options.dataDir, 'returned-jobs');
      await mkdir(keep, { recursive: true, mode: 0o700 });
      await printToFolder(keep, `${job.title}.pdf`, pdf);
      return false;
    }
  };

  const plain = Object.fromEntries(
    PAGE_CALL_TYPES.map((type) => [
      type,
      (async (payload, context) => (await forward(type, payload, context, 'gateway')).payload) as CallHandler<
        typeof type
      >,
    ]),
  ) as PageCallTable;

  return Object.freeze({
    ...plain,
    printers: async (payload, context) => {
      const { payload: remote } = await forward('printers', payload, context, 'gateway');
      const here = await listPrinters(options.config);
      const office = remote.printers.map((p) => ({
        printerId: `${GATEWAY_PRINTER_PREFIX}${p.printerId}`.slice(0, 128),
        name: `Office: ${p.name}`.slice(0, 256),
        isDefault: p.isDefault,
      }));
      // A request without a printer goes to the gateway's default, so only the office one is marked.
      return { printers: [...office, ...here.map((p) => ({ ...p, isDefault: false }))].slice(0, 64) };
    },
    print: async (payload, context) => {
      const target = await route(payload.printerId);
      const { payload: answer, job } = await forward(
        'print',
        { ...payload, printerId: target.remote },
        context,
        target.deliver,
      );
      if (target.local === null) return answer;
      context.progress('printing');
      return { ...answer, printed: await printHere(target.local, job) };
    },
    reprint: async (payload, context) => {
      const target = await route(payload.printerId);
      const { payload: answer, job } = await forward(
        'reprint',
        { ...payload, printerId: target.remote },
        context,
        target.deliver,
      );
      if (target.local !== null && !(await printHere(target.local, job))) {
        throw new IndiciumError('PRINTER_FAILED', {
          field: 'printerId',
          detail: 'the returned job was kept in returned-jobs/',
        });
      }
      return answer;
    },
  } satisfies PageCallTable);
}
