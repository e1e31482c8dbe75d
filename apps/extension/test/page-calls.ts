import type { Frame, Page } from 'playwright-core';

/** What a page sees from one call: the answer, or the error's code and field. */
export type CallResult =
  | { readonly ok: true; readonly answer: Record<string, unknown>; readonly ms: number }
  | {
      readonly ok: false;
      readonly code: string;
      readonly field: string | null;
      readonly details: Record<string, unknown> | null;
      readonly ms: number;
    };

/**
 * Runs `client.call(type, payload)` inside the page (or frame) with the bundled page client, as
 * the web UI does.
 */
export function callFromPage(
  target: Page | Frame,
  type: string,
  payload: unknown,
  options: { timeoutMs?: number } = {},
): Promise<CallResult> {
  return target.evaluate(
    async ({ type, payload, timeoutMs }) => {
      const create = (window as unknown as { indiciumCreatePageClient: (o: object) => unknown })
        .indiciumCreatePageClient as (o: object) => {
        call(t: string, p: unknown): Promise<Record<string, unknown>>;
      };
      const client = create(timeoutMs === undefined ? {} : { timeoutMs });
      const started = performance.now();
      try {
        const answer = await client.call(type, payload);
        return { ok: true as const, answer, ms: performance.now() - started };
      } catch (error) {
        const e = error as { code?: string; field?: string; details?: Record<string, unknown> };
        return {
          ok: false as const,
          code: e.code ?? String(error),
          field: e.field ?? null,
          details: e.details ?? null,
          ms: performance.now() - started,
        };
      }
    },
    { type, payload, timeoutMs: options.timeoutMs },
  );
}

/**
 * Posts a raw message on the page's own window, bypassing the page client (a hostile or buggy
 * page), and collects every extension message for that request id for `waitMs`.
 */
export function postRawFromPage(
  target: Page | Frame,
  message: Record<string, unknown>,
  waitMs: number,
): Promise<unknown[]> {
  return target.evaluate(
    ({ message, waitMs }) =>
      new Promise<unknown[]>((resolve) => {
        const seen: unknown[] = [];
        const listener = (event: MessageEvent) => {
          const data = event.data as { source?: unknown; requestId?: unknown };
          if (data?.source === 'indicium-extension' && data.requestId === message.requestId) seen.push(data);
        };
        window.addEventListener('message', listener);
        window.postMessage(message, window.location.origin);
        setTimeout(() => {
          window.removeEventListener('message', listener);
          resolve(seen);
        }, waitMs);
      }),
    { message, waitMs },
  );
}
