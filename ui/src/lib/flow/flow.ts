// The screen state machine of one window: list → 電子証明書更新前処理中 (precheck) →
// (更新: where to save) → consent 1 → (PIN) → issuing → consent 2 → installing → done;
// a renewal cut short has its own screen (続ける: the same path; 破棄: its consent). Plain TypeScript so it is unit-tested without a DOM; the Svelte
// components only render `screen` and call the actions. PINs pass through, never stored.
import type { Backend, Unsubscribe } from '../backend/backend';
import type {
  AppInfo,
  IdentityListing,
  IdentityView,
  PrecheckItem,
  PrecheckKind,
  ProgressEvent,
  StorageKind,
  UnfinishedRenewal,
} from '../backend/bindings';
import { toErrorView } from '../backend/errors';
import { SetupFlow } from './setup';
import { applyProgress, installingSteps, issuingSteps } from './steps';

export { atFinalTry, PRECHECK_ORDER, usesToken, type Screen, type ScreenKind } from './screen';
import { atFinalTry, PRECHECK_ORDER, usesToken, type Screen } from './screen';

export interface FlowOptions {
  /** How long the passed checks stay on screen before the flow moves on (ms). */
  precheckPauseMs?: number;
}

export class RenewalFlow {
  info: AppInfo | null = null;
  private current: Screen = { kind: 'loading' };
  private listing: IdentityListing = { identities: [], errors: [], unfinished: [], profiles: [] };
  private readonly subscribers = new Set<(screen: Screen) => void>();
  private unlisten: Unsubscribe | null = null;
  private unlistenOpen: Unsubscribe | null = null;
  /** A renewal may have been asked for from outside: ask the back end when on the list. */
  private openAsked = false;
  /** The request being served (start() waits for it before opening a renewal cut short). */
  private serving: Promise<void> = Promise.resolve();
  /** Which precheck run the screen shows; answers of an abandoned run are dropped. */
  private precheckRun = 0;

  /** The welcome and settings screens. */
  readonly setup: SetupFlow;

  constructor(
    private readonly backend: Backend,
    private readonly options: FlowOptions = {},
  ) {
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
    // `shomei --open FP` and the tray's 更新する, while the window is open.
    this.unlistenOpen ??= await this.backend.onOpenRequest(() => {
      this.openAsked = true;
      void this.serveOpenRequest();
    });
    try {
      this.info = await this.backend.appInfo();
    } catch (err) {
      this.set({ kind: 'error', error: toErrorView(err) });
      return;
    }
    if (this.info.needsProfile) {
      await this.setup.welcome().catch((err) => this.set({ kind: 'error', error: toErrorView(err) }));
      return;
    }
    await this.reload();
    await this.serving;
    // A renewal cut short is what the user must not miss: the window opens on it (once;
    // 一覧へ leaves it in the list).
    const first = this.listing.unfinished[0];
    if (this.current.kind === 'list' && first) this.openUnfinished(first.renewalId);
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
    this.unlistenOpen?.();
    this.unlistenOpen = null;
  }

  /** Reads the stores again; after a renewal this is what shows the new expiry. */
  async reload(): Promise<void> {
    this.set({ kind: 'loading' });
    try {
      this.listing = await this.backend.listIdentities();
      // One asked for before this window listened (`shomei --open FP` at start, 更新する
      // in the tray while no window was open) is taken with the list.
      this.openAsked = true;
      this.set({ kind: 'list', listing: this.listing });
    } catch (err) {
      this.set({ kind: 'error', error: toErrorView(err) });
    }
  }

  /**
   * A renewal asked for from outside the window (`shomei --open FP`, the tray's 更新する):
   * taken once, and started as 更新 would, when the list is on screen. Asked for during
   * another renewal, it waits for the list (the back end keeps it).
   */
  serveOpenRequest(): Promise<void> {
    if (this.current.kind !== 'list' || !this.openAsked) return this.serving;
    this.openAsked = false;
    this.serving = this.backend
      .takeOpenRequest()
      .then((fingerprint) => (fingerprint ? this.renew(this.fingerprintIn(fingerprint)) : undefined))
      .catch(() => {});
    return this.serving;
  }

  /** The listed spelling of `fp` (upper or lower case, with or without colons). */
  private fingerprintIn(fp: string): string {
    const plain = (f: string) => f.replaceAll(':', '').toLowerCase();
    return this.listing.identities.find((i) => plain(i.fingerprint) === plain(fp))?.fingerprint ?? fp;
  }

  /**
   * 更新 (or 「電子証明書の更新はこちら」): an identity with an unfinished renewal opens that
   * renewal's screen; otherwise the checks of 電子証明書更新前処理中 run first.
   */
  async renew(fingerprint: string): Promise<void> {
    if (this.current.kind !== 'list') return;
    const identity = this.listing.identities.find((i) => i.fingerprint === fingerprint);
    if (!identity) return;
    const unfinished = this.unfinishedOf(identity);
    if (unfinished) this.openUnfinished(unfinished.renewalId);
    else await this.precheck(identity, false);
  }

