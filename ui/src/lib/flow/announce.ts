// What the window's one live region (App.svelte, role="status") says for a screen, so a
// screen reader hears the renewal's progress and its result without moving the focus.
// Errors are not here: their screens say them in a role="alert" of their own, as the PIN
// screen does a wrong PIN. Screens that take the focus (consents, PIN) are read from there.
import { stepLabelKey, translate, type Locale } from '../i18n/catalog';
import { usesToken, type Screen } from './flow';

export function announcement(screen: Screen, locale: Locale): string {
  const t = (key: Parameters<typeof translate>[1]) => translate(locale, key);
  const colon = locale === 'ja' ? '：' : ': ';
  switch (screen.kind) {
    case 'loading':
      return t('app.loading');
    case 'issuing':
    case 'installing': {
      const token = usesToken(screen.identity, screen.into);
      const failed = screen.steps.find((s) => s.state === 'failed');
      if (failed) return `${t(stepLabelKey(failed.step, token))}${colon}${t('progress.failed')}`;
      const running = screen.steps.find((s) => s.state === 'running');
      if (running) return t(stepLabelKey(running.step, token));
      return t(screen.kind === 'issuing' ? 'progress.issuingTitle' : 'progress.installingTitle');
    }
    case 'done': {
      const into = screen.into ?? screen.identity.storage;
      return `${t('done.title')}${colon}${t(into === 'usbToken' ? 'done.usbToken' : 'done.thisPc')}`;
    }
    default:
      return '';
  }
}
