// The UI gallery's table: every screen the window can show, as a situation of the fake back
// end plus the clicks that lead there from the list. `npm --prefix ui run gallery` opens each
// one in headless Chromium (ui/scripts/gallery.mjs) in both locales at both window sizes; a
// person can open one in `npm --prefix ui run dev` as http://localhost:1420/?scenario=pin-final&lang=en.
//
// To add a screen: append a row. `fake` sets the situation (FakeOptions), `walk` is what a
// user clicks from the list (selectors, mostly data-testid), `shows` is a selector present
// only once that screen is reached, `primary` the controls that must be visible without
// scrolling at the minimum window size (720×560). The row's position numbers its PNG.
import type { FakeIdentity, FakeOptions } from '../lib/backend/fake';
import { FAKE_PIN } from '../lib/backend/fake';
import type { ErrorView } from '../lib/backend/bindings';

export type Action =
  /** Waits until the selector matches an enabled element, then clicks it. */
  | { click: string }
  /** Waits for an input, then types `value` into it. */
  | { fill: string; value: string }
  /** Waits until the selector matches. */
  | { wait: string };

export interface Scenario {
  id: string;
  /** What the screen is, with the manual's word where it has one. */
  title: string;
  fake?: FakeOptions;
  walk?: Action[];
  shows: string;
  primary: string[];
}

/** Every scenario's fake starts on this day, so the gallery's dates do not drift. */
export const GALLERY_NOW = '2026-11-24T03:00:00Z';

const tid = (id: string) => `[data-testid="${id}"]`;
const click = (id: string): Action => ({ click: tid(id) });
const wait = (id: string): Action => ({ wait: tid(id) });
const pin = (value: string): Action[] => [{ fill: tid('pin-input'), value }, click('pin-submit')];

/** 更新 on the first row that can be renewed (or carried on). */
const RENEW: Action = { click: `${tid('renew-button')}:not([disabled])` };
const TO_PIN: Action[] = [RENEW, click('consent-yes'), wait('pin-input')];
const TO_INSTALL_CONSENT: Action[] = [...TO_PIN, ...pin(FAKE_PIN), wait('install-no-means')];

const PC_DUE: FakeIdentity = { cn: 'SATO HANAKO', days: 12, storage: 'thisPc' };
const BOTH_STORES: FakeIdentity = { ...PC_DUE, renewableInto: ['thisPc', 'usbToken'] };
const YES_NO = [tid('consent-yes'), tid('consent-no')];
const ACTIONS = '.actions button';

const listError = (code: ErrorView['code'], detail: string): ErrorView => ({ code, retriesLeft: null, at: null, detail });

