// The real app on the demo with its own PC store (SHOMEI_DEMO_EXTRAS=pc: an NSS database in
// the demo directory, the Linux PC store): a renewal into this PC, no PIN, to
// 「電子証明書のインストールが完了しました」. Then, on the same launch, a second
// `shomei --demo-dir D --open FP` hands its arguments to this one and exits: the window
// shows that identity's renewal (its checks, 電子証明書更新前処理中).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { APP, T, startDriver } from './lib/harness.mjs';
import { run } from './lib/processes.mjs';
import { chooseStore, closeDone, done, expiryOf, focusOn, installConsent, renewOf, rowOf, sel, storageOf } from './lib/screens.mjs';
import { waitUntil } from './webdriver.mjs';

const PC = '株式会社デモ商事 経理部';
const USB = '株式会社デモ商事';

let driver, app, demoDir;

before(async () => {
  driver = await startDriver('pc-store');
  demoDir = path.join(driver.scratch, 'demo');
  app = await driver.launch({
    name: 'pc-store',
    args: ['--demo-dir', demoDir],
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

test('a second launch with --open FP hands it to the first, which shows that renewal', (t) =>
  app.guard(t, async (s) => {
    await app.toList();
    const fp = await s.attribute(rowOf(USB), 'data-fingerprint');
    assert.match(fp ?? '', /^[0-9A-Fa-f]{64}$/);
    // The second launch: same user, same demo directory, on the same display and session bus.
    const log = path.join(driver.artifacts, 'second-launch.log');
    const started = Date.now();
    const second = await run(
      APP,
      ['--demo-dir', demoDir, '--open', fp],
      log,
      { env: { ...driver.env, ...app.home.env } },
      T.step,
    );
    assert.equal(second.code, 0, `the second launch exited ${second.code ?? second.signal} (see ${log})`);
    t.diagnostic(`second launch handed over and exited in ${Date.now() - started} ms`);
    // No second window: this session's window shows the renewal of FP.
    await s.waitFor(sel('precheck'), T.step);
    assert.match(await s.text('main'), new RegExp(USB));
    await app.shot('open-from-second-launch.png');
    // The request was taken once: back on the list, nothing opens again.
    await app.toList();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await s.findDisplayed(sel('precheck')), null);
  }));
