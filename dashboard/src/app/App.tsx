import logoUrl from '../assets/logo.svg';
import { HealthPanel } from '../features/health';
import { useI18n } from '../i18n';
import { LanguageToggle } from './LanguageToggle';

export function App() {
  const { t } = useI18n();
  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="site-header">
        <div className="brand">
          <img src={logoUrl} alt="" width="32" height="32" />
          <h1>{t('app.title')}</h1>
        </div>
        <LanguageToggle />
      </header>
      <main id="main" tabIndex={-1}>
        <p className="tagline" data-testid="tagline">
          {t('app.tagline')}
        </p>
        <HealthPanel />
      </main>
      <footer className="site-footer">
        <p>{t('footer.text')}</p>
      </footer>
    </div>
  );
}
