// The screen state machine of one window: list → (更新: where to save) → consent 1 → (PIN)
// → issuing → consent 2 → installing → done. Plain TypeScript so it is unit-tested without a DOM; the Svelte
// components only render `screen` and call the actions. PINs pass through, never stored.
import type { Backend, Unsubscribe } from '../backend/backend';
import type {
  AppInfo,
  BankRef,
  ErrorView,
  IdentityListing,
  IdentityView,
  IssuedCertificate,
  ProfileView,
  ProgressEvent,
  RenewalOutcome,
  Settings,
  StorageKind,
  UnfinishedRenewal,
} from '../backend/bindings';
import { toErrorView } from '../backend/errors';
import { SetupFlow } from './setup';
import { applyProgress, installingSteps, issuingSteps, type StepView } from './steps';

export type Screen =
  | { kind: 'loading' }
  // No bank profile in use: add the bank's profile file, or try the demo. `added`: the
  // last profile tried, with its problems when it did not load.
  | { kind: 'welcome'; profiles: ProfileView[]; added: ProfileView | null; busy: boolean }
  | {
      kind: 'settings';
      settings: Settings;
      profiles: ProfileView[];
      added: ProfileView | null;
      busy: boolean;
      error: ErrorView | null;
      saved: boolean;
    }
  | { kind: 'list'; listing: IdentityListing }
  // 更新: パソコンに保存する / 専用USBに保存する, when the bank offers both. tokenMissing: the
  // list could not read the token (or its software is missing): the USB choice shows the
  // manual's preparation text instead of failing later.
  | { kind: 'chooseStore'; identity: IdentityView; into: StorageKind; tokenMissing: boolean }
  // into: where the new certificate goes; null when only where it is now is offered.
  | { kind: 'consentRequest'; identity: IdentityView; into: StorageKind | null }
  // finalTry: the next entry may lock the token, so the screen asks for explicit confirmation.
  // askBankPassword: the bank wants its own password too (BankRef.asksPassword, or it said
  // so: bankAuthRequired). Without a token taking part only that password is asked.
  | {
      kind: 'pin';
      identity: IdentityView;
      into: StorageKind | null;
      error: ErrorView | null;
      finalTry: boolean;
      askBankPassword: boolean;
    }
  | { kind: 'issuing'; identity: IdentityView; into: StorageKind | null; renewalId: string | null; steps: StepView[] }
  | { kind: 'consentInstall'; identity: IdentityView; into: StorageKind | null; issued: IssuedCertificate; busy: boolean }
  | { kind: 'installing'; identity: IdentityView; into: StorageKind | null; issued: IssuedCertificate; steps: StepView[] }
  | { kind: 'done'; identity: IdentityView; into: StorageKind | null; outcome: RenewalOutcome }
  // 破棄 of an unfinished renewal: what it does, then (on a token) the PIN.
  | { kind: 'consentDiscard'; unfinished: UnfinishedRenewal; busy: boolean }
  | { kind: 'discardPin'; unfinished: UnfinishedRenewal; error: ErrorView | null; finalTry: boolean }
  // bank: the bank of the identity being renewed, whose support contact the screen shows
  // where calling the bank is the next step.
  | { kind: 'error'; error: ErrorView; bank?: BankRef | null };

export type ScreenKind = Screen['kind'];

/**
 * Whether the next PIN entry is the token's final try. The back end knows only the token's
 * final-try flag, so it says so either by refusing an unconfirmed try (pinFinalTry, nothing
 * sent) or by a wrong PIN that left one try (pinIncorrect with retriesLeft 1).
 */
export function atFinalTry(error: ErrorView | null): boolean {
  if (error?.code === 'pinFinalTry') return true;
  return error?.code === 'pinIncorrect' && error.retriesLeft === 1;
}

/** Whether a renewal of `identity` into `into` uses the USB token (and so its PIN). */
export function usesToken(identity: IdentityView, into: StorageKind | null): boolean {
  return identity.storage === 'usbToken' || into === 'usbToken';
}

export class RenewalFlow {
  info: AppInfo | null = null;
  private current: Screen = { kind: 'loading' };
  private listing: IdentityListing = { identities: [], errors: [], unfinished: [], profiles: [] };
  private readonly subscribers = new Set<(screen: Screen) => void>();
  private unlisten: Unsubscribe | null = null;

  /** The welcome and settings screens. */
  readonly setup: SetupFlow;

  constructor(private readonly backend: Backend) {
    this.setup = new SetupFlow(backend, this);
  }

  get screen(): Screen {
    return this.current;
  }

  subscribe(fn: (screen: Screen) => void): () => void {
    this.subscribers.add(fn);
    fn(this.current);
    return () => this.subscribers.delete(fn);
  }

