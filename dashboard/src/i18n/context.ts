import { createContext, useContext } from 'react';

import { translate, type Language, type MessageKey } from './messages';

export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, params?: Readonly<Record<string, string>>) => string;
}

const fallback: I18n = {
  language: 'en',
  setLanguage: () => undefined,
  t: (key, params) => translate('en', key, params),
};

export const I18nContext = createContext<I18n>(fallback);

export function useI18n(): I18n {
  return useContext(I18nContext);
}
