import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { I18nProvider, type Language } from '../../i18n';
import { HealthStatus } from './HealthStatus';
import type { HealthState } from './useHealth';

const done: HealthState = {
  phase: 'done',
  health: { ok: true, value: { status: 'ok', version: '0.1.0' } },
  ready: { ok: true, value: { status: 'ready', checks: { database: 'ok' } } },
  checkedAt: new Date('2025-01-01T10:00:00Z'),
};

function render(state: HealthState, language: Language = 'en'): string {
  return renderToStaticMarkup(
    <I18nProvider language={language}>
      <HealthStatus state={state} onRefresh={() => undefined} />
    </I18nProvider>,
  );
}

describe('HealthStatus', () => {
  it('shows the API status, version and database readiness', () => {
    const html = render(done);
    expect(html).toContain('Platform status');
    expect(html).toMatch(/data-testid="health-status"[^>]*>ok</);
    expect(html).toMatch(/data-testid="api-version"[^>]*>0\.1\.0</);
    expect(html).toMatch(/data-testid="ready-status"[^>]*>ready</);
    expect(html).not.toContain('role="alert"');
  });

  it('speaks Spanish', () => {
    const html = render(done, 'es');
    expect(html).toContain('Estado de la plataforma');
    expect(html).toMatch(/data-testid="ready-status"[^>]*>lista</);
  });

  it('says when the API cannot be reached', () => {
    const html = render({
      phase: 'done',
      health: { ok: false, reason: 'GET /health: HTTP 502' },
      ready: { ok: false, reason: 'GET /ready: HTTP 502' },
      checkedAt: new Date(),
    });
    expect(html).toMatch(/data-testid="health-status"[^>]*>unreachable</);
    expect(html).toContain('role="alert"');
    expect(html).toContain('GET /health: HTTP 502');
  });

  it('shows a pending state while checking', () => {
    expect(render({ phase: 'checking' })).toContain('checking…');
  });
});
