import { LANGUAGES, useI18n } from '../i18n';

/** Two buttons, Español / English; the pressed one is the page's language. */
export function LanguageToggle() {
  const { language, setLanguage, t } = useI18n();
  return (
    <div className="lang-toggle" role="group" aria-label={t('lang.label')}>
      {LANGUAGES.map((code) => (
        <button
          key={code}
          type="button"
          lang={code}
          aria-pressed={language === code}
          data-testid={`lang-${code}`}
          onClick={() => setLanguage(code)}
        >
          {t(`lang.${code}`)}
        </button>
      ))}
    </div>
  );
}
