import { api, isRecord, type ApiClient, type RequestOptions } from './client';

/** `GET /health`: the process is alive. */
export interface HealthResponse {
  status: 'ok';
  version: string;
}

/** `GET /ready`: the database (and Redis when configured) can be reached. */
export interface ReadyResponse {
  status: 'ready' | 'unavailable';
  checks: Record<string, unknown>;
}

export function isHealthResponse(value: unknown): value is HealthResponse {
  return isRecord(value) && value.status === 'ok' && typeof value.version === 'string';
}

export function isReadyResponse(value: unknown): value is ReadyResponse {
  return (
    isRecord(value) &&
    (value.status === 'ready' || value.status === 'unavailable') &&
    isRecord(value.checks)
  );
}

export function getHealth(options?: RequestOptions, client: ApiClient = api): Promise<HealthResponse> {
  return client.getJson('/health', isHealthResponse, options);
}

/** `/ready` answers 503 with the same shape when a dependency is down: that is an answer too. */
export function getReady(options?: RequestOptions, client: ApiClient = api): Promise<ReadyResponse> {
  return client.getJson('/ready', isReadyResponse, { ...options, acceptStatuses: [503] });
}
