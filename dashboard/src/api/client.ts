/**
 * A tiny typed wrapper around `fetch` for the PreventIA API.
 *
 * For now the few types it needs are written by hand (see ./health.ts); later they are
 * generated from `/api/v1/openapi.json`, and this wrapper stays the single place that
 * talks HTTP (base URL, headers, error shape).
 */

/** An answer the client could not use: a network failure, a non-2xx status, bad JSON. */
export class ApiError extends Error {
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  /** The parsed body when there was one (e.g. an `application/problem+json` document). */
  readonly body: unknown;

  constructor(message: string, status: number, body: unknown = undefined) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

export type Validator<T> = (value: unknown) => value is T;

export interface RequestOptions {
  signal?: AbortSignal;
  /** Statuses besides 2xx whose JSON body is a valid answer (e.g. 503 from `/ready`). */
  acceptStatuses?: readonly number[];
}

export interface ApiClientOptions {
  /** Prefix of every path; '' means the page's own origin (the server serves both). */
  baseUrl?: string;
  fetch?: typeof fetch;
}

export interface ApiClient {
  getJson<T>(path: string, validate: Validator<T>, options?: RequestOptions): Promise<T>;
}

export function createApiClient({ baseUrl = '', fetch: fetchImpl }: ApiClientOptions = {}): ApiClient {
  const doFetch = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));

  return {
    async getJson<T>(path: string, validate: Validator<T>, options: RequestOptions = {}) {
      let response: Response;
      try {
        response = await doFetch(baseUrl + path, {
          method: 'GET',
          headers: { Accept: 'application/json' },
          credentials: 'same-origin',
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') {
          throw error;
        }
        throw new ApiError(`GET ${path}: ${describe(error)}`, 0);
      }

      const body = await readJson(response);
      const accepted = response.ok || (options.acceptStatuses ?? []).includes(response.status);
      if (!accepted) {
        throw new ApiError(`GET ${path}: HTTP ${response.status}`, response.status, body);
      }
      if (!validate(body)) {
        throw new ApiError(`GET ${path}: unexpected response`, response.status, body);
      }
      return body;
    },
  };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The client the app uses: same origin as the page. */
export const api = createApiClient();
