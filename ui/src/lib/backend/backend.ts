// The one interface the screens talk to. Everything Tauri-specific hides behind it so the
// flow can be unit-tested and the UI can run in a plain browser with the fake.
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

export type Unsubscribe = () => void;

export interface Backend {
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
  /** `into`: the store the new certificate goes to (null: where the current one is). */
  startRenewal(
    fingerprint: string,
    pin: string,
    confirmFinalTry: boolean,
    into?: StorageKind | null,
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
}