  /** Listens for progress first, so no event of the first renewal can be missed. */
  async start(): Promise<void> {
    this.unlisten ??= await this.backend.onProgress((e) => this.onProgress(e));
    try {
      this.info = await this.backend.appInfo();
    } catch (err) {
      this.set({ kind: 'error', error: toErrorView(err) });
      return;
    }
    if (this.info.needsProfile) await this.setup.welcome().catch((err) => this.set({ kind: 'error', error: toErrorView(err) }));
    else await this.reload();
  }

  /** Shows `screen` (SetupFlow's screens). */
  show(screen: Screen): void {
    this.set(screen);
  }

  /** The window's title, in the UI's language; a failure only leaves the old title. */
  setTitle(title: string): void {
    this.backend.setTitle(title).catch(() => {});
  }

  dispose(): void {
    this.setup.dispose();
    this.unlisten?.();
    this.unlisten = null;
  }

  /** Reads the stores again; after a renewal this is what shows the new expiry. */
  async reload(): Promise<void> {
    this.set({ kind: 'loading' });
    try {
      this.listing = await this.backend.listIdentities();
      this.set({ kind: 'list', listing: this.listing });
    } catch (err) {
      this.set({ kind: 'error', error: toErrorView(err) });
    }
  }

  renew(fingerprint: string): void {
    if (this.current.kind !== 'list') return;
    const identity = this.listing.identities.find((i) => i.fingerprint === fingerprint);
    if (!identity) return;
    // An unfinished renewal is carried on into the store it was started for.
    const unfinished = this.listing.unfinished.some(
      (u) => u.fingerprint.toLowerCase() === identity.fingerprint.toLowerCase(),
    );
    if (identity.renewableInto.length > 1 && !unfinished) {
      const tokenMissing = this.listing.errors.some((e) => e.code === 'tokenAbsent' || e.code === 'moduleMissing');
      this.set({ kind: 'chooseStore', identity, into: identity.storage, tokenMissing });
    } else this.set({ kind: 'consentRequest', identity, into: null });
  }

  /** 更新: the store the new certificate goes to. */
  chooseStore(into: StorageKind): void {
    const s = this.current;
    if (s.kind === 'chooseStore' && s.identity.renewableInto.includes(into)) this.set({ ...s, into });
  }

  /** 次へ on 更新; the USB choice goes on only when the token can be used. */
  confirmStore(): void {
    const s = this.current;
    if (s.kind !== 'chooseStore' || (s.into === 'usbToken' && s.tokenMissing)) return;
    this.set({ kind: 'consentRequest', identity: s.identity, into: s.into });
  }

  cancelStore(): void {
    if (this.current.kind === 'chooseStore') this.set({ kind: 'list', listing: this.listing });
  }

  /** 破棄 on an unfinished renewal: first say what it does. */
  discard(renewalId: string): void {
    if (this.current.kind !== 'list') return;
    const unfinished = this.listing.unfinished.find((u) => u.renewalId === renewalId);
    if (unfinished) this.set({ kind: 'consentDiscard', unfinished, busy: false });
  }

  async answerDiscardConsent(yes: boolean): Promise<void> {
    const s = this.current;
    if (s.kind !== 'consentDiscard' || s.busy) return;
    if (!yes) this.set({ kind: 'list', listing: this.listing });
    else if (s.unfinished.storage === 'usbToken') {
      this.set({ kind: 'discardPin', unfinished: s.unfinished, error: null, finalTry: false });
    } else {
      this.set({ ...s, busy: true });
      await this.runDiscard(s.unfinished, '', false);
    }
  }

  async submitDiscardPin(pin: string, confirmFinalTry = false): Promise<void> {
    const s = this.current;
    if (s.kind === 'discardPin') await this.runDiscard(s.unfinished, pin, s.finalTry && confirmFinalTry);
  }

  cancelDiscardPin(): void {
    if (this.current.kind === 'discardPin') this.set({ kind: 'list', listing: this.listing });
  }

  private async runDiscard(unfinished: UnfinishedRenewal, pin: string, confirmFinalTry: boolean): Promise<void> {
    try {
      await this.backend.discardRenewal(unfinished.renewalId, pin, confirmFinalTry);
      await this.reload();
    } catch (err) {
      const error = toErrorView(err);
      if (error.code === 'pinIncorrect' || error.code === 'pinFinalTry') {
        this.set({ kind: 'discardPin', unfinished, error, finalTry: atFinalTry(error) });
      } else this.set({ kind: 'error', error });
    }
  }


