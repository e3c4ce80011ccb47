// What the tests find and do on the app's screens: the list's rows by their 発行先, and the
// steps of a renewal (更新 → 確認 → PIN → 確認 → 完了).

import assert from 'node:assert/strict';
import { waitUntil } from '../webdriver.mjs';
import { T } from './harness.mjs';

export const sel = (id) => `[data-testid="${id}"]`;

/** The list's row of the certificate issued to `name` (its 発行先 cell, exactly). */
export const rowOf = (name) => `//tr[@data-testid="identity-row"][td[1][normalize-space(.)="${name}"]]`;
/** The 更新 button of that row. */
export const renewOf = (name) => `${rowOf(name)}//button[@data-testid="renew-button"]`;
/** Cells of that row: 有効期限, 保管場所, 状態. */
export const expiryOf = (name) => `${rowOf(name)}/td[@data-testid="identity-expiry"]`;
export const storageOf = (name) => `${rowOf(name)}/td[4]`;
export const statusOf = (name) => `${rowOf(name)}/td[5]`;

/** 「2027年11月24日」 (anywhere in `text`) -> UTC midnight of that day, in ms. */
export function parseJapaneseDate(text) {
  const m = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(text);
  assert.ok(m, `no Japanese date (YYYY年M月D日) in ${JSON.stringify(text)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

const DAY = 86_400_000;
/** Whole days from today (local calendar) to the date in `text`. */
export function daysFromToday(text) {
  const n = new Date();
  return Math.round((parseJapaneseDate(text) - Date.UTC(n.getFullYear(), n.getMonth(), n.getDate())) / DAY);
}

/** The texts of every row of the list, for messages when a row is not where expected. */
export async function listText(s) {
  const rows = await s.findAll(sel('identity-row'));
  return Promise.all(rows.map((r) => s.cmd('GET', `/element/${r}/text`)));
}

/** Waits for the focus to be on the element with data-testid `id`. */
export function focusOn(s, id) {
  return waitUntil(`the focus on ${id}`, T.step, async () => (await s.activeTestId()) === id);
}

/** On 更新 (the store choice): choose where the new certificate goes, then 次へ. */
export async function chooseStore(s, into) {
  await s.waitFor(sel('choose-store'), T.step);
  await focusOn(s, 'store-next');
  await s.click(sel(`store-${into}`), T.step);
  await waitUntil(`${into} chosen`, T.step, () => s.selected(sel(`store-${into}`)));
  await s.click(sel('store-next'), T.step);
}

/** Types `pin` on the PIN screen and sends it. */
export async function enterPin(s, pin) {
  await s.type(sel('pin-input'), pin, T.step);
  await s.click(sel('pin-submit'), T.step);
}

/**
 * The second consent (after the PIN, if any): only once the PIN screen has gone, so that a
 * lingering first dialog is never clicked twice. Checks what いいえ would mean, then はい.
 */
export async function installConsent(s) {
  await waitUntil('the second consent (consent-yes shown, no PIN field)', T.renewal, async () => {
    if (await s.findDisplayed(sel('pin-input'))) return false;
    return s.findDisplayed(sel('install-no-means'));
  });
  const noMeans = await s.text(sel('install-no-means'));
  assert.match(noMeans, /「いいえ」を選ぶと、発行された新しい電子証明書はインストールされずに破棄されます/);
  await s.click(sel('consent-yes'), T.step);
}

/**
 * 完了: checks the completion text, that the new certificate is valid for about a year
 * from today and ends after `oldExpiryText`; returns the new 有効期限 as shown.
 */
export async function done(s, message, oldExpiryText) {
  await s.waitFor(sel('done-message'), T.renewal);
  assert.equal((await s.text(sel('done-message'))).trim(), message);
  const newText = await s.text(sel('detail-not-after'));
  assert.ok(
    parseJapaneseDate(newText) > parseJapaneseDate(oldExpiryText),
    `the new expiry ${newText} is not after the old one ${oldExpiryText}`,
  );
  const days = daysFromToday(newText);
  assert.ok(days >= 330 && days <= 400, `the new expiry ${newText} is ${days} days from today, not about a year`);
  return newText;
}

/** 閉じる on 完了, then the reloaded list. */
export async function closeDone(s) {
  await s.click(sel('close-button'), T.step);
  await s.waitFor('#list-heading', T.step);
}
