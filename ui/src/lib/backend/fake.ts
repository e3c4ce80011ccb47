// A back end without Rust: used by unit tests and when the UI runs in a plain browser.
// It simulates one USB-token certificate inside its renewal window (12 days left) and one
// PC certificate that is not yet renewable, and can be told to fail with any ErrorCode.
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
  ProgressEvent,
  RenewalOutcome,
  RenewalStep,
} from './bindings';

export type FakeStage = 'list' | 'start' | 'install' | 'cancel';

export interface FakeOptions {
  /** Pause before each progress event, so a human can watch the demo. 0 in tests. */
  delayMs?: number;
  now?: Date;
  /** Make one stage reject with this code (pinIncorrect still needs a wrong PIN). */
  failWith?: { stage: FakeStage; code: ErrorCode; atStep?: RenewalStep };
  /** The token's hidden PIN counter at start; 1 puts it at its final try. Default 3. */
  pinTries?: number;
}

export const FAKE_PIN = '1234';
const PIN_TRIES = 3;
const DAY_MS = 86_400_000;
const JST_MS = 9 * 3_600_000;

/** 23:59:59 JST on the day `days` after `now` (in Japan time), as banks set notAfter. */
function endOfJstDay(now: Date, days: number): string {
  const jstMidnight = Math.floor((now.getTime() + JST_MS) / DAY_MS) * DAY_MS;
  return new Date(jstMidnight + (days + 1) * DAY_MS - JST_MS - 1000).toISOString().replace('.000', '');
}

function hex(seed: number, bytes: number): string {
  let out = '';
  let x = seed;
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += (x % 256).toString(16).padStart(2, '0');
  }
  return out.toUpperCase();
}

const ISSUER = 'CN=Demo Shinkin Bank Client CA, O=Demo Shinkin Bank, C=JP';

function identity(seed: number, cn: string, days: number, storage: IdentityView['storage'], now: Date): IdentityView {
  return {
    fingerprint: hex(seed, 32),
    subjectCn: cn,
    subject: `CN=${cn}, O=Demo Corporation, C=JP`,
    issuer: ISSUER,
    notBefore: new Date(now.getTime() - 365 * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z'),
    notAfter: endOfJstDay(now, days),
    daysLeft: days,
    status: days < 0 ? 'expired' : days <= 30 ? 'renewalOpen' : 'valid',
    storage,
    storeLabel: storage === 'usbToken' ? 'Demo eToken' : 'Demo PC store',
  };
}

export class FakeBackend implements Backend {
  private identities: IdentityView[];
  private listeners = new Set<(e: ProgressEvent) => void>();
  private pending = new Map<string, { old: IdentityView; issued: CertificateDetails }>();
  /** What the token knows; the UI only ever learns whether it is at the final try. */
  private pinTries: number;
  private seq = 0;
  private readonly now: Date;

  constructor(private readonly options: FakeOptions = {}) {
    this.now = options.now ?? new Date();
    this.pinTries = options.pinTries ?? PIN_TRIES;
    this.identities = [
      identity(1, 'YAMADA TARO (管理者)', 12, 'usbToken', this.now),
      identity(2, 'SATO HANAKO (利用者)', 200, 'thisPc', this.now),
    ];
  }

  async appInfo(): Promise<AppInfo> {
    return { bankName: 'デモ信用金庫', demo: true, demoPin: FAKE_PIN, usbOffered: true, locale: 'ja' };
  }

  async listIdentities(): Promise<IdentityListing> {
    this.failIf('list');
    const errors: ErrorView[] = [];
    return { identities: this.identities.map((i) => ({ ...i })), errors };
  }

  async startRenewal(fingerprint: string, pin: string, confirmFinalTry: boolean): Promise<IssuedCertificate> {
    const old = this.identities.find((i) => i.fingerprint === fingerprint);
    if (!old) throw this.error('notFound');
    const renewalId = `demo-${++this.seq}`;
    await this.step(renewalId, 'check', 'start');
    if (old.storage === 'usbToken') await this.login(renewalId, pin, confirmFinalTry);
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
      usages: ['digitalSignature', 'keyEncipherment', 'clientAuth'],
    };
    this.pending.set(renewalId, { old, issued });
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
    };
    this.identities = this.identities.map((i) => (i.fingerprint === p.old.fingerprint ? renewed : i));
    return { renewalId, installed: p.issued, replacedFingerprint: p.old.fingerprint };
  }

  async cancelRenewal(renewalId: string): Promise<void> {
    this.failIf('cancel');
    if (!this.pending.delete(renewalId)) throw this.error('renewalUnknown');
  }

  async onProgress(cb: (event: ProgressEvent) => void): Promise<Unsubscribe> {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Like the real back end, the final try is refused unconfirmed before the PIN is even compared. */
  private async login(renewalId: string, pin: string, confirmFinalTry: boolean): Promise<void> {
    await this.emit(renewalId, 'login', 'started');
    if (this.pinTries === 0) this.fail(renewalId, 'login', this.error('pinLocked'));
    if (this.pinTries === 1 && !confirmFinalTry) this.fail(renewalId, 'login', this.error('pinFinalTry'));
    if (pin !== FAKE_PIN) {
      this.pinTries--;
      if (this.pinTries === 0) this.fail(renewalId, 'login', this.error('pinLocked'));
      this.fail(renewalId, 'login', this.error('pinIncorrect', this.reportedTries()));
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
    const f = this.options.failWith;
    if (f && f.stage === stage && (f.atStep ?? step) === step) {
      this.fail(renewalId, step, this.error(f.code, f.code === 'pinIncorrect' ? this.reportedTries() : null));
    }
    await this.emit(renewalId, step, 'finished');
  }

  private fail(renewalId: string, step: RenewalStep, error: ErrorView): never {
    this.broadcast({ renewalId, step, phase: 'failed', error });
    throw error;
  }

  private async emit(renewalId: string, step: RenewalStep, phase: ProgressEvent['phase']): Promise<void> {
    const ms = this.options.delayMs ?? 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    this.broadcast({ renewalId, step, phase, error: null });
  }

  private broadcast(e: ProgressEvent): void {
    for (const l of this.listeners) l(e);
  }

  private failIf(stage: FakeStage): void {
    const f = this.options.failWith;
    if (f && f.stage === stage) throw this.error(f.code);
  }

  private error(code: ErrorCode, retriesLeft: number | null = null): ErrorView {
    return { code, retriesLeft, detail: `fake back end: ${code}` };
  }
}
