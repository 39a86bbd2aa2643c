/**
 * Every user-visible string of the dashboard, in each supported language.
 *
 * The English dictionary defines the keys; the Spanish one must have exactly the same keys
 * (the `Messages` type enforces it at compile time).
 */

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const en = {
  'app.title': 'PreventIA',
  'app.documentTitle': 'PreventIA — breast-cancer media monitoring',
  'app.tagline':
    'Media monitoring of breast-cancer news in Spanish and English: how much the press says, where, on which topics and in which tone.',
  'app.skipToContent': 'Skip to content',
  'lang.label': 'Language',
  'lang.es': 'Español',
  'lang.en': 'English',
  'status.heading': 'Platform status',
  'status.api': 'API',
  'status.version': 'Version',
  'status.database': 'Database',
  'status.checking': 'checking…',
  'status.ok': 'ok',
  'status.ready': 'ready',
  'status.unavailable': 'unavailable',
  'status.unreachable': 'unreachable',
  'status.unknown': 'unknown',
  'status.refresh': 'Check again',
  'status.lastChecked': 'Last checked at {time}',
  'status.error': 'The API could not be reached: {reason}',
  'footer.text': 'PreventIA is open-source software.',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const es: Messages = {
  'app.title': 'PreventIA',
  'app.documentTitle': 'PreventIA — monitorización de medios sobre cáncer de mama',
  'app.tagline':
    'Monitorización de noticias sobre cáncer de mama en español e inglés: cuánto habla la prensa, dónde, de qué temas y con qué tono.',
  'app.skipToContent': 'Saltar al contenido',
  'lang.label': 'Idioma',
  'lang.es': 'Español',
  'lang.en': 'English',
  'status.heading': 'Estado de la plataforma',
  'status.api': 'API',
  'status.version': 'Versión',
  'status.database': 'Base de datos',
  'status.checking': 'comprobando…',
  'status.ok': 'ok',
  'status.ready': 'lista',
  'status.unavailable': 'no disponible',
  'status.unreachable': 'inaccesible',
  'status.unknown': 'desconocido',
  'status.refresh': 'Comprobar de nuevo',
  'status.lastChecked': 'Última comprobación: {time}',
  'status.error': 'No se pudo contactar con la API: {reason}',
  'footer.text': 'PreventIA es software libre.',
};

export const MESSAGES: Record<Language, Messages> = { en, es };

/** Looks a string up and fills its `{name}` placeholders. */
export function translate(
  language: Language,
  key: MessageKey,
  params: Readonly<Record<string, string>> = {},
): string {
  return MESSAGES[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}
