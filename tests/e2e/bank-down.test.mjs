// The real app (not in demo mode) on a bank whose server is down: the demo's token and CA,
// made by the command line, with a bank profile whose EST address is a closed port on
// 127.0.0.1. The renewal stops at the bank with 「銀行のサーバーに接続できません」 and the
// bank's support contact, found by 電子証明書更新前処理中 before any PIN is asked; the old
// certificate is still listed afterwards.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { T, freshHome, startDriver } from './lib/harness.mjs';
import { freePort } from './lib/processes.mjs';
import { expiryOf, renewOf, rowOf, sel } from './lib/screens.mjs';

const USB = '株式会社デモ商事';
const SUPPORT = ['デモ信用金庫 法人IBヘルプデスク（テスト）', '0000-00-0000', '平日 9:00〜17:00'];

let driver, app;

/** The demo's profile with the bank's address on a closed port and a full [support]. */
async function bankDownProfile(demoDir) {
  const port = await freePort(); // closed again once freePort returns
  const demo = await readFile(path.join(demoDir, 'bank.toml'), 'utf8');
  const base = /^base_url = ".*"$/m;
  assert.match(demo, base);
  const support = /^\[support\]\n(?:[a-z_]+ = .*\n)*/m;
  assert.match(demo, support);
  const text = demo
    .replace(base, `base_url = "https://127.0.0.1:${port}"`)
    .replace(
      support,
      `[support]\nname = "${SUPPORT[0]}"\nphone = "${SUPPORT[1]}"\nhours = "${SUPPORT[2]}"\n`,
    );
  const file = path.join(demoDir, 'bank-down.toml');
  await writeFile(file, `# The demo bank with its server down (tests/e2e/bank-down.test.mjs).\n${text}`);
  return file;
}

before(async () => {
  driver = await startDriver('bank-down');
  const home = await freshHome(driver.scratch);
  const demoDir = path.join(home.root, 'demo');
  // The demo's token, CA and profile, without a window (its test CA stops with the command).
  await driver.cli('demo-setup', ['--demo-dir', demoDir, 'status'], { home });
  const profile = await bankDownProfile(demoDir);
  app = await driver.launch({
    name: 'bank-down',
    args: ['--profile', profile],
    // Not the demo: SoftHSM is told where the demo's token is, as an installer would.
    env: { SOFTHSM2_CONF: path.join(demoDir, 'softhsm', 'softhsm2.conf') },
    home,
  });
  await app.ready(rowOf(USB));
});

after(async () => {
  await app?.close();
  await driver?.stop();
});

test('a bank that is down: the error says so with the bank\'s contact, the old certificate stays', (t) =>
  app.guard(t, async (s) => {
    assert.equal(await s.findDisplayed(sel('demo-banner')), null, 'this is not the demo');
    const row = await s.waitFor(rowOf(USB), T.step);
    const fingerprint = await s.cmd('GET', `/element/${row}/attribute/data-fingerprint`);
    const oldText = await s.text(expiryOf(USB));
    await s.click(renewOf(USB), T.step);
    // 電子証明書更新前処理中 finds the bank down before any PIN is asked.
    const failed = await s.waitFor(`${sel('precheck-failed')}[data-code="bankUnreachable"]`, T.renewal);
    assert.equal(await s.cmd('GET', `/element/${failed}/attribute/data-check`), 'bank');
    assert.equal(await s.findDisplayed(sel('pin-input')), null, 'no PIN is asked of a bank that is down');
    const said = await s.text(`${sel('precheck-failed')} ${sel('error-message')}`, T.step);
    assert.match(said, /銀行のサーバーに接続できません。/);
    const contact = await s.text(sel('precheck-contact'), T.step);
    for (const line of [SUPPORT[0], `電話：${SUPPORT[1]}`, `受付時間：${SUPPORT[2]}`]) {
      assert.ok(contact.includes(line), `the contact lacks ${line}: ${JSON.stringify(contact)}`);
    }
    await app.shot('bank-down.png');

    await s.click(sel('precheck-back'), T.step);
    await s.waitFor('#list-heading', T.step);
    const after = await s.waitFor(rowOf(USB), T.step);
    assert.equal(await s.cmd('GET', `/element/${after}/attribute/data-fingerprint`), fingerprint);
    assert.equal(await s.text(expiryOf(USB)), oldText);
    assert.equal((await s.findAll(sel('identity-row'))).length, 1);
    t.diagnostic(`still listed: ${USB}, ${oldText}`);
  }));
