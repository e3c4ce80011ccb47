import { describe, expect, it } from 'vitest';
import type { ChecklistItem, IdentityView, SupportContactView } from '../backend/bindings';
import { FakeBackend } from '../backend/fake';
import { checklistText, contactLines, expiredBody, expiredGuidance, expiredHint } from './guidance';

const NOW = new Date('2026-11-24T03:00:00Z'); // 12:00 JST

const other: Extract<ChecklistItem, { kind: 'renewOther' }> = {
  kind: 'renewOther',
  fingerprint: 'AB',
  subjectCn: 'SATO HANAKO',
  subject: 'CN=SATO HANAKO, O=Demo Corporation, C=JP',
  notAfter: '2026-12-06T14:59:59Z',
  daysLeft: 12,
  status: 'renewalOpen',
  renewalOpens: null,
  storage: 'thisPc',
  storeLabel: 'NSS',
};

const support: SupportContactView = {
  name: 'テスト信用金庫 法人IBヘルプデスク',
  phone: '0120-000-000',
  url: 'https://www.example.jp/help',
  hours: '平日 9:00〜17:00',
};

async function listed(days: number, options: { reacquireGraceDays?: number; support?: SupportContactView | null } = {}) {
  const backend = new FakeBackend({ now: NOW, identities: [{ cn: 'OLD', days, storage: 'thisPc' }], ...options });
  return (await backend.listIdentities()).identities[0]!;
}

describe('checklistText', () => {
  it('words the fixed items in both locales', () => {
    expect(checklistText('ja', { kind: 'restartBrowser' })).toContain('ブラウザー');
    expect(checklistText('en', { kind: 'restartBrowser' })).toContain('browser');
    expect(checklistText('ja', { kind: 'updateOtherSoftware' })).toContain('会計ソフト');
    expect(checklistText('en', { kind: 'updateOtherSoftware' })).toContain('accounting software');
  });

  it('names the other certificate by 発行先, 有効期限 (with 和暦) and 残り日数', () => {
    expect(checklistText('ja', other)).toBe(
      'ほかの電子証明書も更新期間中です（発行先「SATO HANAKO」、有効期限 2026年12月6日（令和8年12月6日）、残り12日）。一覧に戻って更新してください。',
    );
    expect(checklistText('en', other)).toContain('issued to "SATO HANAKO", expiry date 6 December 2026, 12 days left');
  });

  it('says when the window of a certificate due soon opens', () => {
    const soon = { ...other, daysLeft: 45, status: 'valid' as const, notAfter: '2027-01-08T14:59:59Z', renewalOpens: '2026-12-09' };
    expect(checklistText('ja', soon)).toContain('まもなく更新期間');
    expect(checklistText('ja', soon)).toContain('2026年12月9日（令和8年12月9日）から更新できます');
    expect(checklistText('en', soon)).toContain('Renewal opens on 9 December 2026.');
  });
});

describe('expired guidance', () => {
  it('is absent for a certificate that has not expired', async () => {
    expect(expiredGuidance(await listed(12))).toBeNull();
  });

  it('gives the last day of 再取得 within the grace days', async () => {
    // Expired 10 days ago (2026-11-14); 90 days of grace run to 2027-02-12.
    const identity = await listed(-10);
    const guidance = expiredGuidance(identity)!;
    expect(guidance).toMatchObject({ kind: 'reacquire', until: '2027-02-12' });
    expect(expiredHint('ja', guidance)).toBe('2027年2月12日（令和9年2月12日）まで再取得できます。');
    expect(expiredHint('en', guidance)).toBe('Can be re-acquired until 12 February 2027.');
    expect(expiredBody('ja', identity, guidance)).toBe(
      '「OLD」の電子証明書は2026年11月14日（令和8年11月14日）に有効期限が切れました。2027年2月12日（令和9年2月12日）までは再取得できます。お取引の銀行の案内に沿って再取得の手続きをしてください。',
    );
  });

  it('asks for a 再発行 at the bank past the grace days, or when the bank has none', async () => {
    for (const identity of [await listed(-91), await listed(-1, { reacquireGraceDays: 0 })]) {
      const guidance = expiredGuidance(identity)!;
      expect(guidance.kind).toBe('reissue');
      expect(expiredHint('ja', guidance)).toBe('再発行が必要です。');
      expect(expiredBody('ja', identity, guidance)).toContain('お取引の銀行で再発行の手続きが必要です。');
      expect(expiredBody('en', identity, guidance)).toContain('your bank has to reissue it');
    }
    // The last day of grace still allows 再取得.
    expect(expiredGuidance(await listed(-90))?.kind).toBe('reacquire');
  });

  it('falls back to a 再発行 when an expired certificate comes without guidance', async () => {
    const identity: IdentityView = { ...(await listed(-10)), expired: null };
    expect(expiredGuidance(identity)).toEqual({ kind: 'reissue', support: null });
  });
});

describe('contactLines', () => {
  it('lists what the profile gives, in order', () => {
    expect(contactLines('ja', support)).toEqual([
      'テスト信用金庫 法人IBヘルプデスク',
      '電話：0120-000-000',
      '受付時間：平日 9:00〜17:00',
      'ホームページ：https://www.example.jp/help',
    ]);
    expect(contactLines('en', { ...support, name: null, url: null })).toEqual(['Phone: 0120-000-000', 'Hours: 平日 9:00〜17:00']);
  });

  it('says "contact your bank" without a support contact', () => {
    expect(contactLines('ja', null)).toEqual(['お取引の銀行にお問い合わせください。']);
    expect(contactLines('en', { name: null, phone: null, url: null, hours: null })).toEqual(['Please contact your bank.']);
  });
});
