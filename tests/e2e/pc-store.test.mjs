// The real app on the demo with its own PC store (SHOMEI_DEMO_EXTRAS=pc: an NSS database in
// the demo directory, the Linux PC store): a renewal into this PC, no PIN, to
// 「電子証明書のインストールが完了しました」.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { T, startDriver } from './lib/harness.mjs';
import { chooseStore, closeDone, done, expiryOf, focusOn, installConsent, renewOf, rowOf, sel, storageOf } from './lib/screens.mjs';
import { waitUntil } from './webdriver.mjs';

const PC = '株式会社デモ商事 経理部';

let driver, app;

before(async () => {
  driver = await startDriver('pc-store');
  app = await driver.launch({
    name: 'pc-store',
    args: ['--demo-dir', path.join(driver.scratch, 'demo')],
    env: { SHOMEI_DEMO_EXTRAS: 'pc' },
  });
  await app.ready(rowOf(PC));
});

after(async () => {
  await app?.close();
  await driver?.stop();
});

test('a PC-store renewal (NSS) to 電子証明書のインストールが完了しました', (t) =>
  app.guard(t, async (s) => {
    assert.equal((await s.text(storageOf(PC))).trim(), 'このパソコン');
    const oldText = await s.text(expiryOf(PC));
    await s.click(renewOf(PC), T.step);
    await chooseStore(s, 'thisPc');
    await focusOn(s, 'consent-yes');
    assert.match(await s.text('main .summary'), /保管場所\s*このパソコン/);
    await s.click(sel('consent-yes'), T.step);
    // Into this PC: no PIN is asked, and no step speaks of the USB token.
    await waitUntil('the second consent, with no PIN asked', T.renewal, async () => {
      if (await s.findDisplayed(sel('pin-input'))) throw new Error('a PIN was asked for a renewal into this PC');
      return s.findDisplayed(sel('install-no-means'));
    });
    await installConsent(s);
    const newText = await done(s, '電子証明書のインストールが完了しました', oldText);
    t.diagnostic(`PC store: ${oldText} -> ${newText}`);
    await app.shot('pc-done.png');

    await closeDone(s);
    await waitUntil(`${PC} in this PC with the new expiry`, T.step, async () => {
      if ((await s.findAll(rowOf(PC))).length !== 1) return false;
      return (await s.text(storageOf(PC))).trim() === 'このパソコン' && (await s.text(expiryOf(PC))) === newText;
    });
  }));
