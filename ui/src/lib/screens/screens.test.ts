// Renders each screen to HTML (Svelte's server renderer, no DOM needed) to pin down the
// data-testid hooks the end-to-end WebDriver test relies on, and the manual's words.
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { FAKE_PIN, FakeBackend } from '../backend/fake';
import type { ErrorView } from '../backend/bindings';
import { installingSteps } from '../flow/steps';
import ChooseStoreScreen from './ChooseStoreScreen.svelte';
import ConsentScreen from './ConsentScreen.svelte';
import DoneScreen from './DoneScreen.svelte';
import ErrorScreen from './ErrorScreen.svelte';
import ListScreen from './ListScreen.svelte';
import PinScreen from './PinScreen.svelte';
import ProgressScreen from './ProgressScreen.svelte';

const NOW = new Date('2026-11-24T03:00:00Z');
const noop = () => {};
const locked: ErrorView = { code: 'pinLocked', retriesLeft: null, at: null, detail: 'Demo eToken' };

const absent: ErrorView = { code: 'tokenAbsent', retriesLeft: null, at: null, detail: 'C_GetSlotList: no token present' };

async function listing(errors: ErrorView[] = [locked]) {
  const l = await new FakeBackend({ now: NOW }).listIdentities();
  return { ...l, errors };
}

