// The one interface the screens talk to. Everything Tauri-specific hides behind it so the
// flow can be unit-tested and the UI can run in a plain browser with the fake.
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

export type Unsubscribe = () => void;

/** The welcome and settings screens: bank profiles, settings, the demo. */
export interface SetupBackend {
  /** Looks for bank profiles again (one an administrator deployed meanwhile). */
  reloadProfiles(): Promise<AppInfo>;
  /** The OS's file chooser for a bank profile; null when the user cancels. */
  pickProfileFile(title: string): Promise<string | null>;
  /**
   * Checks the profile at `path` and, when it loads, adds it to the user's profiles. The
   * answer's state says which: 'loaded', or the profile as found with its problems.
   */
  addProfile(path: string): Promise<ProfileView>;
  /** Removes one of the user's own profiles (never an administrator's). */
  removeProfile(id: string): Promise<AppInfo>;
  getSettings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<Settings>;
  /**
   * 「サポート情報を保存」: the OS's save dialog (titled `title`), then the support bundle
   * written there; null when the user cancels.
   */
  saveSupportBundle(title: string): Promise<SupportBundleSaved | null>;
  /** Starts Shomei again on its embedded demo; this window closes. */
  startDemo(): Promise<void>;
  /** Files dropped on the window, by path. */
  onFileDrop(cb: (paths: string[]) => void): Promise<Unsubscribe>;
}

/** Shomei's own updates (the update banner). */
export interface UpdateBackend {
  /** Where the update stands now (the checks run by themselves, at start and daily). */
  updateStatus(): Promise<UpdateStatus>;
  /** Every change of the status (progress included). */
  onUpdateStatus(cb: (status: UpdateStatus) => void): Promise<Unsubscribe>;
  /**
   * 更新する: the user agrees to install `version`. Resolves with the final status (installed,
   * or failed with the reason; a renewal in progress refuses it).
   */
  applyUpdate(version: string): Promise<UpdateStatus>;
  /** 再起動 after an install (only when the installed status says it can). */
  restartAfterUpdate(): Promise<void>;
}

export interface Backend extends SetupBackend, UpdateBackend {
  appInfo(): Promise<AppInfo>;
  /** The window's title (the OS shows it in the title bar and the task bar). */
  setTitle(title: string): Promise<void>;
  listIdentities(): Promise<IdentityListing>;
  /**
   * 電子証明書更新前処理中: the checks before renewing `fingerprint` (no PIN, nothing
   * changed). `onCheck` gets each check as its state changes; the report comes at the end.
   */
  precheckRenewal(fingerprint: string, onCheck: (item: PrecheckItem) => void): Promise<PrecheckReport>;
  /**
   * Logs in, generates the key, asks the bank and verifies the answer; does not install.
   * At the token's final PIN try it rejects with pinFinalTry without sending the PIN unless
   * `confirmFinalTry` says the user explicitly agreed to spend that try (SPEC §4).
   */
  /**
   * `into`: the store the new certificate goes to (null: where the current one is).
   * `bankPassword`: the bank's own password, when it wants one (never stored).
   */
  startRenewal(
    fingerprint: string,
    pin: string,
    confirmFinalTry: boolean,
    into?: StorageKind | null,
    bankPassword?: string | null,
  ): Promise<IssuedCertificate>;
  installRenewal(renewalId: string): Promise<RenewalOutcome>;
  cancelRenewal(renewalId: string): Promise<void>;
  /**
   * Gives up an unfinished renewal (`IdentityListing.unfinished`): its new key goes, the old
   * identity stays. The PIN logs in to the token ('' for a store without one).
   */
  discardRenewal(renewalId: string, pin: string, confirmFinalTry: boolean): Promise<void>;
  /**
   * Resolves once the listener is registered: callers await it before starting a renewal,
   * otherwise the first progress events could be emitted before anyone listens.
   */
  onProgress(cb: (event: ProgressEvent) => void): Promise<Unsubscribe>;
  /**
   * The renewal asked for from outside the window (`shomei --open FP`, the tray's 更新する),
   * once: null when none is waiting.
   */
  takeOpenRequest(): Promise<string | null>;
  /** Called when a renewal is asked for from outside; the window then takes it. */
  onOpenRequest(cb: () => void): Promise<Unsubscribe>;
  /**
   * The screen is painted (once per page load; today only the list with identities). The
   * shell logs one line for it, which the footprint benchmark (bench/footprint.py) times.
   */
  shown(screen: 'list'): Promise<void>;
}
