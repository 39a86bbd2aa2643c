import { LANGUAGES, type Language } from './messages';

export const DEFAULT_LANGUAGE: Language = 'en';
const STORAGE_KEY = 'preventia.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The first supported language among the browser's preferences (`es-MX` counts as `es`),
 * else English.
 */
export function pickLanguage(preferences: readonly string[]): Language {
  for (const tag of preferences) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (isLanguage(primary)) {
      return primary;
    }
  }
  return DEFAULT_LANGUAGE;
}

/** The language chosen before (saved by the toggle), else the browser's. */
export function initialLanguage(): Language {
  const saved = readSaved();
  if (saved !== null) {
    return saved;
  }
  if (typeof navigator === 'undefined') {
    return DEFAULT_LANGUAGE;
  }
  const preferences = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return pickLanguage(preferences);
}

export function saveLanguage(language: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Storage may be disabled (private mode, strict settings): the choice just isn't kept.
  }
}

function readSaved(): Language | null {
  try {
    const value = typeof window === 'undefined' ? null : window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}
