// A back end without Rust: used by unit tests and when the UI runs in a plain browser.
// It simulates one USB-token certificate inside its renewal window (12 days left) and one
// PC certificate of the other role whose window opens in 15 days, and can be told to fail
// with any ErrorCode. Its expired guidance and post-renewal checklist follow the engine's
// rules (src-tauri/crates/shomei-engine/src/guidance.rs) with a 30-day window.
// Its token reports PIN tries the way the real PKCS#11 back end can: a token only flags the
// final try (CKF_USER_PIN_FINAL_TRY), so retriesLeft is 1 or null, never a 3→2→1 count.
import type { Backend, Unsubscribe } from './backend';
import type {
  AppInfo,
  CertificateDetails,
  ErrorCode,
  ErrorView,
  IdentityListing,
  IdentityView,
  IssuedCertificate,
  ProfileView,
  PrecheckItem,
  PrecheckKind,
  PrecheckReport,
  ProgressEvent,
  RenewalOutcome,
  RenewalStep,
  Settings,
  StorageKind,
  SupportBundleSaved,
  SupportContactView,
  UnfinishedRenewal,
  UnfinishedStage,
  UpdateStatus,
} from './bindings';
import { FakeSetup, type FakeSetupOptions } from './fakeSetup';
import { fakePrecheck } from './fakePrecheck';
import { FakeUpdate, type FakeUpdateOptions } from './fakeUpdate';
import {
  DAY_MS,
  FAKE_BANK,
  WINDOW_DAYS,
  bankWith,
  checklist,
  endOfJstDay,
  expiredGuidance,
  hex,
  identity,
  startOfJstDay,
  type FakeIdentity,
} from './fakeData';

export type { FakeIdentity } from './fakeData';

export type FakeStage = 'list' | 'start' | 'install' | 'cancel' | 'discard' | 'demo';

export interface FakeOptions extends FakeSetupOptions, FakeUpdateOptions {
  /** Pause before each progress event, so a human can watch the demo. 0 in tests. */
  delayMs?: number;
  now?: Date;
  /** Make one stage reject with this code (pinIncorrect still needs a wrong PIN); `into`:
   * the store the error names (tokenAbsent into the USB token: the preparation text). */
  failWith?: { stage: FakeStage; code: ErrorCode; atStep?: RenewalStep; into?: StorageKind };
  /** Stop for good once this step has started, so a progress screen stays on show (gallery). */
  holdAt?: RenewalStep;
  /** The OS locale appInfo reports (the UI follows it); default 'ja'. */
  locale?: string;
  /** The token's hidden PIN counter at start; 1 puts it at its final try. Default 3. */
  pinTries?: number;
  /** The certificates listed at start (days left in Japan time); default: the two above. */
  identities?: FakeIdentity[];
  /** The bank's 再取得 grace after the expiry date; default 90 like the demo profile. */
  reacquireGraceDays?: number;
  /** The bank's support contact; default: the demo's. */
  support?: SupportContactView | null;
  /** The bank wants this password with a renewal (bankAuthRequired otherwise). */
  bankPassword?: string;
  /** …and its profile says so up front (BankRef.asksPassword; else only when asked). */
  bankAsksUpfront?: boolean;
  /** What the list could not read (a token not plugged in, its software missing). */
  listErrors?: ErrorView[];
  /** Renewals a previous run left unfinished, by the index of the identity they renew (or
   * `gone: true` for one whose certificate is no longer listed). */
  unfinished?: FakeUnfinished[];
  /** 電子証明書更新前処理中: make this check fail with this code (certificate: notFound,
   * tokenAbsent; window: outsideWindow, stillPending; bank: bankUnreachable, bankNotTrusted;
   * token: tokenAbsent, pinLocked). A locked PIN (pinTries 0) fails the token check by itself. */
  precheckFail?: { check: PrecheckKind; code: ErrorCode };
  /** 「サポート情報を保存」: saved (default), saved with a part missing, cancelled, or not saved. */
  supportBundle?: 'saved' | 'partial' | 'cancel' | 'fail';
}

export interface FakeUnfinished {
  identity?: number;
  gone?: boolean;
  stage: UnfinishedStage;
  stuck?: boolean;
}


const DEFAULT_IDENTITIES: FakeIdentity[] = [
  { cn: 'YAMADA TARO', days: 12, storage: 'usbToken', role: 'administrator' },
  { cn: 'SATO HANAKO', days: 45, storage: 'thisPc', role: 'user' },
];

