// "open-renewal" (payload: a certificate's fingerprint): the shell asks the window to start
// that identity's renewal (a clicked notification; the tray and `--open FP` send the same).
// Outside Tauri nothing sends it.
import { listen } from '@tauri-apps/api/event';
import { insideTauri } from './tauri';

export const OPEN_RENEWAL_EVENT = 'open-renewal';

/** Calls `cb` with each fingerprint the shell asks to renew; returns the unsubscriber. */
export function onOpenRenewal(cb: (fingerprint: string) => void): () => void {
  if (!insideTauri()) return () => {};
  const listening = listen<string>(OPEN_RENEWAL_EVENT, (e) => cb(e.payload));
  return () => void listening.then((unlisten) => unlisten());
}
