import { describe, expect, it } from 'vitest';

import { pickLanguage } from './language';
import { MESSAGES, translate } from './messages';

describe('pickLanguage', () => {
  it('takes the first supported language from the browser preferences', () => {
    expect(pickLanguage(['es-MX', 'en-US'])).toBe('es');
    expect(pickLanguage(['fr-FR', 'en-GB', 'es'])).toBe('en');
    expect(pickLanguage(['ES_es'])).toBe('es');
  });

  it('falls back to English', () => {
    expect(pickLanguage([])).toBe('en');
    expect(pickLanguage(['de-DE', 'fr'])).toBe('en');
  });
});

describe('messages', () => {
  it('has the same keys in every language, none empty', () => {
    const english = Object.keys(MESSAGES.en).sort();
    expect(Object.keys(MESSAGES.es).sort()).toEqual(english);
    for (const dictionary of Object.values(MESSAGES)) {
      for (const text of Object.values(dictionary)) {
        expect(text.trim()).not.toBe('');
      }
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('es', 'status.error', { reason: 'timeout' })).toBe(
      'No se pudo contactar con la API: timeout',
    );
    expect(translate('en', 'status.error')).toBe('The API could not be reached: {reason}');
  });
});