const DEFAULT_SUPPORT: SupportContactView = {
  name: 'デモ信用金庫 法人IBヘルプデスク',
  phone: '0120-000-000',
  url: null,
  hours: '平日 9:00〜17:00',
};

export const FAKE_PIN = '1234';
const PIN_TRIES = 3;

export class FakeBackend implements Backend {
  private identities: IdentityView[];
  private listeners = new Set<(e: ProgressEvent) => void>();
  private pending = new Map<string, { old: IdentityView; issued: CertificateDetails }>();
  private unfinished: UnfinishedRenewal[];
  /** What the token knows; the UI only ever learns whether it is at the final try. */
  private pinTries: number;
  private seq = 0;
  private readonly now: Date;

  constructor(private readonly options: FakeOptions = {}) {
    this.now = options.now ?? new Date();
    this.setup = new FakeSetup(options);
    this.update = new FakeUpdate(options, options.delayMs ?? 0);
    this.pinTries = options.pinTries ?? PIN_TRIES;
    const grace = options.reacquireGraceDays ?? 90;
    const support = options.support === undefined ? DEFAULT_SUPPORT : options.support;
    this.identities = (options.identities ?? DEFAULT_IDENTITIES).map((spec, i) =>
      identity(i + 1, spec, this.now, expiredGuidance(spec.days, this.now, grace, support), support, options.bankAsksUpfront ?? false),
    );
    this.unfinished = (options.unfinished ?? []).map((u, n) => {
      const of = this.identities[u.identity ?? 0];
      return {
        renewalId: `unfinished-${n + 1}`,
        fingerprint: u.gone ? hex(900 + n, 32) : of.fingerprint,
        label: of.subjectCn,
        newFingerprint: null,
        store: of.storage === 'usbToken' ? 'USB token' : 'this PC',
        storeLabel: of.storeLabel,
        storage: of.storage,
        stage: u.stage,
        startedAt: new Date(this.now.getTime() - 20 * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z'),
        nextPollAt: u.stage === 'pending' || u.stage === 'notYetValid' ? endOfJstDay(this.now, 0) : null,
        stuck: u.stuck ?? false,
        archiveError: null,
        bank: bankWith(support),
      };
    });
  }

  /** Renewals issued and waiting for consent 2. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** The title the window was last given (the fake has no window of its own). */
  title = '';

  async setTitle(title: string): Promise<void> {
    this.title = title;
    if (typeof document !== 'undefined') document.title = title;
  }

  /** Bank profiles and settings (the welcome and settings screens). */
  readonly setup: FakeSetup;
  /** Shomei's own update (the update banner). */
  readonly update: FakeUpdate;

  async updateStatus(): Promise<UpdateStatus> {
    return this.update.status;
  }

  async onUpdateStatus(cb: (status: UpdateStatus) => void) {
    this.update.listeners.add(cb);
    return () => void this.update.listeners.delete(cb);
  }

  applyUpdate(version: string): Promise<UpdateStatus> {
    return this.update.apply(version);
  }

  async restartAfterUpdate(): Promise<void> {
    this.update.restart();
  }

  async appInfo(): Promise<AppInfo> {
    const loaded = this.setup.loaded;
    const lang = this.setup.settings.language;
    return {
      bankName: loaded ? FAKE_BANK.name : '',
      demo: !this.options.noProfile,
      demoPin: this.options.noProfile ? null : FAKE_PIN,
      usbOffered: loaded,
      locale: lang === 'os' ? (this.options.locale ?? 'ja') : lang,
      needsProfile: !loaded,
      userProfilesDir: '/home/demo/.config/shomei/banks',
      administratorProfilesDir: '/etc/shomei/banks.d',
      profilesEditable: true,
    };
  }

  async listIdentities(): Promise<IdentityListing> {
    this.failIf('list');
    const loaded = this.setup.loaded;
    const errors: ErrorView[] = loaded ? [...(this.options.listErrors ?? [])] : [];
    return {
      identities: loaded ? this.identities.map((i) => ({ ...i })) : [],
      errors,
      unfinished: loaded ? this.unfinished.map((u) => ({ ...u })) : [],
      profiles: this.setup.profiles.map((p) => ({ ...p })),
    };
  }

  async reloadProfiles(): Promise<AppInfo> {
    return this.appInfo();
  }

  async pickProfileFile(): Promise<string | null> {
    return this.setup.picked();
  }

  async saveSupportBundle(): Promise<SupportBundleSaved | null> {
    if (this.options.supportBundle === 'cancel') return null;
    if (this.options.supportBundle === 'fail') throw { ...this.error('notSaved'), detail: 'No space left on device' };
    return { path: '/home/demo/Downloads/shomei-support-20261130-091500.zip', failedParts: this.options.supportBundle === 'partial' ? 1 : 0 };
  }

  async addProfile(path: string): Promise<ProfileView> {
    return this.setup.add(path);
  }

  async removeProfile(id: string): Promise<AppInfo> {
    this.setup.remove(id);
    return this.appInfo();
  }

  async getSettings(): Promise<Settings> {
    return { ...this.setup.settings };
  }

  async saveSettings(settings: Settings): Promise<Settings> {
    if (settings.reminderDays?.length === 0) throw { ...this.error('notSaved'), detail: 'Choose at least one reminder day.' };
    const days = settings.reminderDays ? [...new Set(settings.reminderDays)].sort((a, b) => b - a) : null;
    this.setup.settings = { ...settings, reminderDays: days };
    return { ...this.setup.settings };
  }

  async startDemo(): Promise<void> {
    const f = this.options.failWith;
    if (f?.stage === 'demo') throw this.error(f.code, null, f.into);
    this.setup.demoStarted = true;
  }

  async onFileDrop(cb: (paths: string[]) => void): Promise<Unsubscribe> {
    this.setup.dropListeners.add(cb);
    return () => this.setup.dropListeners.delete(cb);
  }

  async precheckRenewal(fingerprint: string, onCheck: (item: PrecheckItem) => void): Promise<PrecheckReport> {
    const same = (fp: string) => fp.toLowerCase() === fingerprint.toLowerCase();
    return fakePrecheck(
      {
        fingerprint,
        identity: this.identities.find((i) => same(i.fingerprint)),
        unfinished: this.unfinished.find((u) => same(u.fingerprint)),
        pinTries: this.pinTries,
        pinTriesFull: PIN_TRIES,
        fail: this.options.precheckFail,
        error: (code) => this.error(code),
        pause: () => this.pause(),
      },
      onCheck,
    );
  }

  /** The store the last renewal asked to go into (null: where the identity is). */
  lastInto: StorageKind | null = null;
  /** The bank password the last renewal was given (tests check it is passed, not kept). */
  lastBankPassword: string | null = null;

  async startRenewal(
    fingerprint: string,
    pin: string,
    confirmFinalTry: boolean,
    into: StorageKind | null = null,
    bankPassword: string | null = null,
  ): Promise<IssuedCertificate> {
    const old = this.identities.find((i) => i.fingerprint === fingerprint);
    if (!old) throw this.error('notFound');
    this.lastInto = into;
    this.lastBankPassword = bankPassword;
    const renewalId = `demo-${++this.seq}`;
    await this.step(renewalId, 'check', 'start');
    if (old.storage === 'usbToken' || into === 'usbToken') await this.login(renewalId, pin, confirmFinalTry);
    if (this.options.bankPassword !== undefined && bankPassword !== this.options.bankPassword) {
      throw this.error('bankAuthRequired');
    }
    for (const s of ['generateKey', 'request', 'verify'] as const) await this.step(renewalId, s, 'start');
    const issued: CertificateDetails = {
      fingerprint: hex(100 + this.seq, 32),
      subject: old.subject,
      subjectCn: old.subjectCn,
      issuer: old.issuer,
      serial: hex(200 + this.seq, 16),
      notBefore: this.now.toISOString().replace(/\.\d+Z$/, 'Z'),
      notAfter: endOfJstDay(this.now, 365 * 2 + old.daysLeft),
      keyAlgorithm: 'RSA 2048',
      usages: ['clientAuth'],
    };
    this.pending.set(renewalId, { old: into ? { ...old, storage: into } : old, issued });
    return { renewalId, details: issued };
  }

  async installRenewal(renewalId: string): Promise<RenewalOutcome> {
    const p = this.pending.get(renewalId);
    if (!p) throw this.error('renewalUnknown');
    for (const s of ['install', 'readBack', 'archive'] as const) await this.step(renewalId, s, 'install');
    this.pending.delete(renewalId);
    const days = Math.round((Date.parse(p.issued.notAfter) - this.now.getTime()) / DAY_MS);
    const renewed: IdentityView = {
      ...p.old,
      fingerprint: p.issued.fingerprint,
      notBefore: p.issued.notBefore,
      notAfter: p.issued.notAfter,
      daysLeft: days,
      status: 'valid',
      windowOpens: startOfJstDay(this.now, days - WINDOW_DAYS),
      expired: null,
    };
    this.identities = this.identities.map((i) => (i.fingerprint === p.old.fingerprint ? renewed : i));
    return {
      renewalId,
      installed: p.issued,
      replacedFingerprint: p.old.fingerprint,
      archiveError: null,
      checklist: checklist(p.issued, this.identities, this.now),
    };
  }

  async cancelRenewal(renewalId: string): Promise<void> {
    this.failIf('cancel');
    if (!this.pending.delete(renewalId)) throw this.error('renewalUnknown');
  }

  async discardRenewal(renewalId: string, pin: string, confirmFinalTry: boolean): Promise<void> {
    this.failIf('discard');
    const u = this.unfinished.find((x) => x.renewalId === renewalId);
    if (!u) throw this.error('renewalUnknown');
    if (u.storage === 'usbToken') await this.login(renewalId, pin, confirmFinalTry);
    this.unfinished = this.unfinished.filter((x) => x.renewalId !== renewalId);
  }

  async onProgress(cb: (event: ProgressEvent) => void): Promise<Unsubscribe> {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** The renewal asked for from outside (what `shomei --open FP` leaves in the shell). */
  private openRequest: string | null = null;
  private readonly openListeners = new Set<() => void>();

  /** Like `shomei --open FP` handed to a running Shomei: kept, and the window told. */
  requestOpen(fingerprint: string): void {
    this.openRequest = fingerprint;
    for (const cb of this.openListeners) cb();
  }

  async takeOpenRequest(): Promise<string | null> {
    const fp = this.openRequest;
    this.openRequest = null;
    return fp;
  }

  async onOpenRequest(cb: () => void): Promise<Unsubscribe> {
    this.openListeners.add(cb);
    return () => this.openListeners.delete(cb);
  }
  /** Nothing logs in a plain browser. */
  async shown(): Promise<void> {}

  /** Like the real back end, the final try is refused unconfirmed before the PIN is even compared. */
  private async login(renewalId: string, pin: string, confirmFinalTry: boolean): Promise<void> {
    await this.emit(renewalId, 'login', 'started');
    if (this.pinTries === 0) this.fail(renewalId, 'login', this.error('pinLocked'));
    if (this.pinTries === 1 && !confirmFinalTry) this.fail(renewalId, 'login', this.error('pinFinalTry'));
    if (pin !== FAKE_PIN) {
      this.pinTries--;
      if (this.pinTries === 0) this.fail(renewalId, 'login', this.error('pinLocked'));
      // Like SoftHSM and most tokens: any wrong PIN raises "count low" (fewLeft).
      this.fail(renewalId, 'login', { ...this.error('pinIncorrect', this.reportedTries()), fewLeft: true });
    }
    this.pinTries = PIN_TRIES;
    await this.emit(renewalId, 'login', 'finished');
  }

  /** A token only raises its final-try flag; any other count is unknown to the app. */
  private reportedTries(): number | null {
    return this.pinTries === 1 ? 1 : null;
  }

  /** Runs one step with started/finished events, failing it if the options say so. */
  private async step(renewalId: string, step: RenewalStep, stage: FakeStage): Promise<void> {
    await this.emit(renewalId, step, 'started');
    if (this.options.holdAt === step) await new Promise<never>(() => {});
    const f = this.options.failWith;
    if (f && f.stage === stage && (f.atStep ?? step) === step) {
      this.fail(renewalId, step, this.error(f.code, f.code === 'pinIncorrect' ? this.reportedTries() : null, f.into));
    }
    await this.emit(renewalId, step, 'finished');
  }

  private fail(renewalId: string, step: RenewalStep, error: ErrorView): never {
    this.broadcast({ renewalId, step, phase: 'failed', error });
    throw error;
  }

  private async pause(): Promise<void> {
    const ms = this.options.delayMs ?? 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  private async emit(renewalId: string, step: RenewalStep, phase: ProgressEvent['phase']): Promise<void> {
    await this.pause();
    this.broadcast({ renewalId, step, phase, error: null });
  }

  private broadcast(e: ProgressEvent): void {
    for (const l of this.listeners) l(e);
  }

  private failIf(stage: FakeStage): void {
    const f = this.options.failWith;
    if (f && f.stage === stage) throw this.error(f.code);
  }

  private error(code: ErrorCode, retriesLeft: number | null = null, into?: StorageKind): ErrorView {
    return { code, retriesLeft, at: null, detail: `fake back end: ${code}`, ...(into ? { into } : {}) };
  }
}