  /** The screen of a renewal cut short, from the list (or at start). */
  openUnfinished(renewalId: string): void {
    if (this.current.kind !== 'list') return;
    const unfinished = this.listing.unfinished.find((u) => u.renewalId === renewalId);
    if (!unfinished) return;
    const identity =
      this.listing.identities.find((i) => i.fingerprint.toLowerCase() === unfinished.fingerprint.toLowerCase()) ?? null;
    this.set({ kind: 'unfinished', unfinished, identity });
  }

  /** 続ける: carry it on the way 更新 does, checks first, into the store it was started for. */
  async continueUnfinished(): Promise<void> {
    const s = this.current;
    if (s.kind === 'unfinished' && s.identity) await this.precheck(s.identity, true);
  }

  /** 破棄 on the unfinished renewal's screen: its consent first. */
  discardUnfinished(): void {
    const s = this.current;
    if (s.kind === 'unfinished') this.discard(s.unfinished.renewalId);
  }

  /** 一覧へ (and Esc) on the unfinished renewal's screen. */
  closeUnfinished(): void {
    if (this.current.kind === 'unfinished') this.set({ kind: 'list', listing: this.listing });
  }

  /** 再確認 after a failed check. */
  async retryPrecheck(): Promise<void> {
    const s = this.current;
    if (s.kind === 'precheck' && s.failed) await this.precheck(s.identity, s.carriesOn);
  }

  /** 一覧に戻る (or Esc) on 電子証明書更新前処理中: the checks changed nothing. */
  cancelPrecheck(): void {
    if (this.current.kind !== 'precheck') return;
    this.precheckRun++;
    this.set({ kind: 'list', listing: this.listing });
  }

  private unfinishedOf(identity: IdentityView): UnfinishedRenewal | undefined {
    return this.listing.unfinished.find((u) => u.fingerprint.toLowerCase() === identity.fingerprint.toLowerCase());
  }

  private async precheck(identity: IdentityView, carriesOn: boolean): Promise<void> {
    const run = ++this.precheckRun;
    const waiting = (check: PrecheckKind): PrecheckItem => ({ check, state: 'waiting', error: null, pin: null });
    this.set({ kind: 'precheck', identity, checks: PRECHECK_ORDER.map(waiting), failed: null, carriesOn });
    const current = () => (this.current.kind === 'precheck' && run === this.precheckRun ? this.current : null);
    const tick = (item: PrecheckItem) => {
      const s = current();
      if (s) this.set({ ...s, checks: s.checks.map((c) => (c.check === item.check ? item : c)) });
    };
    let report;
    try {
      report = await this.backend.precheckRenewal(identity.fingerprint, tick);
    } catch (err) {
      if (current()) this.set({ kind: 'error', error: toErrorView(err), bank: identity.bank });
      return;
    }
    const s = current();
    if (!s) return;
    const failed = report.checks.find((c) => c.state === 'failed') ?? null;
    this.set({ ...s, checks: report.checks, failed });
    if (failed || !report.passed) return;
    const pause = this.options.precheckPauseMs ?? 0;
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
    if (current()) this.proceed(identity, carriesOn || report.carriesOn);
  }

  /** After the checks: 更新 (where to save) when the bank offers both, else consent 1. */
  private proceed(identity: IdentityView, carriesOn: boolean): void {
    // An unfinished renewal is carried on into the store it was started for.
    if (identity.renewableInto.length > 1 && !carriesOn) {
      const tokenMissing = this.listing.errors.some((e) => e.code === 'tokenAbsent' || e.code === 'moduleMissing');
      this.set({ kind: 'chooseStore', identity, into: identity.storage, tokenMissing });
    } else this.set({ kind: 'consentRequest', identity, into: null, carriesOn });
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
    this.set({ kind: 'consentRequest', identity: s.identity, into: s.into, carriesOn: false });
  }

  cancelStore(): void {
    if (this.current.kind === 'chooseStore') this.set({ kind: 'list', listing: this.listing });
  }

  /** 破棄 on an unfinished renewal: first say what it does. */
  discard(renewalId: string): void {
    if (this.current.kind !== 'list' && this.current.kind !== 'unfinished') return;
    const unfinished = this.listing.unfinished.find((u) => u.renewalId === renewalId);
    if (unfinished) this.set({ kind: 'consentDiscard', unfinished, busy: false });
  }

  async answerDiscardConsent(yes: boolean): Promise<void> {
    const s = this.current;
    if (s.kind !== 'consentDiscard' || s.busy) return;
    if (!yes) this.backToUnfinished(s.unfinished);
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
    const s = this.current;
    if (s.kind === 'discardPin') this.backToUnfinished(s.unfinished);
  }

  /** Nothing was discarded: back to the renewal's own screen. */
  private backToUnfinished(unfinished: UnfinishedRenewal): void {
    this.set({ kind: 'list', listing: this.listing });
    this.openUnfinished(unfinished.renewalId);
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
      case 'precheck':
        return this.cancelPrecheck();
      case 'unfinished':
        return this.closeUnfinished();
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
    if (screen.kind === 'list' && this.openAsked) void this.serveOpenRequest();
  }
}