describe('screens', () => {
  it('list: rows, expiry with 和暦, renew buttons, the notice and store warnings', async () => {
    const { body } = render(ListScreen, { props: { listing: await listing(), onRenew: noop, onOpenUnfinished: noop, onReload: noop } });
    expect(body.match(/data-testid="identity-row"/g)).toHaveLength(2);
    expect(body).toMatch(/data-fingerprint="[0-9A-F]{64}"/);
    expect(body).toContain('data-testid="identity-expiry">2026年12月6日（令和8年12月6日）');
    expect(body.match(/data-testid="renew-button"/g)).toHaveLength(2);
    // 管理者 / 利用者 where the certificate says so.
    expect(body).toContain('data-testid="identity-role">管理者');
    expect(body).toContain('data-testid="identity-role">利用者');
    expect(body).toContain('電子証明書の更新をお願いします');
    expect(body).toContain('電子証明書の更新はこちら');
    expect(body).toContain('12日');
    expect(body).toContain('専用USB');
    expect(body).toContain('このパソコン');
    expect(body).toContain('更新期間中');
    // A locked PIN is said on its own, with the token's label, not as "could not be read".
    expect(body).not.toContain('読み込めなかった電子証明書があります');
    expect(body).toMatch(/data-testid="pin-locked" data-code="pinLocked"><h3>専用USBのパスワード（PIN）がロックされています<\/h3>/);
    expect(body).toMatch(/<li>Demo eToken<\/li>/);
    expect(body).toContain('専用USBの電子証明書は使えません。お取引の銀行、または専用USBの管理ソフトのサポート窓口にお問い合わせください。');
  });

  it('list: a store that could not be read folds Rust\'s detail away', async () => {
    const broken: ErrorView = { code: 'internal', retriesLeft: null, at: null, detail: 'C_FindObjects: CKR_DEVICE_ERROR' };
    const { body } = render(ListScreen, { props: { listing: await listing([broken]), onRenew: noop, onOpenUnfinished: noop, onReload: noop } });
    expect(body).toContain('読み込めなかった電子証明書があります');
    expect(body).not.toContain('data-testid="pin-locked"');
    // Rust's detail only folded away, never inline with the message.
    expect(body).toMatch(/<details class="technical"><summary>技術情報<\/summary>[^<]*(<!--[^>]*-->)*<code>C_FindObjects: CKR_DEVICE_ERROR<\/code>/);
  });

  it('list: a renewal that failed after the window closed is said on its row until resolved', async () => {
    const l = await listing([]);
    const [failed, other] = l.identities;
    const lastFailure = { code: 'bankRejected' as const, at: '2026-11-20T05:30:00Z', nativeCode: null };
    const withFailure = { ...l, identities: [{ ...failed!, lastFailure }, other!] };
    const { body } = render(ListScreen, { props: { listing: withFailure, onRenew: noop, onOpenUnfinished: noop, onReload: noop } });
    expect(body.match(/data-testid="last-failure"/g)).toHaveLength(1);
    expect(body).toContain('data-code="bankRejected"');
    expect(body).toContain('前回の更新（2026年11月20日 14:30）は失敗しました。元の電子証明書は変更されていません。 銀行が電子証明書の発行を受け付けませんでした。');
    // 更新 stays: trying again is how it is resolved.
    const enabled = (html: string) => html.match(/data-testid="renew-button"(?![^>]*disabled)/g)?.length;
    const before = render(ListScreen, { props: { listing: l, onRenew: noop, onOpenUnfinished: noop, onReload: noop } }).body;
    expect(enabled(body)).toBe(enabled(before));
    expect(enabled(body)).toBeGreaterThan(0);
    const pin = { code: 'pinIncorrect' as const, at: '2026-11-20T05:30:00Z', nativeCode: 'CKR_PIN_INCORRECT (0xA0)' };
    const en = render(ListScreen, {
      props: { listing: { ...l, identities: [{ ...failed!, lastFailure: pin }] }, onRenew: noop, onOpenUnfinished: noop, onReload: noop },
    }).body;
    expect(en).toMatch(/<code>CKR_PIN_INCORRECT \(0xA0\)<\/code>/);
    expect(render(ListScreen, { props: { listing: l, onRenew: noop, onOpenUnfinished: noop, onReload: noop } }).body).not.toContain('last-failure');
  });

  it('list: a missing token or token software gets its own words and the preparation text', async () => {
    const missing: ErrorView = { code: 'moduleMissing', retriesLeft: null, at: null, detail: 'libeToken.so: not found' };
    const { body } = render(ListScreen, { props: { listing: await listing([absent, absent, missing]), onRenew: noop, onOpenUnfinished: noop, onReload: noop } });
    expect(body).not.toContain('読み込めなかった電子証明書があります');
    expect(body.match(/専用USBが接続されていません。/g)).toHaveLength(1);
    expect(body).toContain('専用USBの管理ソフトがインストールされていません。');
    expect(body.match(/電子証明書媒体保管のお申し込みと、専用USBの管理ソフトのインストールが必要です/g)).toHaveLength(2);
    expect(body).toMatch(/<summary>技術情報<\/summary>[^<]*(<!--[^>]*-->)*<code>C_GetSlotList: no token present<\/code><!--\]-->/);
  });

  it('list: a bank profile that does not load is said until it is fixed', async () => {
    const l = await listing();
    const broken = { id: 'corp', name: '法人信用金庫', path: '/etc/shomei/banks.d/corp.toml', origin: 'administrator' as const, state: 'invalid' as const, issues: [] };
    const fine = render(ListScreen, { props: { listing: l, onRenew: noop, onOpenUnfinished: noop, onReload: noop } }).body;
    expect(fine).not.toContain('data-testid="profiles-broken"');
    const { body } = render(ListScreen, {
      props: { listing: { ...l, profiles: [...l.profiles, broken] }, onRenew: noop, onOpenUnfinished: noop, onReload: noop },
    });
    expect(body).toContain('data-testid="profiles-broken"');
    expect(body).toContain('「法人信用金庫」の銀行プロファイルに問題があるため');
  });

  it('list: an unfinished renewal is named, and 更新 opens it even outside the window', async () => {
    const l = await listing([]);
    const valid = { ...l.identities[0]!, status: 'valid' as const };
    const pending = {
      renewalId: '1a-0',
      fingerprint: valid.fingerprint.toLowerCase(),
      label: valid.subjectCn,
      newFingerprint: null,
      store: 'USB token',
      storeLabel: 'Demo eToken',
      storage: 'usbToken' as const,
      stage: 'pending' as const,
      startedAt: '2026-11-24T01:00:00Z',
      nextPollAt: '2026-11-24T05:00:00Z',
      stuck: false,
      archiveError: null,
      bank: { id: 'demo', name: 'デモ信用金庫', support: null, asksPassword: false },
    };
    const without = render(ListScreen, { props: { listing: { ...l, identities: [valid] }, onRenew: noop, onOpenUnfinished: noop, onReload: noop } }).body;
    expect(without).not.toContain('data-testid="unfinished-hint"');
    expect(without).toMatch(/data-testid="renew-button"\s+disabled/);
    const { body } = render(ListScreen, {
      props: { listing: { ...l, identities: [valid], unfinished: [pending] }, onRenew: noop, onOpenUnfinished: noop, onReload: noop },
    });
    expect(body).toContain('銀行の発行待ちです。「更新」で同じ申請を問い合わせます。');
    expect(body).toContain('次の問い合わせ：2026年11月24日 14:00以降');
    expect(body).not.toMatch(/data-testid="renew-button"\s+disabled/);
    // 破棄 is on the renewal's own screen, where what it does is said.
    expect(body).not.toContain('data-testid="discard-button"');
    const stuck = render(ListScreen, {
      props: {
        listing: { ...l, identities: [valid], unfinished: [{ ...pending, stuck: true }] },
        onRenew: noop,
        onOpenUnfinished: noop,
        onReload: noop,
      },
    }).body;
    expect(stuck).toContain('発行待ちの期間が銀行の上限を超えています。銀行に確認するか、「破棄」してください。');
  });

  it('list: a certificate that can never be renewed says why, gets no 更新 and no notice', async () => {
    const l = await listing([]);
    const [due] = l.identities;
    const cases = [
      [{ reason: 'noPrivateKey' as const }, 'この電子証明書の秘密鍵がないため、更新できません。'],
      [{ reason: 'unknownIssuer' as const }, '発行元不明：どの銀行プロファイルの認証局が発行した電子証明書でもないため、ここでは更新できません。'],
      [
        { reason: 'superseded' as const, byFingerprint: 'AB', byNotAfter: '2027-12-06T14:59:59Z' },
        '新しい電子証明書に置き換え済みです（有効期限 2027年12月6日（令和9年12月6日））。',
      ],
    ] as const;
    expect(due.status).toBe('renewalOpen');
    for (const [notRenewable, words] of cases) {
      const { body } = render(ListScreen, {
        props: {
          listing: { ...l, identities: [{ ...due, notRenewable }] },
          onRenew: noop,
          onOpenUnfinished: noop,
          onReload: noop,
        },
      });
      expect(body).toContain(words);
      expect(body).toMatch(/data-testid="renew-button"\s+disabled/);
      expect(body).not.toContain('電子証明書の更新をお願いします');
    }
  });

  it('list: an unfinished renewal whose certificate is gone opens its screen', async () => {
    const backend = new FakeBackend({ now: NOW, unfinished: [{ gone: true, stage: 'archiving' }] });
    const { body } = render(ListScreen, {
      props: { listing: await backend.listIdentities(), onRenew: noop, onOpenUnfinished: noop, onReload: noop },
    });
    expect(body).toContain('data-testid="unfinished-orphans"');
    expect(body).toContain('（もう一覧にはありません）');
    expect(body).toContain('以前の電子証明書の削除が終わっていません');
    expect(body.match(/data-testid="unfinished-open"/g)).toHaveLength(1);
  });

  it('consent: はい / いいえ hooks', () => {
    const { body } = render(ConsentScreen, { props: { message: 'よろしいですか？', onAnswer: noop } });
    expect(body).toContain('data-testid="consent-yes"');
    expect(body).toContain('data-testid="consent-no"');
  });

  it('pin: input and submit, a wrong PIN without an invented count', async () => {
    const identity = (await listing()).identities[0]!;
    const error: ErrorView = { code: 'pinIncorrect', retriesLeft: null, at: null, detail: null };
    const { body } = render(PinScreen, { props: { subject: identity.subjectCn, error, finalTry: false, onSubmit: noop, onCancel: noop } });
    expect(body).toContain('data-testid="pin-input"');
    expect(body).toContain('type="password"');
    expect(body).toContain('data-testid="pin-submit"');
    expect(body).not.toContain('data-testid="pin-confirm-final"');
    expect(body).toMatch(/data-testid="error-message"[^>]*>\s*パスワードが正しくありません。パスワードを確かめて、もう一度入力してください。\s*</);
  });

  it('pin: at the final try, the warning and a distinct confirmation instead of OK', async () => {
    const identity = (await listing()).identities[0]!;
    const error: ErrorView = { code: 'pinIncorrect', retriesLeft: 1, at: null, detail: null };
    const { body } = render(PinScreen, { props: { subject: identity.subjectCn, error, finalTry: true, onSubmit: noop, onCancel: noop } });
    expect(body).toContain('パスワードが正しくありません。残り1回');
    expect(body).toContain('次が最後の入力です。間違えると専用USBがロックされ');
    expect(body).toMatch(/data-testid="pin-confirm-final"[^>]*>最後の1回を使う</);
    expect(body).not.toContain('data-testid="pin-submit"');
  });

  it('progress: hook and localized step labels', () => {
    const { body } = render(ProgressScreen, { props: { title: 'x', steps: installingSteps() } });
    expect(body).toContain('data-testid="progress"');
    expect(body).toContain('電子証明書をインストールしています');
  });

  it('list: an expired certificate says until when 再取得 is possible, or that 再発行 is needed, and whom to ask', async () => {
    const backend = new FakeBackend({
      now: NOW,
      identities: [
        { cn: 'RECENT', days: -10, storage: 'thisPc' },
        { cn: 'LONG AGO', days: -120, storage: 'usbToken' },
      ],
    });
    const { body } = render(ListScreen, { props: { listing: await backend.listIdentities(), onRenew: noop, onOpenUnfinished: noop, onReload: noop } });
    expect(body).toContain('重要なお知らせ');
    expect(body).not.toContain('電子証明書の更新をお願いします');
    expect(body.match(/data-testid="expired-notice"/g)).toHaveLength(2);
    expect(body).toContain('data-kind="reacquire"');
    expect(body).toContain('data-kind="reissue"');
    expect(body).toContain('2027年2月12日（令和9年2月12日）まで再取得できます。');
    expect(body).toContain('2027年2月12日（令和9年2月12日）までは再取得できます。');
    expect(body).toContain('再発行が必要です。');
    expect(body).toContain('お取引の銀行で再発行の手続きが必要です。');
    expect(body).toContain('お問い合わせ先');
    expect(body).toContain('電話：0120-000-000');
    expect(body).toContain('10日経過');
  });

  it('list: without a support contact, an expired certificate says to contact the bank', async () => {
    const backend = new FakeBackend({ now: NOW, support: null, identities: [{ cn: 'X', days: -1, storage: 'thisPc' }] });
    const { body } = render(ListScreen, { props: { listing: await backend.listIdentities(), onRenew: noop, onOpenUnfinished: noop, onReload: noop } });
    expect(body).toContain('お取引の銀行にお問い合わせください。');
    expect(body).not.toContain('電話：');
  });

  it('done: USB message, new expiry and close button', async () => {
    const backend = new FakeBackend({ now: NOW });
    const identity = (await backend.listIdentities()).identities[0]!;
    const issued = await backend.startRenewal(identity.fingerprint, FAKE_PIN, false);
    const outcome = await backend.installRenewal(issued.renewalId);
    const { body } = render(DoneScreen, { props: { identity, outcome, onClose: noop } });
    expect(body).toContain('data-testid="done-message"');
    expect(body).toContain('電子証明書の更新と専用USBへの保存が完了しました。');
    expect(body).toContain('data-testid="detail-not-after">2028年12月5日（令和10年12月5日）');
    expect(body).toContain('data-testid="close-button"');
    expect(body).toContain('SHA-256 拇印');
    // 発行者 and 用途 in people's words; the raw name only as technical detail.
    expect(body).toContain('data-testid="detail-issuer">Demo Shinkin Bank Client CA（Demo Shinkin Bank）');
    expect(body).toMatch(/data-testid="detail-usages">\s*クライアント認証（インターネットバンキングへのログイン）/);
    expect(body).not.toMatch(/data-testid="detail-usages">[^<]*clientAuth/);
  });

  it("done: the engine's checklist, with the other role's certificate when it is due", async () => {
    const backend = new FakeBackend({ now: NOW });
    const identity = (await backend.listIdentities()).identities[0]!;
    const issued = await backend.startRenewal(identity.fingerprint, FAKE_PIN, false);
    const outcome = await backend.installRenewal(issued.renewalId);
    const { body } = render(DoneScreen, { props: { identity, outcome, onClose: noop } });
    expect(body).toContain('data-testid="checklist"');
    expect(body.match(/<li data-kind="[a-zA-Z]+">/g)).toEqual([
      '<li data-kind="restartBrowser">',
      '<li data-kind="updateOtherSoftware">',
      '<li data-kind="renewOther">',
    ]);
    expect(body).toContain('ブラウザーをいったん終了して起動し直してください');
    expect(body).toContain('会計ソフト');
    // SATO's window (expiry 2027-01-08) opens on 2026-12-09.
    expect(body).toContain('発行先「SATO HANAKO」、有効期限 2027年1月8日（令和9年1月8日）、残り45日');
    expect(body).toContain('2026年12月9日（令和8年12月9日）から更新できます。');

    // Nothing else due: only the two fixed items.
    const alone = { ...outcome, checklist: outcome.checklist.filter((i) => i.kind !== 'renewOther') };
    const { body: short } = render(DoneScreen, { props: { identity, outcome: alone, onClose: noop } });
    expect(short.match(/<li data-kind=/g)).toHaveLength(2);
  });

  it('error: the localized message, the detail only as technical detail', () => {
    const { body } = render(ErrorScreen, { props: { error: locked, onBack: noop } });
    expect(body).toMatch(/data-testid="error-message"[^>]*>専用USBのパスワード（PIN）がロックされています/);
    expect(body).toContain('技術情報');
  });

  it("更新: the manual's two choices in its order, the preparation text instead of 次へ while the token is missing", async () => {
    const l = await listing([]);
    const pc = { ...l.identities[1]!, renewableInto: ['thisPc' as const, 'usbToken' as const] };
    const props = { identity: pc, onChoose: noop, onNext: noop, onCancel: noop };
    const ready = render(ChooseStoreScreen, { props: { ...props, into: 'usbToken', tokenMissing: false } }).body;
    expect(ready).toContain('<h2 id="store-title">更新</h2>');
    expect(ready.indexOf('パソコンに保存する')).toBeLessThan(ready.indexOf('専用USBに保存する'));
    expect(ready).not.toContain('data-testid="preparation"');
    expect(ready).not.toMatch(/data-testid="store-next"[^>]*disabled/);
    const missing = render(ChooseStoreScreen, { props: { ...props, into: 'usbToken', tokenMissing: true } }).body;
    expect(missing).toContain('電子証明書媒体保管のお申し込みと、専用USBの管理ソフトのインストールが必要です');
    expect(missing).toMatch(/data-testid="store-next"[^>]*disabled/);
    // Offered only this PC: no USB choice at all.
    const only = render(ChooseStoreScreen, {
      props: { ...props, identity: { ...pc, renewableInto: ['thisPc' as const] }, into: 'thisPc', tokenMissing: true },
    }).body;
    expect(only).not.toContain('専用USBに保存する');
  });

  it('list: one table per bank, identities of no bank last under 発行元不明, and the day a window opens', async () => {
    const l = await listing([]);
    const [a, b] = l.identities;
    const other = { ...b!, fingerprint: 'B'.repeat(64), bank: { id: 'b', name: 'B信用金庫', support: null, asksPassword: false } };
    const stranger = {
      ...a!,
      fingerprint: 'C'.repeat(64),
      bank: null,
      notRenewable: { reason: 'unknownIssuer' as const },
      renewableInto: [],
    };
    const later = { ...a!, status: 'valid' as const, windowOpens: '2027-10-31T15:00:00Z' };
    const { body } = render(ListScreen, {
      props: { listing: { ...l, identities: [stranger, later, other] }, onRenew: noop, onOpenUnfinished: noop, onReload: noop },
    });
    const headings = [...body.matchAll(/data-testid="bank-heading" data-bank="([^"]*)">([^<]*)</g)].map((m) => [m[1], m[2]]);
    expect(headings).toEqual([
      ['demo', 'デモ信用金庫'],
      ['b', 'B信用金庫'],
      ['', '発行元不明'],
    ]);
    expect(body).toContain('2027年11月1日（令和9年11月1日）から更新できます（更新期間の開始日）。');
    expect(body).toContain('発行元不明：どの銀行プロファイルの認証局が発行した電子証明書でもないため');
  });

  it("progress: without a USB token the login step opens this PC's store", () => {
    const steps = [{ step: 'login' as const, state: 'running' as const }];
    const pc = render(ProgressScreen, { props: { title: 't', steps, usesToken: false } }).body;
    expect(pc).toContain('このパソコンの証明書ストアを開いています');
    expect(pc).not.toContain('専用USBにログインしています');
    const usb = render(ProgressScreen, { props: { title: 't', steps } }).body;
    expect(usb).toContain('専用USBにログインしています');
  });

  it('error: renewing into a token that is missing shows the preparation text', () => {
    const into: ErrorView = { code: 'tokenAbsent', retriesLeft: null, at: null, detail: null, into: 'usbToken' };
    expect(render(ErrorScreen, { props: { error: into, onBack: noop } }).body).toContain('data-testid="preparation"');
    const plain: ErrorView = { code: 'tokenAbsent', retriesLeft: null, at: null, detail: null };
    expect(render(ErrorScreen, { props: { error: plain, onBack: noop } }).body).not.toContain('data-testid="preparation"');
  });

  it('error: the bank\'s support contact where calling the bank is the next step, and only there', () => {
    const bank = {
      id: 'demo',
      name: 'デモ信用金庫',
      support: { name: 'デモ信用金庫 法人IBヘルプデスク', phone: '0120-000-000', url: null, hours: '平日 9:00〜17:00' },
      asksPassword: false,
    };
    const rejected: ErrorView = { code: 'bankRejected', retriesLeft: null, at: null, detail: null };
    const body = render(ErrorScreen, { props: { error: rejected, bank, onBack: noop } }).body;
    expect(body).toContain('data-testid="error-contact"');
    expect(body).toContain('電話：0120-000-000');
    expect(body).toContain('受付時間：平日 9:00〜17:00');
    // Without a [support] section: "contact your bank", still a next step.
    const bare = render(ErrorScreen, { props: { error: rejected, bank: { ...bank, support: null }, onBack: noop } }).body;
    expect(bare).toContain('お取引の銀行にお問い合わせください。');
    // The bank down: the bank knows whether its server is under maintenance.
    const down: ErrorView = { code: 'bankUnreachable', retriesLeft: null, at: null, detail: null };
    expect(render(ErrorScreen, { props: { error: down, bank, onBack: noop } }).body).toContain('電話：0120-000-000');
    // A wrong PIN or a missing token: nothing to call the bank about.
    const pin: ErrorView = { code: 'pinIncorrect', retriesLeft: null, at: null, detail: null };
    expect(render(ErrorScreen, { props: { error: pin, bank, onBack: noop } }).body).not.toContain('error-contact');
    const absent: ErrorView = { code: 'tokenAbsent', retriesLeft: null, at: null, detail: null };
    expect(render(ErrorScreen, { props: { error: absent, bank, onBack: noop } }).body).not.toContain('error-contact');
  });
});

describe('PIN screen with the bank’s password', () => {
  it('asks for both, or only the bank’s when no token takes part', () => {
    const both = render(PinScreen, { props: { subject: 'X', error: null, finalTry: false, askBankPassword: true, onSubmit: noop, onCancel: noop } }).body;
    expect(both).toContain('data-testid="pin-input"');
    expect(both).toContain('data-testid="bank-password-input"');
    expect(both).toContain('銀行から通知されたパスワード');
    const only = render(PinScreen, { props: { subject: 'X', error: null, finalTry: false, askPin: false, askBankPassword: true, onSubmit: noop, onCancel: noop } }).body;
    expect(only).not.toContain('data-testid="pin-input"');
    expect(only).toContain('銀行のパスワード入力');
  });
});
