// The only module that imports @tauri-apps/*. Invoke names and argument shapes are the
// contract with src-tauri's commands; arguments are camelCase as Tauri expects by default.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';
import type { Backend, Unsubscribe } from './backend';
import type {
  AppInfo,
  IdentityListing,
  IssuedCertificate,
  PrecheckItem,
  PrecheckReport,
  ProgressEvent,
  RenewalOutcome,
  StorageKind,
} from './bindings';
import { toErrorView } from './errors';

export const PROGRESS_EVENT = 'renewal-progress';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw toErrorView(err);
  }
}

export class TauriBackend implements Backend {
  appInfo(): Promise<AppInfo> {
    return call('app_info');
  }
  async setTitle(title: string): Promise<void> {
    document.title = title;
    await getCurrentWindow().setTitle(title);
  }
  listIdentities(): Promise<IdentityListing> {
    return call('list_identities');
  }
  precheckRenewal(fingerprint: string, onCheck: (item: PrecheckItem) => void): Promise<PrecheckReport> {
    // A channel of this call only: each check as it changes, in order.
    const channel = new Channel<PrecheckItem>();
    channel.onmessage = onCheck;
    return call('precheck_renewal', { fingerprint, onCheck: channel });
  }
  startRenewal(
    fingerprint: string,
    pin: string,
    confirmFinalTry: boolean,
    into: StorageKind | null = null,
  ): Promise<IssuedCertificate> {
    // bankPassword: the screen that asks for it (profile est.http_user) comes with the
    // renewal screens; until then the engine answers bankAuthRequired.
    return call('start_renewal', { fingerprint, pin, confirmFinalTry, into, bankPassword: null });
  }
  installRenewal(renewalId: string): Promise<RenewalOutcome> {
    return call('install_renewal', { renewalId });
  }
  async cancelRenewal(renewalId: string): Promise<void> {
    await call<null>('cancel_renewal', { renewalId });
  }
  async discardRenewal(renewalId: string, pin: string, confirmFinalTry: boolean): Promise<void> {
    await call<null>('discard_renewal', { renewalId, pin, confirmFinalTry });
  }
  async onProgress(cb: (event: ProgressEvent) => void): Promise<Unsubscribe> {
    return listen<ProgressEvent>(PROGRESS_EVENT, (e) => cb(e.payload));
  }
}

/** Tauri injects this global into its webview; a plain browser has none. */
export function insideTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}
