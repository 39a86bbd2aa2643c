export { useI18n, type I18n } from './context';
export { I18nProvider } from './I18nProvider';
export { pickLanguage } from './language';
export { LANGUAGES, MESSAGES, translate, type Language, type MessageKey } from './messages';
