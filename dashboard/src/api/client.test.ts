import { describe, expect, it } from 'vitest';

import { ApiError, createApiClient } from './client';
import { getHealth, getReady } from './health';

function fakeFetch(status: number, body: unknown, seen: string[] = []): typeof fetch {
  return (input) => {
    seen.push(String(input));
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return Promise.resolve(new Response(text, { status }));
  };
}

describe('api client', () => {
  it('returns a validated /health answer', async () => {
    const seen: string[] = [];
    const client = createApiClient({
      baseUrl: 'http://api.test',
      fetch: fakeFetch(200, { status: 'ok', version: '1.2.3' }, seen),
    });
    await expect(getHealth({}, client)).resolves.toEqual({ status: 'ok', version: '1.2.3' });
    expect(seen).toEqual(['http://api.test/health']);
  });

  it('rejects an answer of the wrong shape', async () => {
    const client = createApiClient({ fetch: fakeFetch(200, { status: 'ok' }) });
    await expect(getHealth({}, client)).rejects.toThrow('GET /health: unexpected response');
  });

  it('turns an HTTP error into an ApiError with the parsed body', async () => {
    const problem = { type: 'about:blank', title: 'Internal Server Error', status: 500 };
    const client = createApiClient({ fetch: fakeFetch(500, problem) });
    const error: unknown = await getHealth({}, client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(500);
    expect((error as ApiError).body).toEqual(problem);
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    const client = createApiClient({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(getHealth({}, client)).rejects.toMatchObject({ name: 'ApiError', status: 0 });
  });

  it('accepts the 503 answer of /ready as a status', async () => {
    const body = { status: 'unavailable', checks: { database: 'connection refused' } };
    const client = createApiClient({ fetch: fakeFetch(503, body) });
    await expect(getReady({}, client)).resolves.toEqual(body);
  });
});
