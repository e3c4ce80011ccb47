// The only module that imports @tauri-apps/*. Invoke names and argument shapes are the
// contract with src-tauri's commands; arguments are camelCase as Tauri expects by default.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { getCurrentWindow } from '@tauri-apps/api/window';
import type { Backend, Unsubscribe } from './backend';
import type {
  AppInfo,
  IdentityListing,
  IssuedCertificate,
  ProfileView,
  PrecheckItem,
  PrecheckReport,
  ProgressEvent,
  RenewalOutcome,
  Settings,
  StorageKind,
  SupportBundleSaved,
  UpdateStatus,
} from './bindings';
import { toErrorView } from './errors';

export const PROGRESS_EVENT = 'renewal-progress';
/** src-tauri/src/lifecycle.rs OPEN_RENEWAL_EVENT. */
export const OPEN_RENEWAL_EVENT = 'open-renewal';
/** src-tauri/src/updates.rs STATUS_EVENT. */
export const UPDATE_STATUS_EVENT = 'update-status';

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
    bankPassword: string | null = null,
  ): Promise<IssuedCertificate> {
    return call('start_renewal', { fingerprint, pin, confirmFinalTry, into, bankPassword });
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
  takeOpenRequest(): Promise<string | null> {
    return call('take_open_request');
  }
  async onOpenRequest(cb: () => void): Promise<Unsubscribe> {
    return listen<string>(OPEN_RENEWAL_EVENT, () => cb());
  }
  async shown(screen: 'list'): Promise<void> {
    await call<null>('ui_shown', { what: screen });
  }
  reloadProfiles(): Promise<AppInfo> {
    return call('reload_profiles');
  }
  pickProfileFile(title: string): Promise<string | null> {
    return call('pick_profile_file', { title });
  }
  saveSupportBundle(title: string): Promise<SupportBundleSaved | null> {
    return call('save_support_bundle', { title });
  }
  addProfile(path: string): Promise<ProfileView> {
    return call('add_profile', { path });
  }
  removeProfile(id: string): Promise<AppInfo> {
    return call('remove_profile', { id });
  }
  getSettings(): Promise<Settings> {
    return call('get_settings');
  }
  saveSettings(settings: Settings): Promise<Settings> {
    return call('save_settings', { settings });
  }
  async startDemo(): Promise<void> {
    await call<null>('start_demo');
  }
  updateStatus(): Promise<UpdateStatus> {
    return call('update_status');
  }
  async onUpdateStatus(cb: (status: UpdateStatus) => void): Promise<Unsubscribe> {
    return listen<UpdateStatus>(UPDATE_STATUS_EVENT, (e) => cb(e.payload));
  }
  applyUpdate(version: string): Promise<UpdateStatus> {
    return call('apply_update', { version });
  }
  async restartAfterUpdate(): Promise<void> {
    await call<null>('restart_after_update');
  }
  async onFileDrop(cb: (paths: string[]) => void): Promise<Unsubscribe> {
    return getCurrentWebview().onDragDropEvent((e) => {
      if (e.payload.type === 'drop' && e.payload.paths.length > 0) cb(e.payload.paths);
    });
  }
}

/** Tauri injects this global into its webview; a plain browser has none. */
export function insideTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}
