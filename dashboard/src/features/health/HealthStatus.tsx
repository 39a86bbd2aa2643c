import { useI18n, type MessageKey } from '../../i18n';
import type { HealthState } from './useHealth';

type Tone = 'good' | 'bad' | 'pending';

interface Props {
  state: HealthState;
  onRefresh: () => void;
}

/** What the API says about itself; pure presentation, so it can be tested without a server. */
export function HealthStatus({ state, onRefresh }: Props) {
  const { t, language } = useI18n();
  const view = describe(state);

  return (
    <section className="card" aria-labelledby="status-heading">
      <h2 id="status-heading">{t('status.heading')}</h2>
      <dl className="status-list" aria-live="polite" aria-busy={state.phase === 'checking'}>
        <div className="status-row">
          <dt>{t('status.api')}</dt>
          <dd>
            <span className={`badge badge--${view.api.tone}`} data-testid="health-status">
              {t(view.api.label)}
            </span>
          </dd>
        </div>
        <div className="status-row">
          <dt>{t('status.version')}</dt>
          <dd data-testid="api-version">{view.version}</dd>
        </div>
        <div className="status-row">
          <dt>{t('status.database')}</dt>
          <dd>
            <span className={`badge badge--${view.database.tone}`} data-testid="ready-status">
              {t(view.database.label)}
            </span>
          </dd>
        </div>
      </dl>
      {view.error !== null && (
        <p className="status-error" role="alert">
          {t('status.error', { reason: view.error })}
        </p>
      )}
      <div className="status-actions">
        <button type="button" onClick={onRefresh} disabled={state.phase === 'checking'}>
          {t('status.refresh')}
        </button>
        {state.phase === 'done' && (
          <p className="status-time">
            {t('status.lastChecked', {
              time: state.checkedAt.toLocaleTimeString(language === 'es' ? 'es-ES' : 'en-GB'),
            })}
          </p>
        )}
      </div>
    </section>
  );
}

interface Indicator {
  label: MessageKey;
  tone: Tone;
}

interface View {
  api: Indicator;
  database: Indicator;
  version: string;
  error: string | null;
}

export function describe(state: HealthState): View {
  if (state.phase === 'checking') {
    const pending: Indicator = { label: 'status.checking', tone: 'pending' };
    return { api: pending, database: pending, version: '—', error: null };
  }
  const { health, ready } = state;
  let database: Indicator = { label: 'status.unknown', tone: 'bad' };
  if (ready.ok) {
    database =
      ready.value.status === 'ready'
        ? { label: 'status.ready', tone: 'good' }
        : { label: 'status.unavailable', tone: 'bad' };
  }
  return health.ok
    ? {
        api: { label: 'status.ok', tone: 'good' },
        database,
        version: health.value.version,
        error: null,
      }
    : {
        api: { label: 'status.unreachable', tone: 'bad' },
        database,
        version: '—',
        error: health.reason,
      };
}
