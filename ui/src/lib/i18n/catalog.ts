// Typed message lookup. Keys are dotted paths ('list.renew') checked at compile time against
// the Japanese catalog; placeholders are {name}.
import type {
  CertStatus,
  ErrorCode,
  ErrorView,
  NotRenewable,
  RenewalStep,
  Role,
  StorageKind,
  UnfinishedStage,
  UpdateProblem,
} from '../backend/bindings';
import { formatMoment } from '../format/dates';
// The one catalog per locale (ui/locales/*.json) is shared: the UI imports it, the Rust side
// (command line, tray, notifications) embeds the same files. Japanese is the default and its
// shape is the shape of every other locale (checked by catalog.test.ts and the Rust tests).
import en from '../../../locales/en.json';
import ja from '../../../locales/ja.json';

export type Locale = 'ja' | 'en';
export type Catalog = typeof ja;
export const catalogs: Record<Locale, Catalog> = { ja, en };

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Catalog>;
export type Params = Record<string, string | number>;

/** Flattens a catalog to dotted keys; used by lookups and by the catalog tests. */
export function flatten(tree: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out[prefix + k] = v;
    else Object.assign(out, flatten(v as object, `${prefix}${k}.`));
  }
  return out;
}

const flat: Record<Locale, Record<string, string>> = { ja: flatten(ja), en: flatten(en) };

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const text = flat[locale][key] ?? flat.ja[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The back end reports the OS locale as a BCP-47 tag; anything not English gets Japanese. */
export function toLocale(tag: string | null | undefined): Locale {
  return tag?.toLowerCase().startsWith('en') ? 'en' : 'ja';
}

// Literal maps rather than `errors.${code}` so that the unused-key test can see every key
// and the compiler insists on one entry per generated union member.
export const ERROR_KEYS: Record<ErrorCode, MessageKey> = {
  tokenAbsent: 'errors.tokenAbsent',
  moduleMissing: 'errors.moduleMissing',
  demoNeedsSoftHsm: 'errors.demoNeedsSoftHsm',
  tokenRemoved: 'errors.tokenRemoved',
  pinIncorrect: 'errors.pinIncorrect',
  noBankProfile: 'errors.noBankProfile',
  storeNotOffered: 'errors.storeNotOffered',
  unfinishedElsewhere: 'errors.unfinishedElsewhere',
  bankAuthRequired: 'errors.bankAuthRequired',
  bankRequirementUnsupported: 'errors.bankRequirementUnsupported',
  pinFinalTry: 'errors.pinFinalTry',
  pinLocked: 'errors.pinLocked',
  cancelled: 'errors.cancelled',
  notFound: 'errors.notFound',
  bankUnreachable: 'errors.bankUnreachable',
  bankNotTrusted: 'errors.bankNotTrusted',
  bankRejected: 'errors.bankRejected',
  certificateMismatch: 'errors.certificateMismatch',
  stillPending: 'errors.stillPending',
  outsideWindow: 'errors.outsideWindow',
  renewalUnknown: 'errors.renewalUnknown',
  alreadyRenewed: 'errors.alreadyRenewed',
  renewalInProgress: 'errors.renewalInProgress',
  notRenewable: 'errors.notRenewable',
  issuedNotLonger: 'errors.issuedNotLonger',
  issuedNotYetValid: 'errors.issuedNotYetValid',
  notSaved: 'errors.notSaved',
  invalidRequest: 'errors.invalidRequest',
  internal: 'errors.internal',
};

export const ROLE_KEYS: Record<Role, MessageKey> = {
  administrator: 'list.roleAdministrator',
  user: 'list.roleUser',
};

export const STEP_KEYS: Record<RenewalStep, MessageKey> = {
  check: 'steps.check',
  login: 'steps.login',
  requirements: 'steps.requirements',
  generateKey: 'steps.generateKey',
  request: 'steps.request',
  verify: 'steps.verify',
  install: 'steps.install',
  readBack: 'steps.readBack',
  archive: 'steps.archive',
};

/** A progress row's words; without a USB token the engine's login step opens this PC's store. */
export function stepLabelKey(step: RenewalStep, usesToken: boolean): MessageKey {
  return step === 'login' && !usesToken ? 'steps.loginPc' : STEP_KEYS[step];
}

export const STATUS_KEYS: Record<CertStatus, MessageKey> = {
  valid: 'status.valid',
  renewalOpen: 'status.renewalOpen',
  expired: 'status.expired',
};

export const UNFINISHED_KEYS: Record<UnfinishedStage, MessageKey> = {
  interrupted: 'list.unfinishedInterrupted',
  pending: 'list.unfinishedPending',
  notYetValid: 'list.unfinishedNotYetValid',
  awaitingInstall: 'list.unfinishedAwaitingInstall',
  installing: 'list.unfinishedInstalling',
  archiving: 'list.unfinishedArchiving',
};

/** What 破棄 does, per stage (shown before the user confirms). */
export const DISCARD_KEYS: Record<UnfinishedStage, MessageKey> = {
  interrupted: 'discard.interrupted',
  pending: 'discard.pending',
  notYetValid: 'discard.issued',
  awaitingInstall: 'discard.issued',
  installing: 'discard.installing',
  archiving: 'discard.archiving',
};

export const NOT_RENEWABLE_KEYS: Record<NotRenewable['reason'], MessageKey> = {
  noPrivateKey: 'list.notRenewableNoPrivateKey',
  unknownIssuer: 'list.notRenewableUnknownIssuer',
  superseded: 'list.notRenewableSuperseded',
};

export const UPDATE_PROBLEM_KEYS: Record<UpdateProblem, MessageKey> = {
  network: 'update.problem.network',
  insecureEndpoint: 'update.problem.insecureEndpoint',
  badSignature: 'update.problem.badSignature',
  versionMismatch: 'update.problem.versionMismatch',
  downgrade: 'update.problem.downgrade',
  renewalRunning: 'update.problem.renewalRunning',
  unfinishedRenewal: 'update.problem.unfinishedRenewal',
  notPackaged: 'update.problem.notPackaged',
  nothingToApply: 'update.problem.nothingToApply',
  installFailed: 'update.problem.installFailed',
  internal: 'update.problem.internal',
};

export const STORAGE_KEYS: Record<StorageKind, MessageKey> = {
  usbToken: 'storage.usbToken',
  thisPc: 'storage.thisPc',
};

/** Extended key usages as the engine names them (RFC 5280), in people's words. */
export const USAGE_KEYS: Record<string, MessageKey> = {
  serverAuth: 'usage.serverAuth',
  clientAuth: 'usage.clientAuth',
  codeSigning: 'usage.codeSigning',
  emailProtection: 'usage.emailProtection',
  timeStamping: 'usage.timeStamping',
  OCSPSigning: 'usage.OCSPSigning',
  anyExtendedKeyUsage: 'usage.anyExtendedKeyUsage',
};

/** A distinguished name as people read it: its CN, then its O (`CN=…, O=…`). */
export function nameOf(dn: string, locale: Locale): string {
  const part = (key: string) =>
    dn
      .split(/,\s*(?=[A-Za-z]+=)/)
      .map((p) => p.trim())
      .find((p) => p.toUpperCase().startsWith(`${key}=`))
      ?.slice(key.length + 1);
  const cn = part('CN');
  const o = part('O');
  if (cn && o && cn !== o) return locale === 'ja' ? `${cn}（${o}）` : `${cn} (${o})`;
  return cn ?? o ?? dn;
}

/** The manual's 更新 choices: パソコンに保存する / 専用USBに保存する. */
export const SAVE_TO_KEYS: Record<StorageKind, MessageKey> = {
  thisPc: 'store.thisPc',
  usbToken: 'store.usbToken',
};

/** The user-facing message for an error; `detail` is deliberately never part of it. */
export function errorMessage(locale: Locale, error: ErrorView): string {
  if (error.code === 'pinIncorrect' && error.retriesLeft !== null) {
    return translate(locale, 'pin.incorrect', { n: error.retriesLeft });
  }
  // The token says few tries are left, not how many (PKCS#11 CKF_USER_PIN_COUNT_LOW).
  if (error.code === 'pinIncorrect' && error.fewLeft) return translate(locale, 'pin.incorrectFewLeft');
  // "Later" says when, in Japan time.
  if (error.at !== null && error.code === 'stillPending') {
    return translate(locale, 'errors.stillPendingAt', { time: formatMoment(error.at, locale) });
  }
  if (error.at !== null && error.code === 'issuedNotYetValid') {
    return translate(locale, 'errors.issuedNotYetValidAt', { time: formatMoment(error.at, locale) });
  }
  return translate(locale, ERROR_KEYS[error.code]);
}