  /** Consent 1. "No" changes nothing, so the list already in memory is still true. */
  async answerRequestConsent(yes: boolean): Promise<void> {
    const s = this.current;
    if (s.kind !== 'consentRequest') return;
    const askBankPassword = s.identity.bank?.asksPassword ?? false;
    if (!yes) this.set({ kind: 'list', listing: this.listing });
    else if (usesToken(s.identity, s.into) || askBankPassword) {
      this.set({ kind: 'pin', identity: s.identity, into: s.into, error: null, finalTry: false, askBankPassword });
    } else await this.issue(s.identity, s.into, '', false, null);
  }

  /**
   * `confirmFinalTry` counts only while the screen shows the final-try warning, so the final
   * try is never spent by a confirmation the user did not see.
   */
  async submitPin(pin: string, confirmFinalTry = false, bankPassword: string | null = null): Promise<void> {
    const s = this.current;
    if (s.kind !== 'pin') return;
    await this.issue(s.identity, s.into, pin, s.finalTry && confirmFinalTry, s.askBankPassword ? bankPassword : null);
  }

  cancelPin(): void {
    if (this.current.kind === 'pin') this.set({ kind: 'list', listing: this.listing });
  }

  /** Consent 2. "No" abandons the renewal so the back end removes the unused new key. */
  async answerInstallConsent(yes: boolean): Promise<void> {
    const s = this.current;
    if (s.kind !== 'consentInstall' || s.busy) return;
    const { identity, issued, into } = s;
    try {
      if (!yes) {
        this.set({ ...s, busy: true });
        await this.backend.cancelRenewal(issued.renewalId);
        await this.reload();
        return;
      }
      this.set({ kind: 'installing', identity, into, issued, steps: installingSteps() });
      const outcome = await this.backend.installRenewal(issued.renewalId);
      this.set({ kind: 'done', identity, into, outcome });
    } catch (err) {
      this.set({ kind: 'error', error: toErrorView(err), bank: identity.bank });
    }
  }

  /**
   * Esc: what キャンセル / いいえ does on the screen, where that changes nothing. At consent 2
   * いいえ throws the issued certificate away, so Esc does nothing there; nor while working.
   */
  async escape(): Promise<void> {
    switch (this.current.kind) {
      case 'chooseStore':
        return this.cancelStore();
      case 'consentRequest':
        return this.answerRequestConsent(false);
      case 'pin':
        return this.cancelPin();
      case 'consentDiscard':
        return this.answerDiscardConsent(false);
      case 'discardPin':
        return this.cancelDiscardPin();
      case 'error':
        return this.backToList();
      case 'settings':
        return this.setup.closeSettings();
      default:
        return;
    }
  }

  /** 閉じる on 完了 and 一覧に戻る on an error both end in a freshly read list. */
  async backToList(): Promise<void> {
    if (this.current.kind !== 'done' && this.current.kind !== 'error') return;
    if (this.info?.needsProfile) await this.setup.welcome();
    else await this.reload();
  }

  private async issue(
    identity: IdentityView,
    into: StorageKind | null,
    pin: string,
    confirmFinalTry: boolean,
    bankPassword: string | null,
  ): Promise<void> {
    const token = usesToken(identity, into);
    this.set({ kind: 'issuing', identity, into, renewalId: null, steps: issuingSteps(token) });
    try {
      const issued = await this.backend.startRenewal(identity.fingerprint, pin, confirmFinalTry, into, bankPassword);
      this.set({ kind: 'consentInstall', identity, into, issued, busy: false });
    } catch (err) {
      const error = toErrorView(err);
      // A wrong PIN, or a final try awaiting confirmation, is not a failure of the renewal:
      // ask again on the PIN screen.
      const askBankPassword = bankPassword !== null || error.code === 'bankAuthRequired';
      if (error.code === 'pinIncorrect' || error.code === 'pinFinalTry') {
        this.set({ kind: 'pin', identity, into, error, finalTry: atFinalTry(error), askBankPassword });
      } else if (error.code === 'bankAuthRequired' && bankPassword === null) {
        // The bank (or its CA) wants its password: ask for it, with the PIN again.
        this.set({ kind: 'pin', identity, into, error, finalTry: false, askBankPassword: true });
      } else this.set({ kind: 'error', error, bank: identity.bank });
    }
  }

  private onProgress(event: ProgressEvent): void {
    const s = this.current;
    // start_renewal only tells us its id when it returns, so the issuing screen adopts the
    // id of the first event it sees and ignores any other renewal afterwards.
    if (s.kind === 'issuing' && (s.renewalId === null || s.renewalId === event.renewalId)) {
      this.set({ ...s, renewalId: event.renewalId, steps: applyProgress(s.steps, event) });
    } else if (s.kind === 'installing' && s.issued.renewalId === event.renewalId) {
      this.set({ ...s, steps: applyProgress(s.steps, event) });
    }
  }

  private set(screen: Screen): void {
    this.current = screen;
    for (const fn of this.subscribers) fn(screen);
  }
}
