// The real app on the demo with its extras (SHOMEI_DEMO_EXTRAS=pc,expired), one launch for
// three tests, in this order:
//   1. the expired certificate: 再取得 guidance with the bank's contact, no 更新;
//   2. a USB renewal (SoftHSM) with one wrong PIN first, to 「…専用USBへの保存が完了しました。」;
//   3. a PC → USB renewal (更新: 専用USBに保存する): the certificate ends on the token and
//      leaves the PC store (the demo's own NSS database).
// Each test starts from the list (reloading the page if the one before stopped half-way).
// Run: see DEVELOPMENT.md (end-to-end tests).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DEMO_PIN, T, startDriver } from './lib/harness.mjs';
import {
  chooseStore,
  closeDone,
  done,
  enterPin,
  expiryOf,
  focusOn,
  installConsent,
  listText,
  renewOf,
  rowOf,
  sel,
  statusOf,
  storageOf,
} from './lib/screens.mjs';
import { waitUntil } from './webdriver.mjs';

// The demo's identities (src-tauri/crates/shomei-engine/src/demo.rs and demo/extras.rs).
const USB = '株式会社デモ商事';
const EXPIRED = '株式会社デモ商事 総務部';
const PC = '株式会社デモ商事 経理部';
const SUPPORT = 'デモ信用金庫 デモ窓口';
const USB_DONE = '電子証明書の更新と専用USBへの保存が完了しました。';

let driver, app;

before(async () => {
  driver = await startDriver('demo');
  const demoDir = path.join(driver.scratch, 'demo');
  app = await driver.launch({
    name: 'demo',
    args: ['--demo-dir', demoDir],
    env: { SHOMEI_DEMO_EXTRAS: 'pc,expired' },
  });
  await app.ready(rowOf(PC));
  await app.shot('identity-list.png');
});

after(async () => {
  await app?.close();
  await driver?.stop();
});

test('an expired certificate: 再取得 guidance with the bank\'s contact, and no renewal', (t) =>
  app.guard(t, async (s) => {
    await app.toList();
    const notice = await s.waitFor(sel('expired-notice'), T.step);
    assert.equal(await s.cmd('GET', `/element/${notice}/attribute/data-kind`), 'reacquire');
    const text = await s.text(sel('expired-notice'));
    assert.match(text, /電子証明書の有効期限が切れています/);
    assert.match(text, new RegExp(`「${EXPIRED}」の電子証明書は.*に有効期限が切れました。.*までは再取得できます。`));
    assert.match(text, /お問い合わせ先/);
    assert.ok(text.includes(SUPPORT), `the bank's contact ${SUPPORT} is not in the notice: ${text}`);

    const status = await s.text(statusOf(EXPIRED));
    assert.match(status, /期限切れ/);
    assert.match(status, /まで再取得できます。/);
    assert.equal(await s.enabled(renewOf(EXPIRED)), false, 'an expired certificate offers 更新');
    // Only the certificates in their window have a 「電子証明書の更新はこちら」 notice.
    const links = await s.findAll('//section[contains(@class,"notice")]//article[h3="電子証明書の更新をお願いします"]');
    assert.equal(links.length, 2, `renewal notices: ${links.length} (expected ${USB} and ${PC})`);
    await app.shot('expired.png');
  }));

test('a USB renewal (SoftHSM) with one wrong PIN first', (t) =>
  app.guard(t, async (s) => {
    await app.toList();
    const oldText = await s.text(expiryOf(USB));
    t.diagnostic(`old expiry on screen: ${JSON.stringify(oldText)}`);
    await s.click(renewOf(USB), T.step);
    // 更新: the bank offers both stores; this one stays on the USB token.
    await chooseStore(s, 'usbToken');
    // Each new screen takes the focus (its はい), so the keyboard goes on from there.
    await focusOn(s, 'consent-yes');
    await s.click(sel('consent-yes'), T.step);

    await enterPin(s, '999999');
    const error = await s.waitFor(`${sel('error-message')}[data-code="pinIncorrect"]`, T.renewal);
    const said = await s.cmd('GET', `/element/${error}/text`);
    t.diagnostic(`after a wrong PIN: ${JSON.stringify(said)}`);
    // SoftHSM, like most tokens, gives no count (PKCS#11 has only "count low" and "final
    // try" flags): after a wrong PIN it raises "count low", shown as 「残りわずか」;
    // 「残り…回」 is shown only when the token gives a count (the final try).
    assert.match(said.trim(), /^パスワードが正しくありません。.*（残りわずか）/);
    await focusOn(s, 'pin-input');
    await app.shot('pin-incorrect.png');
    await enterPin(s, DEMO_PIN);

    await installConsent(s);
    const newText = await done(s, USB_DONE, oldText);
    t.diagnostic(`new expiry on screen: ${JSON.stringify(newText)}`);
    await app.shot('usb-done.png');
    // 閉じる reloads the list from the token: the one 株式会社デモ商事 left is the new one.
    await closeDone(s);
    await waitUntil('the reloaded list showing the new expiry', T.step, async () => (await s.text(expiryOf(USB))) === newText);
  }));

test('a PC → USB renewal: the new certificate on the token, the old one gone from the PC store', (t) =>
  app.guard(t, async (s) => {
    await app.toList();
    assert.equal((await s.text(storageOf(PC))).trim(), 'このパソコン');
    const oldText = await s.text(expiryOf(PC));
    await s.click(renewOf(PC), T.step);
    await chooseStore(s, 'usbToken');
    // Consent 1 says where the new certificate goes.
    await focusOn(s, 'consent-yes');
    const summary = await s.text('main .summary');
    assert.match(summary, /保管場所\s*専用USB/);
    await s.click(sel('consent-yes'), T.step);
    // Saving to the token needs its PIN.
    await enterPin(s, DEMO_PIN);
    await installConsent(s);
    const newText = await done(s, USB_DONE, oldText);
    await app.shot('pc-to-usb-done.png');

    await closeDone(s);
    await waitUntil(`one ${PC}, on the token, with the new expiry`, T.step, async () => {
      const rows = await s.findAll(rowOf(PC));
      if (rows.length !== 1) return false;
      return (await s.text(storageOf(PC))).trim() === '専用USB' && (await s.text(expiryOf(PC))) === newText;
    }).catch(async (e) => {
      throw new Error(`${e.message}; list: ${JSON.stringify(await listText(s))}`);
    });
    // Nothing is left in the PC store: no row says このパソコン.
    const rows = await listText(s);
    assert.ok(!rows.some((r) => r.includes('このパソコン')), `a certificate is still in the PC store: ${JSON.stringify(rows)}`);
    await app.shot('pc-to-usb-list.png');
  }));
