// The fake back end's data: certificates as the engine would list them (days left, windows
// and 再取得 guidance in Japan time) and the post-renewal checklist, by the engine's rules
// (src-tauri/crates/shomei-engine/src/guidance.rs) with a 30-day window.
import type {
  CertificateDetails,
  ChecklistItem,
  ExpiredGuidance,
  IdentityView,
  LastFailure,
  Role,
  StorageKind,
  SupportContactView,
} from './bindings';

export interface FakeIdentity {
  cn: string;
  days: number;
  storage: StorageKind;
  /** The stores it may be renewed into; default: only where it is. */
  renewableInto?: StorageKind[];
  /** The bank whose profile claims it; default the demo bank; null: none does (発行元不明). */
  bank?: { id: string; name: string } | null;
  /** 管理者 / 利用者, as the engine reads it from the subject's OU; default none. */
  role?: Role;
  /** Its last renewal failed and was rolled back after the window closed; default none. */
  lastFailure?: LastFailure;
}

/** The window opens this many days before the expiry date (the profile's default). */
export const WINDOW_DAYS = 30;

export const DAY_MS = 86_400_000;
export const JST_MS = 9 * 3_600_000;

/** 23:59:59 JST on the day `days` after `now` (in Japan time), as banks set notAfter. */
export function endOfJstDay(now: Date, days: number): string {
  const jstMidnight = Math.floor((now.getTime() + JST_MS) / DAY_MS) * DAY_MS;
  return new Date(jstMidnight + (days + 1) * DAY_MS - JST_MS - 1000).toISOString().replace('.000', '');
}

/** 00:00 Japan time `days` after today, as the engine sends when a window opens. */
export function startOfJstDay(now: Date, days: number): string {
  const jstMidnight = Math.floor((now.getTime() + JST_MS) / DAY_MS) * DAY_MS;
  return new Date(jstMidnight + days * DAY_MS - JST_MS).toISOString().replace('.000', '');
}

/** The Japan date `days` after today (in Japan time), as the engine sends it: YYYY-MM-DD. */
export function jstDay(now: Date, days: number): string {
  const jstMidnight = Math.floor((now.getTime() + JST_MS) / DAY_MS) * DAY_MS;
  return new Date(jstMidnight + days * DAY_MS).toISOString().slice(0, 10);
}

export function hex(seed: number, bytes: number): string {
  let out = '';
  let x = seed;
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    // The high bits: an LCG's low bits repeat with a short period (rows of 00).
    out += Math.floor(x / 8388608).toString(16).padStart(2, '0');
  }
  return out.toUpperCase();
}

export const FAKE_BANK = { id: 'demo', name: 'デモ信用金庫' };

export const bankWith = (support: SupportContactView | null, asksPassword = false) => ({ ...FAKE_BANK, support, asksPassword });

export const ISSUER = 'CN=Demo Shinkin Bank Client CA, O=Demo Shinkin Bank, C=JP';

export function expiredGuidance(days: number, now: Date, graceDays: number, support: SupportContactView | null): ExpiredGuidance | null {
  if (days >= 0) return null;
  if (graceDays > 0 && -days <= graceDays) return { kind: 'reacquire', until: jstDay(now, days + graceDays), support };
  return { kind: 'reissue', support };
}

export function identity(
  seed: number,
  { cn, days, storage, renewableInto, bank, role, lastFailure }: FakeIdentity,
  now: Date,
  expired: ExpiredGuidance | null,
  support: SupportContactView | null,
  asksPassword = false,
): IdentityView {
  return {
    fingerprint: hex(seed, 32),
    subjectCn: cn,
    subject: `CN=${cn}, ${role ? `OU=${role === 'administrator' ? '管理者' : '利用者'}, ` : ''}O=Demo Corporation, C=JP`,
    issuer: bank === null ? 'CN=Old Test CA, O=Example, C=JP' : ISSUER,
    notBefore: new Date(now.getTime() - 365 * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z'),
    notAfter: endOfJstDay(now, days),
    daysLeft: days,
    status: days < 0 ? 'expired' : days <= WINDOW_DAYS ? 'renewalOpen' : 'valid',
    windowOpens: days > WINDOW_DAYS ? startOfJstDay(now, days - WINDOW_DAYS) : null,
    storage,
    storeLabel: storage === 'usbToken' ? 'Demo eToken' : 'Demo PC store',
    expired,
    notRenewable: bank === null ? { reason: 'unknownIssuer' } : null,
    bank: bank === null ? null : { ...(bank ?? FAKE_BANK), support, asksPassword },
    renewableInto: bank === null ? [] : (renewableInto ?? [storage]),
    role: role ?? null,
    lastFailure: lastFailure ?? null,
  };
}

/** Restart the browser, other software, then the other subjects due within the window days. */
export function checklist(renewed: CertificateDetails, listed: IdentityView[], now: Date): ChecklistItem[] {
  const due = listed
    .filter((i) => i.fingerprint !== renewed.fingerprint && i.subject !== renewed.subject && i.issuer === renewed.issuer)
    .filter((i) => i.status === 'renewalOpen' || (i.status === 'valid' && i.daysLeft - WINDOW_DAYS <= WINDOW_DAYS))
    .sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter));
  return [
    { kind: 'restartBrowser' },
    { kind: 'updateOtherSoftware' },
    ...due.map(
      (i): ChecklistItem => ({
        kind: 'renewOther',
        fingerprint: i.fingerprint,
        subjectCn: i.subjectCn,
        subject: i.subject,
        notAfter: i.notAfter,
        daysLeft: i.daysLeft,
        status: i.status,
        renewalOpens: i.status === 'valid' ? jstDay(now, i.daysLeft - WINDOW_DAYS) : null,
        storage: i.storage,
        storeLabel: i.storeLabel,
      }),
    ),
  ];
}
