// The real app started by a user who has never run Shomei: no bank profile anywhere. The
// window opens on the welcome screen (never an exit or an empty list). A broken profile is
// refused with its problems by line and column; the demo's profile, typed in, is checked,
// copied into the user's profiles and its bank served at once. A profile an administrator
// deploys while the welcome screen is open is picked up by itself.
//
// The demo's token, CA and profile are made by the command line (`--demo-dir D status`); its
// test CA stops with that command, which is fine: nothing here talks to the bank.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DIR_NAME, T, freshHome, startDriver } from './lib/harness.mjs';
import { rowOf, sel } from './lib/screens.mjs';
import { waitUntil } from './webdriver.mjs';

const USB = '株式会社デモ商事';

let driver;

/** A user's HOME and the demo's files (token, CA, bank.toml) in it. */
async function homeWithDemoFiles(name) {
  const home = await freshHome(driver.scratch);
  const demoDir = path.join(home.root, 'Downloads', 'demo');
  await driver.cli(`${name}-demo-setup`, ['--demo-dir', demoDir, 'status'], { home });
  // As an installer would: SoftHSM is told where the demo's token is.
  const env = { SOFTHSM2_CONF: path.join(demoDir, 'softhsm', 'softhsm2.conf') };
  return { home, demoDir, env };
}

/** Runs `fn` on a fresh app (tauri-driver holds one session at a time), then closes it. */
async function withApp(name, home, env, fn) {
  const app = await driver.launch({ name, args: [], env, home });
  try {
    await app.ready(sel('welcome'));
    await fn(app);
  } finally {
    await app.close();
  }
}

before(async () => {
  driver = await startDriver('first-start');
});

after(async () => {
  await driver?.stop();
});

test('first start: the welcome screen, a broken profile refused by line, the demo profile added through the UI', async (t) => {
  const { home, demoDir, env } = await homeWithDemoFiles('add');
  await withApp('add', home, env, (app) => app.guard(t, async (s) => {
    assert.equal(await s.findDisplayed('#list-heading'), null, 'no list without a bank');
    await app.shot('welcome.png');

    // A profile with a problem: refused, by line and column, nothing copied.
    const demo = await readFile(path.join(demoDir, 'bank.toml'), 'utf8');
    const broken = path.join(demoDir, 'broken.toml');
    await writeFile(broken, demo.replace(/^base_url = "https:/m, 'base_url = "http:'));
    await s.type(sel('profile-path'), broken, T.step);
    await s.click(sel('profile-add'), T.step);
    const issues = await s.text(sel('profile-issues'), T.step);
    assert.match(issues, /\d+行目 \d+文字目：https:\/\/ で始めてください/);
    await app.shot('welcome-refused.png');

    // The demo's profile, typed in: added, and its bank's certificate listed.
    await s.type(sel('profile-path'), path.join(demoDir, 'bank.toml'), T.step);
    await s.click(sel('profile-add'), T.step);
    await s.waitFor(rowOf(USB), T.renewal);
    const copied = path.join(home.env.XDG_CONFIG_HOME, DIR_NAME, 'banks', 'bank.toml');
    assert.equal(await readFile(copied, 'utf8'), demo, 'the profile is copied as it was');
    await readFile(path.join(home.env.XDG_CONFIG_HOME, DIR_NAME, 'banks', 'ca.pem'));
    assert.equal(await s.findDisplayed(sel('demo-banner')), null, 'this is not the demo');
    await app.shot('first-list.png');
    t.diagnostic(`added ${copied}`);
  }));
});

test('first start: a profile an administrator deploys meanwhile is picked up by itself', async (t) => {
  const { home, demoDir, env } = await homeWithDemoFiles('admin');
  await withApp('admin', home, env, (app) => app.guard(t, async (s) => {
    const system = home.env.SHOMEI_SYSTEM_BANKS_DIR;
    await copyFile(path.join(demoDir, 'ca.pem'), path.join(system, 'ca.pem'));
    await copyFile(path.join(demoDir, 'bank.toml'), path.join(system, 'shinkin.toml'));
    // The welcome screen looks again every 5 s.
    await waitUntil(`${USB} listed from the administrator's profile`, T.renewal, () => s.findDisplayed(rowOf(USB)));
  }));
});
