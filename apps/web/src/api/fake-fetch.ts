import type { FetchLike } from './vault-client.js';

export interface SeenRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/**
 * Test fake of the browser's `fetch` (a boundary we do not own): answers each request from a
 * queue of `{status, json}` and records what the client sent. The real vault is exercised by e2e.
 */
export function fakeFetch(
  answers: { status: number; json?: unknown }[],
): FetchLike & { seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    seen.push({
      url,
      method: init.method,
      headers: init.headers,
      body: init.body === undefined ? undefined : JSON.parse(init.body),
    });
    const answer = answers.shift();
    if (answer === undefined) throw new TypeError('Failed to fetch');
    return {
      status: answer.status,
      json: async () => {
        if (answer.json === undefined) throw new SyntaxError('Unexpected end of JSON input');
        return answer.json;
      },
    };
  };
  return Object.assign(fetch, { seen });
}
