import { randomUUID } from 'node:crypto';
import {
  IndiciumError,
  NativeHelloSchema,
  NativeRequestSchema,
  type PageCallType,
  PROTOCOL_VERSION,
  type ProgressStage,
  RequestIdSchema,
  toWireError,
} from '@indicium/protocol';
import type { Logger } from 'pino';
import { dispatchPageCall, type PageCallTable } from '../calls/page-call-table.js';
import { COMPANION_VERSION } from '../companion-version.js';
import { checkOrigin } from '../config/origin-allow-list.js';
import type { DecodedFrame } from './frame-codec.js';
import type { FrameWriter } from './frame-writer.js';

export interface NativeHostSessionOptions {
  readonly writer: FrameWriter;
  readonly table: PageCallTable;
  readonly config: Parameters<typeof dispatchPageCall>[1]['config'];
  /** Set when the caller or the install was refused at start: every frame is answered with it. */
  readonly refusal?: IndiciumError | undefined;
  readonly logger: Logger;
}

/**
 * One browser connection (DESIGN §4.1): a hello first, then requests, each answered with progress
 * messages and one response or error carrying its request id. Every refusal is a frame with a
 * protocol code; nothing a frame holds can stop the session from reading the next one.
 */
export class NativeHostSession {
  readonly #options: NativeHostSessionOptions;
  #greeted = false;

  constructor(options: NativeHostSessionOptions) {
    this.#options = options;
  }

  /** Handles one decoded frame; never throws (a failure becomes an error frame). */
  async handle(frame: DecodedFrame): Promise<void> {
    if (!frame.ok) {
      this.#options.logger.warn({ code: frame.error.code }, 'unreadable frame');
      await this.#sendError(null, frame.error);
      return;
    }
    const message = frame.message;
    const requestId = readRequestId(message);
    try {
      if (this.#options.refusal !== undefined) throw this.#options.refusal;
      if (isRecord(message) && message.kind === 'hello') {
        await this.#hello(message);
        return;
      }
      if (!this.#greeted)
        throw new IndiciumError('MALFORMED_REQUEST', { field: 'kind', detail: 'send a hello first' });
      await this.#request(message);
    } catch (error) {
      await this.#sendError(requestId, error);
    }
  }

  async #hello(message: Record<string, unknown>): Promise<void> {
    const parsed = NativeHelloSchema.safeParse(message);
    if (!parsed.success) throw malformed(parsed.error.issues[0]?.path);
    const hello = parsed.data;
    if (hello.component !== 'extension') {
      throw new IndiciumError('MALFORMED_REQUEST', {
        field: 'component',
        detail: 'the companion talks to the extension only',
      });
    }
    if (hello.protocol !== PROTOCOL_VERSION) throw versionMismatch(hello.protocol);
    this.#greeted = true;
    this.#options.logger.info({ extensionVersion: hello.version }, 'hello');
    await this.#options.writer.send({
      kind: 'hello',
      protocol: PROTOCOL_VERSION,
      component: 'companion',
      version: COMPANION_VERSION,
    });
  }

  async #request(message: unknown): Promise<void> {
    if (!isRecord(message) || message.kind !== 'request') throw malformed(['kind']);
    if (message.protocol !== PROTOCOL_VERSION) {
      if (typeof message.protocol === 'number') throw versionMismatch(message.protocol);
      throw malformed(['protocol']);
    }
    // Before the schema: an http or foreign origin is ORIGIN_NOT_ALLOWED, not a malformed request.
    const origin = checkOrigin(message.origin, this.#options.config.origins);
    const parsed = NativeRequestSchema.safeParse(message);
    if (!parsed.success) throw malformed(parsed.error.issues[0]?.path);
    const { request } = parsed.data;
    const id = parsed.data.requestId;
    this.#options.logger.info({ requestId: id, type: request.type, origin }, 'request');
    const progress = (stage: ProgressStage) => {
      this.#options.writer
        .send({ protocol: PROTOCOL_VERSION, requestId: id, kind: 'progress', stage })
        .catch((error: unknown) => this.#options.logger.warn({ err: error }, 'progress not sent'));
    };
    const payload = await dispatchPageCall(
      this.#options.table,
      this.#options,
      request.type as PageCallType,
      request.payload as never,
      { origin, requestId: id, progress },
    );
    await this.#options.writer.send({
      protocol: PROTOCOL_VERSION,
      requestId: id,
      kind: 'response',
      for: request.type,
      payload,
    });
  }

  async #sendError(requestId: string | null, error: unknown): Promise<void> {
    const errorId = randomUUID();
    if (error instanceof IndiciumError && error.code !== 'INTERNAL_ERROR') {
      this.#options.logger.warn({ requestId, code: error.code, field: error.field }, 'refused');
    } else {
      this.#options.logger.error({ requestId, errorId, err: error }, 'internal error');
    }
    const frame = {
      protocol: PROTOCOL_VERSION,
      requestId,
      kind: 'error',
      error: toWireError(error, errorId),
    };
    try {
      await this.#options.writer.send(frame);
    } catch (sendError) {
      // Only an answer too large for a frame gets here (details are small): say so instead.
      if (sendError instanceof IndiciumError && sendError.code === 'FRAME_TOO_LARGE') {
        await this.#options.writer
          .send({ ...frame, error: toWireError(sendError, errorId) })
          .catch(() => this.#options.logger.error({ errorId }, 'could not send an error frame'));
        return;
      }
      this.#options.logger.error({ errorId, err: sendError }, 'could not send an error frame');
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request id of a message, if it carries a well-formed one, so even a refusal can name it. */
function readRequestId(message: unknown): string | null {
  if (!isRecord(message)) return null;
  const parsed = RequestIdSchema.safeParse(message.requestId);
  return parsed.success ? parsed.data : null;
}

function malformed(path: readonly PropertyKey[] | undefined): IndiciumError {
  const field = path === undefined || path.length === 0 ? 'message' : path.map(String).join('.');
  return new IndiciumError('MALFORMED_REQUEST', { field });
}

/** Names the part to update: the side with the lower protocol version is the older one. */
function versionMismatch(theirs: number): IndiciumError {
  const update = theirs < PROTOCOL_VERSION ? 'extension' : 'companion';
  return new IndiciumError('VERSION_MISMATCH', {
    field: 'protocol',
    detail: `the extension speaks protocol ${theirs}, the companion ${PROTOCOL_VERSION}: update the ${update}`,
    details: {
      update,
      companionProtocol: PROTOCOL_VERSION,
      extensionProtocol: theirs,
      companionVersion: COMPANION_VERSION,
    },
  });
}
