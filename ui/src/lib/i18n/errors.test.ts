import { describe, expect, it } from 'vitest';
import type { ErrorView } from '../backend/bindings';
import { ERROR_CODES, toErrorView } from '../backend/errors';
import { ERROR_KEYS, errorMessage, type Locale } from './catalog';

const view = (code: ErrorView['code'], retriesLeft: number | null = null): ErrorView => ({
  code,
  retriesLeft,
  at: null,
  detail: 'C_Login failed: CKR_PIN_INCORRECT (0xa0)',
});

describe('error messages', () => {
  it('has a key for every ErrorCode', () => {
    expect(Object.keys(ERROR_KEYS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(['ja', 'en'] as Locale[])('gives every code its own %s message, never the detail', (locale) => {
    const messages = ERROR_CODES.map((code) => errorMessage(locale, view(code)));
    expect(new Set(messages).size).toBe(ERROR_CODES.length);
    for (const m of messages) {
      expect(m).not.toMatch(/^errors\./);
      expect(m).not.toContain('CKR_');
    }
  });

  it('shows the retries left for a wrong PIN only when the token tells them', () => {
    expect(errorMessage('ja', view('pinIncorrect', 1))).toBe('パスワードが正しくありません。残り1回');
    expect(errorMessage('en', view('pinIncorrect', 1))).toContain('1 tries left');
    expect(errorMessage('ja', view('pinIncorrect'))).toBe('パスワードが正しくありません。パスワードを確かめて、もう一度入力してください。');
    // The token says few are left, not how many: 残りわずか, never a made-up count.
    expect(errorMessage('ja', { ...view('pinIncorrect'), fewLeft: true })).toContain('（残りわずか）');
    expect(errorMessage('en', { ...view('pinIncorrect'), fewLeft: true })).toContain('Only a few tries are left');
    expect(errorMessage('ja', { ...view('pinIncorrect', 1), fewLeft: true })).toBe('パスワードが正しくありません。残り1回');
  });

  it('says that an unconfirmed final try sent nothing', () => {
    expect(errorMessage('ja', view('pinFinalTry'))).toContain('まだ送信していません');
    expect(errorMessage('en', view('pinFinalTry'))).toContain('not been sent');
  });

  it('does not promise that nothing changed when the token was pulled out', () => {
    expect(errorMessage('ja', view('tokenRemoved'))).not.toContain('変更されていません');
    expect(errorMessage('ja', view('tokenRemoved'))).toContain('一覧を確認してください');
    expect(errorMessage('en', view('tokenRemoved'))).not.toContain('Nothing was changed');
  });

  it('tells the user whom to contact when the PIN is locked', () => {
    expect(errorMessage('ja', view('pinLocked'))).toContain('お問い合わせください');
  });
});

describe('errors that say when', () => {
  it('says in Japan time when the bank will be asked again, or when the certificate becomes valid', () => {
    const pending = { ...view('stillPending'), at: '2026-12-06T05:05:00Z' };
    expect(errorMessage('ja', pending)).toContain('2026年12月6日 14:05以降に、もう一度お試しください');
    expect(errorMessage('en', pending)).toContain('Try again after 6 December 2026 at 14:05');
    const future = { ...view('issuedNotYetValid'), at: '2026-12-06T05:05:00Z' };
    expect(errorMessage('ja', future)).toContain('有効期間の開始（2026年12月6日 14:05）');
    expect(errorMessage('ja', view('stillPending'))).not.toContain('{time}');
  });
});

describe('toErrorView', () => {
  it('keeps a well-formed ErrorView', () => {
    expect(toErrorView(view('pinIncorrect', 1))).toEqual(view('pinIncorrect', 1));
    expect(toErrorView({ ...view('pinIncorrect'), fewLeft: true }).fewLeft).toBe(true);
  });

  it('keeps the native code for the helpdesk, and adds none', () => {
    const withCode = { ...view('pinIncorrect'), nativeCode: 'CKR_PIN_INCORRECT (0xA0)' };
    expect(toErrorView(withCode)).toEqual(withCode);
    expect(toErrorView(view('pinIncorrect'))).not.toHaveProperty('nativeCode');
  });

  it('keeps the store that failed, which the error screen words its preparation text by', () => {
    const intoToken = { ...view('tokenAbsent'), into: 'usbToken' as const };
    expect(toErrorView(intoToken)).toEqual(intoToken);
    expect(toErrorView({ ...view('tokenAbsent'), into: 'floppy' })).not.toHaveProperty('into');
  });

  it('turns anything else into an internal error with the text as detail', () => {
    expect(toErrorView('command start_renewal not found')).toEqual({
      code: 'internal',
      retriesLeft: null,
      at: null,
      detail: 'command start_renewal not found',
    });
    expect(toErrorView({ code: 'somethingNew' }).code).toBe('internal');
    expect(toErrorView(new Error('boom')).detail).toBe('boom');
  });
});
