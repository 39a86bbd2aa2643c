/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The Python package serves the built files (`preventia serve` answers `/` with them).
// That folder is gitignored: it is always a build output, never edited by hand.
const outDir = fileURLToPath(new URL('../src/preventia/static/dashboard', import.meta.url));

// Where `npm run dev` forwards API calls (a `preventia serve` running locally).
const apiTarget = process.env.PREVENTIA_API_URL ?? 'http://127.0.0.1:8000';
const proxied = ['/health', '/ready', '/metrics', '/api'];

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    // The server sends `Content-Security-Policy: default-src 'self'`: no `data:` URIs,
    // so never inline assets into the CSS or JS.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, apiTarget])),
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
