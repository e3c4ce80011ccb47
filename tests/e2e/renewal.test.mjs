// End-to-end: the REAL app (debug build of the `shomei` binary, UI embedded) in demo mode,
// under Xvfb, driven through tauri-driver and Debian's WebKitWebDriver. It renews the demo
// identity of 「株式会社デモ商事」 and reads the new expiry date from the screen.
//
// Run inside a private D-Bus session (WebKitGTK wants one):
//   cd tests/e2e && dbus-run-session -- node --test        (or: npm --prefix tests/e2e test)
// Needs: `cargo build --bin shomei` and `npm --prefix ui run build` first; .ci/test does both.
//
// Environment (all optional):
//   SHOMEI_APP          the app binary (default $CARGO_TARGET_DIR/debug/shomei,
//                       CARGO_TARGET_DIR defaulting to ~/.cache/shomei/target as in .ci/)
//   SHOMEI_E2E_KEEP=1   keep the demo directory even when the test passes
// Output: artifacts/ (gitignored): identity-list.png, renewal-done.png, logs, and on failure
// failure.png + failure.html.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, accessSync, constants as fsc } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, sleep, waitForServer, waitUntil } from './webdriver.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.join(HERE, 'artifacts');
const TARGET_DIR = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/shomei/target');
const APP = process.env.SHOMEI_APP || path.join(TARGET_DIR, 'debug/shomei');
const NATIVE_DRIVER = '/usr/bin/WebKitWebDriver';
const DEMO_PIN = '123456';

// Generous but bounded: the first WebKit start (and the demo's SoftHSM token + CA) is slow.
const T_SERVER = 60_000;
const T_SESSION = 180_000;
const T_FIRST_SCREEN = 180_000;
const T_STEP = 60_000;
const T_RENEWAL = 180_000;

const sel = (id) => `[data-testid="${id}"]`;

