// The current UI language as Svelte state, so every t() call in a template re-renders when
// the user flips the toggle.
import { translate, type Locale, type MessageKey, type Params } from './catalog';

let current = $state<Locale>('ja');

export const i18n = {
  get locale(): Locale {
    return current;
  },
  set locale(next: Locale) {
    current = next;
    // Lets the webview pick Japanese glyph shapes for CJK text and screen readers the voice.
    if (typeof document !== 'undefined') document.documentElement.lang = next;
  },
};

export function t(key: MessageKey, params?: Params): string {
  return translate(current, key, params);
}