export const SCENARIOS: Scenario[] = [
  {
    id: 'list',
    title: '重要なお知らせ and the list',
    shows: '#notice-heading',
    primary: ['.notice button.link'],
  },
  {
    id: 'list-banks',
    title: 'the list grouped by bank, with 管理者 / 利用者 and 発行元不明',
    fake: {
      identities: [
        { cn: 'YAMADA TARO', days: 12, storage: 'usbToken', role: 'administrator' },
        { cn: 'SATO HANAKO', days: 45, storage: 'thisPc', role: 'user' },
        { cn: 'SUZUKI ICHIRO', days: 200, storage: 'thisPc', bank: { id: 'sample', name: 'サンプル銀行' }, role: 'administrator' },
        { cn: 'OLD TEST CERTIFICATE', days: 80, storage: 'thisPc', bank: null },
      ],
    },
    shows: tid('bank-heading'),
    primary: ['.notice button.link'],
  },
  {
    id: 'list-expired',
    title: 'expired certificates: 再取得 / 再発行 guidance with the bank contact',
    fake: {
      identities: [
        { cn: 'YAMADA TARO', days: -10, storage: 'usbToken' },
        { cn: 'SATO HANAKO', days: -200, storage: 'thisPc' },
      ],
    },
    shows: tid('expired-notice'),
    primary: [`${tid('expired-notice')} .contact`],
  },
  {
    id: 'list-unfinished',
    title: 'an unfinished renewal (更新 carries it on, 破棄) and one whose certificate is gone',
    fake: {
      identities: [{ cn: 'YAMADA TARO', days: 40, storage: 'usbToken' }, PC_DUE],
      unfinished: [
        { identity: 0, stage: 'pending' },
        { identity: 1, gone: true, stage: 'awaitingInstall' },
      ],
    },
    // The window opens on the first unfinished renewal; 一覧へ shows the list.
    walk: [click('unfinished-later')],
    shows: tid('unfinished-hint'),
    primary: [`${tid('renew-button')}:not([disabled])`],
  },
  {
    id: 'unfinished-pending',
    title: 'a renewal cut short: pending at the bank (続ける / 破棄)',
    fake: { identities: [PC_DUE], unfinished: [{ identity: 0, stage: 'pending' }] },
    shows: tid('unfinished'),
    primary: [tid('unfinished-continue'), tid('unfinished-discard')],
  },
  {
    id: 'unfinished-awaiting-install',
    title: 'a renewal cut short: issued, waiting for consent 2',
    fake: { unfinished: [{ identity: 0, stage: 'awaitingInstall' }] },
    shows: tid('unfinished'),
    primary: [tid('unfinished-continue'), tid('unfinished-discard')],
  },
  {
    id: 'precheck-failed',
    title: '電子証明書更新前処理中: the bank cannot be reached',
    fake: { precheckFail: { check: 'bank', code: 'bankUnreachable' } },
    walk: [RENEW],
    shows: tid('precheck-failed'),
    primary: [tid('precheck-retry')],
  },
  {
    id: 'precheck-pin-locked',
    title: '電子証明書更新前処理中: the token’s PIN is locked',
    fake: { pinTries: 0 },
    walk: [RENEW],
    shows: tid('precheck-failed'),
    primary: [tid('precheck-retry')],
  },
  {
    id: 'list-token-missing',
    title: 'the list when the token or its software is missing, and a store that could not be read',
    fake: {
      listErrors: [
        listError('tokenAbsent', 'C_GetSlotList: no token present'),
        listError('moduleMissing', 'libeTPkcs11.so: not found'),
        listError('internal', 'C_FindObjects: CKR_DEVICE_ERROR'),
      ],
    },
    shows: '[data-code="tokenAbsent"]',
    primary: ['.notice button.link'],
  },
  {
    id: 'list-last-failure',
    title: 'a renewal that failed after the window closed, and a token whose PIN is locked',
    fake: {
      identities: [
        { cn: 'YAMADA TARO', days: 12, storage: 'usbToken', lastFailure: { code: 'bankRejected', at: '2026-11-20T05:30:00Z', nativeCode: null } },
        { cn: 'SATO HANAKO', days: 25, storage: 'usbToken', lastFailure: { code: 'pinIncorrect', at: '2026-11-21T01:02:00Z', nativeCode: 'CKR_PIN_INCORRECT (0xA0)' } },
      ],
      listErrors: [listError('pinLocked', 'Demo eToken')],
    },
    shows: tid('last-failure'),
    primary: [tid('pin-locked')],
  },
  {
    id: 'choose-store',
    title: '更新: パソコンに保存する / 専用USBに保存する',
    fake: { identities: [BOTH_STORES] },
    walk: [RENEW],
    shows: tid('choose-store'),
    primary: [tid('store-next'), ACTIONS],
  },
  {
    id: 'choose-store-token-missing',
    title: '更新 with 専用USB chosen while the token is missing: the preparation text',
    fake: { identities: [BOTH_STORES], listErrors: [listError('tokenAbsent', 'no token present')] },
    walk: [RENEW, click('store-usbToken')],
    shows: tid('preparation'),
    primary: [tid('store-next'), ACTIONS],
  },
  {
    id: 'consent-request',
    title: '確認 (consent 1)',
    walk: [RENEW],
    shows: tid('consent-yes'),
    primary: YES_NO,
  },
  {
    id: 'pin',
    title: '専用USBのパスワード（PIN）',
    walk: TO_PIN,
    shows: tid('pin-input'),
    primary: [tid('pin-submit'), ACTIONS],
  },
  {
    id: 'pin-wrong',
    title: 'PIN: a wrong PIN, tries left',
    walk: [...TO_PIN, ...pin('0000'), wait('error-message')],
    shows: `${tid('error-message')}[data-code="pinIncorrect"]`,
    primary: [tid('pin-submit'), ACTIONS],
  },
  {
    id: 'pin-final',
    title: 'PIN: a wrong PIN left the final try, which needs a deliberate confirmation',
    fake: { pinTries: 2 },
    walk: [...TO_PIN, ...pin('0000')],
    shows: tid('pin-final-warning'),
    primary: [tid('pin-confirm-final'), ACTIONS],
  },
  {
    id: 'pin-final-refused',
    title: 'PIN: the token is at its final try before any wrong PIN',
    fake: { pinTries: 1 },
    walk: [...TO_PIN, ...pin(FAKE_PIN)],
    shows: `${tid('error-message')}[data-code="pinFinalTry"]`,
    primary: [tid('pin-confirm-final'), ACTIONS],
  },
  {
    id: 'issuing',
    title: '電子証明書発行処理中 (USB token)',
    fake: { holdAt: 'request' },
    walk: [...TO_PIN, ...pin(FAKE_PIN)],
    shows: '[data-step="request"][data-state="running"]',
    primary: ['#progress-title'],
  },
  {
    id: 'issuing-pc',
    title: '電子証明書発行処理中 (this PC)',
    fake: { identities: [PC_DUE], holdAt: 'generateKey' },
    walk: [RENEW, click('consent-yes')],
    shows: '[data-step="generateKey"][data-state="running"]',
    primary: ['#progress-title'],
  },
  {
    id: 'consent-install',
    title: '確認 (consent 2), with what いいえ means',
    walk: TO_INSTALL_CONSENT,
    shows: tid('install-no-means'),
    primary: YES_NO,
  },
  {
    id: 'installing',
    title: 'installing the new certificate',
    fake: { holdAt: 'readBack' },
    walk: [...TO_INSTALL_CONSENT, click('consent-yes')],
    shows: '[data-step="readBack"][data-state="running"]',
    primary: ['#progress-title'],
  },
  {
    id: 'done-usb',
    title: '完了: 電子証明書の更新と専用USBへの保存が完了しました',
    walk: [...TO_INSTALL_CONSENT, click('consent-yes')],
    shows: tid('close-button'),
    primary: [tid('close-button')],
  },
  {
    id: 'done-pc',
    title: '完了: 電子証明書のインストールが完了しました',
    fake: { identities: [PC_DUE, { cn: 'YAMADA TARO', days: 50, storage: 'usbToken' }] },
    walk: [RENEW, click('consent-yes'), wait('install-no-means'), click('consent-yes')],
    shows: tid('close-button'),
    primary: [tid('close-button')],
  },
  {
    id: 'error-bank-unreachable',
    title: 'error: the bank cannot be reached',
    fake: { failWith: { stage: 'start', code: 'bankUnreachable', atStep: 'request' } },
    walk: [...TO_PIN, ...pin(FAKE_PIN)],
    shows: '[data-code="bankUnreachable"]',
    primary: [ACTIONS],
  },
  {
    id: 'error-bank-rejected',
    title: 'error: the bank refused, with its support contact',
    fake: { failWith: { stage: 'start', code: 'bankRejected', atStep: 'request' } },
    walk: [...TO_PIN, ...pin(FAKE_PIN)],
    shows: tid('error-contact'),
    primary: [ACTIONS],
  },
  {
    id: 'error-pin-locked',
    title: 'error: the PIN is locked by a wrong final try, with the bank contact',
    fake: { pinTries: 1 },
    walk: [...TO_PIN, ...pin('0000'), { fill: tid('pin-input'), value: '0000' }, click('pin-confirm-final')],
    shows: '[data-code="pinLocked"]',
    primary: [ACTIONS],
  },
  {
    id: 'error-token-absent',
    title: 'error: 専用USB chosen but not there, with the preparation text',
    fake: {
      identities: [BOTH_STORES],
      failWith: { stage: 'start', code: 'tokenAbsent', atStep: 'check', into: 'usbToken' },
    },
    walk: [RENEW, click('store-usbToken'), click('store-next'), click('consent-yes'), ...pin(FAKE_PIN)],
    shows: tid('preparation'),
    primary: [ACTIONS],
  },
  {
    id: 'error-start',
    title: 'error before the list (the stores could not be read)',
    fake: { failWith: { stage: 'list', code: 'internal' } },
    shows: '[data-code="internal"]',
    primary: [ACTIONS],
  },
  {
    id: 'consent-discard',
    title: '破棄 of an unfinished renewal: what it does',
    fake: { identities: [PC_DUE], unfinished: [{ identity: 0, stage: 'pending' }] },
    walk: [click('unfinished-discard')],
    shows: tid('discard-effect'),
    primary: YES_NO,
  },
  {
    id: 'discard-pin',
    title: '破棄 on the USB token: its PIN',
    fake: { unfinished: [{ identity: 0, stage: 'awaitingInstall' }] },
    walk: [click('unfinished-discard'), click('consent-yes')],
    shows: tid('pin-input'),
    primary: [tid('pin-submit'), ACTIONS],
  },
  {
    id: 'pin-bank-password',
    title: 'the PIN with the bank’s own password',
    fake: { bankPassword: 'secret', bankAsksUpfront: true },
    walk: [RENEW, click('consent-yes'), wait('bank-password-input')],
    shows: tid('bank-password-input'),
    primary: [tid('pin-submit')],
  },
  {
    id: 'welcome',
    title: 'first start: no bank profile (add one, or try the demo)',
    fake: { noProfile: true },
    shows: tid('welcome'),
    primary: [tid('profile-browse'), tid('start-demo')],
  },
  {
    id: 'welcome-refused',
    title: 'first start: a profile with problems, by line and column',
    fake: { noProfile: true },
    walk: [{ fill: tid('profile-path'), value: '/home/demo/Downloads/broken.toml' }, click('profile-add'), wait('profile-issues')],
    shows: tid('profile-issues'),
    primary: [tid('profile-add')],
  },
  {
    id: 'settings',
    title: '設定: bank profiles, reminders, language, autostart, updates',
    fake: {
      extraProfiles: [
        { id: 'corp', name: '法人信用金庫', path: '/etc/shomei/banks.d/corp.toml', origin: 'administrator', state: 'loaded', issues: [] },
      ],
    },
    walk: [click('open-settings'), wait('settings'), click('reminders-own'), wait('reminder-30')],
    shows: tid('settings'),
    primary: [tid('settings-close')],
  },
  {
    id: 'list-profile-broken',
    title: 'list: a bank profile that does not load, said until fixed',
    fake: {
      extraProfiles: [
        { id: 'corp', name: '法人信用金庫', path: '/etc/shomei/banks.d/corp.toml', origin: 'administrator', state: 'invalid', issues: [] },
      ],
    },
    walk: [],
    shows: tid('profiles-broken'),
    primary: ['.notice button.link'],
  },
  {
    id: 'support-bundle',
    title: '設定 → サポート情報を保存: saved, one part missing, where the zip is',
    fake: { supportBundle: 'partial' },
    walk: [click('open-settings'), wait('settings'), click('support-bundle-save'), { wait: `${tid('support-bundle-result')} .success` }],
    shows: `${tid('support-bundle-result')} .success`,
    primary: [tid('settings-close')],
  },
  {
    id: 'update-available',
    title: 'Shomei の新しい版: 更新する / 後で, with its notes',
    fake: { updateOffered: '0.2.0' },
    walk: [{ click: `${tid('update-banner')} summary` }, wait('update-notes')],
    shows: tid('update-apply'),
    primary: [tid('update-apply'), tid('update-later')],
  },
  {
    id: 'update-downloading',
    title: 'Shomei の更新: downloading, with progress',
    fake: { updateOffered: '0.2.0', updateHoldAt: 'downloading' },
    walk: [click('update-apply')],
    shows: tid('update-progress'),
    primary: [tid('update-progress')],
  },
  {
    id: 'update-installed',
    title: 'Shomei の更新: verified and installed, 再起動',
    fake: { updateOffered: '0.2.0' },
    walk: [click('update-apply')],
    shows: tid('update-restart'),
    primary: [tid('update-restart')],
  },
  {
    id: 'update-refused',
    title: 'Shomei の更新: refused (the signature does not match)',
    fake: { updateOffered: '0.2.0', updateFailsWith: 'badSignature' },
    walk: [click('update-apply')],
    shows: tid('update-problem'),
    primary: [tid('update-later')],
  },
];