/** 「2027年11月24日」 (anywhere in `text`) -> UTC midnight of that day, in ms. */
export function parseJapaneseDate(text) {
  const m = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(text);
  assert.ok(m, `no Japanese date (YYYY年M月D日) in ${JSON.stringify(text)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

const DAY = 86_400_000;
const todayUtc = () => {
  const n = new Date();
  return Date.UTC(n.getFullYear(), n.getMonth(), n.getDate());
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function which(cmd, extra = []) {
  for (const dir of [...(process.env.PATH || '').split(':'), ...extra]) {
    const p = path.join(dir, cmd);
    try {
      accessSync(p, fsc.X_OK);
      return p;
    } catch {}
  }
  return null;
}

// Process groups started here, killed even if the test is interrupted (SIGINT/SIGTERM from
// `timeout` or Ctrl-C) or the process exits without reaching the test's finally.
const groups = new Set();
function killAllGroups() {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
  groups.clear();
}
process.once('exit', killAllGroups);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    killAllGroups();
    process.exit(130);
  });
}

/** Starts `cmd` in its own process group, output to artifacts/<log>. */
function start(cmd, args, log, opts = {}) {
  const out = createWriteStream(path.join(ARTIFACTS, log));
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe', ...(opts.extraStdio || [])], env: opts.env });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  if (child.pid !== undefined) groups.add(child.pid);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.alive = true;
  child.once('exit', () => (child.alive = false));
  child.once('error', (e) => {
    child.alive = false;
    out.write(`spawn error: ${e.message}\n`);
  });
  return child;
}

/** Ends a process group we started: SIGTERM, then SIGKILL after a grace period. */
async function stop(child, graceMs = 5000) {
  if (!child || child.pid === undefined) return;
  const signalGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {}
  };
  signalGroup('SIGTERM');
  await Promise.race([child.exited, sleep(graceMs)]);
  // The group may outlive its leader (WebKitWebDriver, the app): always finish it off.
  signalGroup('SIGKILL');
  groups.delete(child.pid);
}

/** Xvfb on a display it picks itself (-displayfd), so parallel runs never collide. */
async function startXvfb() {
  const xvfb = start('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], 'xvfb.log', {
    extraStdio: ['pipe'],
  });
  const display = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 30s (see artifacts/xvfb.log)')), 30_000);
    xvfb.stdio[3].on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${buf.trim()}`);
      }
    });
    xvfb.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}) before reporting a display (see artifacts/xvfb.log)`));
    });
  });
  return { xvfb, display };
}

test('renew the demo identity in the real app and read the new expiry from the screen', { timeout: 15 * 60_000 }, async (t) => {
  assert.ok(
    existsSync(APP),
    `app binary ${APP} does not exist: build it first (npm --prefix ui run build && cargo build --bin shomei)`,
  );
  const tauriDriver = which('tauri-driver', [path.join(os.homedir(), '.cargo/bin')]);
  assert.ok(tauriDriver, 'tauri-driver not found: bash .ci/setup test installs it');
  assert.ok(existsSync(NATIVE_DRIVER), `${NATIVE_DRIVER} missing: apt-get install webkit2gtk-driver`);
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, 'no D-Bus session: run under `dbus-run-session -- node --test`');

  await rm(ARTIFACTS, { recursive: true, force: true });
  await mkdir(ARTIFACTS, { recursive: true });
  const demoDir = await mkdtemp(path.join(os.tmpdir(), 'shomei-e2e-demo-'));
  t.diagnostic(`app: ${APP}`);
  t.diagnostic(`demo dir: ${demoDir}`);

  let xvfb, driver, session;
  let passed = false;
  try {
    const x = await startXvfb();
    xvfb = x.xvfb;
    t.diagnostic(`Xvfb on display ${x.display}`);

    const port = await freePort();
    let nativePort = await freePort();
    while (nativePort === port) nativePort = await freePort();
    const env = { ...process.env, DISPLAY: x.display, GDK_BACKEND: 'x11' };
    delete env.WAYLAND_DISPLAY;
    // The app starts in the OS's language (words::os_locale); this walk is in Japanese, the
    // default, whatever the developer's own LANG says (C names no language).
    delete env.LC_ALL;
    delete env.LC_MESSAGES;
    env.LANG = 'C.UTF-8';
    // Do NOT set WEBKIT_DISABLE_DMABUF_RENDERER=1 or WEBKIT_DISABLE_COMPOSITING_MODE=1 here:
    // with WebKitGTK 2.50 under Xvfb either one makes every WebDriver screenshot hang.
    driver = start(
      tauriDriver,
      ['--port', String(port), '--native-port', String(nativePort), '--native-driver', NATIVE_DRIVER],
      'tauri-driver.log', // also WebKitWebDriver's and the app's stderr
      { env },
    );
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(base, T_SERVER, () => driver.alive);
    t.diagnostic(`tauri-driver on ${base} (WebKitWebDriver on ${nativePort})`);

    // tauri-driver turns tauri:options into webkitgtk:browserOptions {binary, args}.
    session = await Session.create(
      base,
      { 'tauri:options': { application: APP, args: ['--demo', '--demo-dir', demoDir] } },
      T_SESSION,
    );
    t.diagnostic(`session ${session.id} open`);

    await session.waitFor(sel('identity-row'), T_FIRST_SCREEN);
    const oldText = await session.text(sel('identity-expiry'));
    const oldExpiry = parseJapaneseDate(oldText);
    t.diagnostic(`old expiry on screen: ${JSON.stringify(oldText)}`);
    await writeFile(path.join(ARTIFACTS, 'identity-list.png'), await session.screenshot());

    await session.click(sel('renew-button'), T_STEP);
    // The new screen takes the focus (its はい), so the keyboard goes on from there.
    await waitUntil('the focus on the first consent\'s はい', T_STEP, async () => (await session.activeTestId()) === 'consent-yes');
    await session.click(sel('consent-yes'), T_STEP); // first consent: renew with this identity
    await session.type(sel('pin-input'), DEMO_PIN, T_STEP);
    await session.click(sel('pin-submit'), T_STEP);

    // Second consent (after the PIN): only once the PIN dialog has gone, so that a lingering
    // first dialog is never clicked twice.
    await waitUntil('the second consent (PIN dialog closed, consent-yes shown)', T_RENEWAL, async () => {
      if (await session.findDisplayed(sel('pin-input'))) return false;
      return session.findDisplayed(sel('consent-yes'));
    });
    // What いいえ would mean is said before it happens: the issued certificate is thrown away.
    const noMeans = await session.text(sel('install-no-means'));
    assert.match(noMeans, /「いいえ」を選ぶと、発行された新しい電子証明書はインストールされずに破棄されます/);
    await session.click(sel('consent-yes'), T_STEP);

    await session.waitFor(sel('done-message'), T_RENEWAL);
    const newText = await session.text(sel('detail-not-after'));
    const newExpiry = parseJapaneseDate(newText);
    t.diagnostic(`new expiry on screen: ${JSON.stringify(newText)}`);
    await writeFile(path.join(ARTIFACTS, 'renewal-done.png'), await session.screenshot());

    assert.notEqual(newExpiry, oldExpiry, `the expiry did not change: ${oldText} -> ${newText}`);
    assert.ok(newExpiry > oldExpiry, `the new expiry ${newText} is not after the old one ${oldText}`);
    const daysAhead = Math.round((newExpiry - todayUtc()) / DAY);
    assert.ok(
      daysAhead >= 330 && daysAhead <= 400,
      `the new expiry ${newText} is ${daysAhead} days from today, not about a year`,
    );
    t.diagnostic(`new certificate valid for ${daysAhead} more days (old: ${Math.round((oldExpiry - todayUtc()) / DAY)})`);

    // 閉じる reloads the list from the token: the one identity left is the new one.
    await session.click(sel('close-button'), T_STEP);
    await waitUntil('the reloaded list showing the new expiry', T_STEP, async () => {
      if (!(await session.findDisplayed(sel('identity-row')))) return false;
      return (await session.text(sel('identity-expiry'))) === newText;
    });
    passed = true;
  } catch (e) {
    if (session) {
      try {
        await writeFile(path.join(ARTIFACTS, 'failure.png'), await session.screenshot());
        await writeFile(path.join(ARTIFACTS, 'failure.html'), await session.source());
      } catch {}
    }
    t.diagnostic(`logs and screenshots in ${ARTIFACTS}; demo dir kept at ${demoDir}`);
    throw e;
  } finally {
    if (session) {
      try {
        await session.delete(); // closes the app
      } catch {}
    }
    await stop(driver);
    await stop(xvfb);
    if (passed && !process.env.SHOMEI_E2E_KEEP) await rm(demoDir, { recursive: true, force: true });
  }
});
