import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';

import { I18nContext, type I18n } from './context';
import { initialLanguage, saveLanguage } from './language';
import { translate, type Language, type MessageKey } from './messages';

interface Props {
  children: ReactNode;
  /** Forces the starting language (tests, server rendering); default: saved or browser's. */
  language?: Language;
}

export function I18nProvider({ children, language: forced }: Props) {
  const [language, setLanguageState] = useState<Language>(() => forced ?? initialLanguage());

  // Keep <html lang> and the tab title in the language of the page, for screen readers
  // and search engines.
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = translate(language, 'app.documentTitle');
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    saveLanguage(next);
  }, []);

  const value = useMemo<I18n>(
    () => ({
      language,
      setLanguage,
      t: (key: MessageKey, params?: Readonly<Record<string, string>>) =>
        translate(language, key, params),
    }),
    [language, setLanguage],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
