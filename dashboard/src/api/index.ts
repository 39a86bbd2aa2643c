export { ApiError, api, createApiClient, type ApiClient, type RequestOptions } from './client';
export { getHealth, getReady, type HealthResponse, type ReadyResponse } from './health';
