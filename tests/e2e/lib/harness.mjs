// The real app under test: one Xvfb and one tauri-driver per test file (startDriver), and
// any number of app launches through them (driver.launch), each with its own arguments,
// environment and a fresh HOME / XDG directories, so that no launch sees another's
// profiles, journal or WebKit data, nor the user's.
//
//   const driver = await startDriver('demo');              // artifacts/demo/
//   const app = await driver.launch({ name: 'demo', args: ['--demo-dir', …], env: {…} });
//   test('…', (t) => app.guard(t, async (s) => { … s is the WebDriver session … }));
//   await app.close(); await driver.stop();
//
// A first start with no profile is `driver.launch({ name, args: [] })`: the fresh HOME has
// no bank profile and SHOMEI_SYSTEM_BANKS_DIR points at an empty directory.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, waitForServer, waitUntil } from '../webdriver.mjs';
import { freePort, run, start, startXvfb, stop, which } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.join(HERE, '..', 'artifacts');
const TARGET_DIR = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/shomei/target');
// The window binary (the Tauri app, driven through tauri-driver) and the resident one (the
// command line, the tray and the reminders; no webview), built side by side.
export const APP = process.env.SHOMEI_APP || path.join(TARGET_DIR, 'debug/shomei-window');
export const RESIDENT = process.env.SHOMEI_RESIDENT || path.join(path.dirname(APP), 'shomei');
// A debug build's directories under XDG_CONFIG_HOME and XDG_DATA_HOME
// (shomei_resident::banks::DIR_NAME; a release build's are `shomei`).
export const DIR_NAME = process.env.SHOMEI_DIR_NAME || 'shomei-dev';
const NATIVE_DRIVER = '/usr/bin/WebKitWebDriver';
const ENV = '/usr/bin/env';
export const DEMO_PIN = '123456';

// Generous but bounded: the first WebKit start (and the demo's SoftHSM token + CA) is slow.
export const T = {
  server: 60_000,
  session: 180_000,
  firstScreen: 180_000,
  step: 60_000,
  renewal: 180_000,
};

/** A file name from a test's name. */
const slug = (name) =>
  name
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/** Checks what every test needs before starting anything. */
function preflight() {
  for (const bin of [APP, RESIDENT]) {
    assert.ok(
      existsSync(bin),
      `${bin} does not exist: build it first (npm --prefix ui run build && cargo build -p shomei -p shomei-resident --bins)`,
    );
  }
  assert.ok(existsSync(NATIVE_DRIVER), `${NATIVE_DRIVER} missing: apt-get install webkit2gtk-driver`);
  assert.ok(existsSync(ENV), `${ENV} missing`);
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, 'no D-Bus session: run under `dbus-run-session -- node --test`');
  const tauriDriver = which('tauri-driver', [path.join(os.homedir(), '.cargo/bin')]);
  assert.ok(tauriDriver, 'tauri-driver not found: bash .ci/setup test installs it');
  return tauriDriver;
}

/**
 * A fresh HOME with its XDG directories, and an empty administrators' profile directory:
 * the environment of a user who has never run Shomei.
 */
export async function freshHome(parent) {
  const root = await mkdtemp(path.join(parent, 'home-'));
  const dirs = {
    HOME: root,
    XDG_CONFIG_HOME: path.join(root, '.config'),
    XDG_DATA_HOME: path.join(root, '.local/share'),
    XDG_CACHE_HOME: path.join(root, '.cache'),
    XDG_STATE_HOME: path.join(root, '.local/state'),
    SHOMEI_SYSTEM_BANKS_DIR: path.join(root, 'system-banks'),
  };
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  // The app starts in the OS's language (words::os_locale); the walks are in Japanese, the
  // default, whatever the developer's own LANG says (C names no language).
  return { root, env: { ...dirs, LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8' } };
}

/** Starts Xvfb and tauri-driver for one test file; its logs go to artifacts/<group>/. */
export async function startDriver(group) {
  const tauriDriver = preflight();
  const artifacts = path.join(ARTIFACTS, group);
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  const scratch = await mkdtemp(path.join(os.tmpdir(), `shomei-e2e-${group}-`));
  let xvfb, driver;
  try {
    const x = await startXvfb(path.join(artifacts, 'xvfb.log'));
    xvfb = x.xvfb;
    const port = await freePort();
    let nativePort = await freePort();
    while (nativePort === port) nativePort = await freePort();
    const env = { ...process.env, DISPLAY: x.display, GDK_BACKEND: 'x11' };
    delete env.WAYLAND_DISPLAY;
    // Do NOT set WEBKIT_DISABLE_DMABUF_RENDERER=1 or WEBKIT_DISABLE_COMPOSITING_MODE=1 here:
    // with WebKitGTK 2.50 under Xvfb either one makes every WebDriver screenshot hang.
    driver = start(
      tauriDriver,
      ['--port', String(port), '--native-port', String(nativePort), '--native-driver', NATIVE_DRIVER],
      path.join(artifacts, 'tauri-driver.log'), // also WebKitWebDriver's and the apps' stderr
      { env },
    );
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(base, T.server, () => driver.alive);
    return new Driver({ base, artifacts, scratch, env, xvfb, driver, display: x.display });
  } catch (e) {
    await stop(driver);
    await stop(xvfb);
    throw e;
  }
}

export class Driver {
  constructor(fields) {
    Object.assign(this, fields);
    this.failed = false;
  }

  /**
   * Launches the app (a new WebDriver session) with `args` and `env` added to a fresh
   * HOME's environment. tauri-driver passes no environment of its own to the app, so the
   * app is started through env(1).
   */
  async launch({ name, args = [], env = {}, home = null }) {
    home ??= await freshHome(this.scratch);
    const vars = Object.entries({ ...home.env, ...env }).map(([k, v]) => `${k}=${v}`);
    const session = await Session.create(
      this.base,
      { 'tauri:options': { application: ENV, args: [...vars, APP, ...args] } },
      T.session,
    );
    return new App(this, name, session, home);
  }

  /** Runs the app's command line (no window) with the same kind of environment. */
  async cli(name, args, { env = {}, home }) {
    const log = path.join(this.artifacts, `${slug(name)}.log`);
    const r = await run(RESIDENT, args, log, { env: { ...process.env, ...home.env, ...env } });
    assert.equal(r.code, 0, `shomei ${args.join(' ')} exited ${r.code ?? r.signal} (see ${log})`);
  }

  /**
   * Starts the resident (`shomei ARGS`: the tray, the reminders, windows on demand) on this
   * display and session bus with `home`'s environment; its log is artifacts/<group>/<name>.log.
   * Stop it with `stop(child)` from processes.mjs.
   */
  resident(name, args, { env = {}, home }) {
    const log = path.join(this.artifacts, `${slug(name)}.log`);
    return start(RESIDENT, args, log, { env: { ...this.env, ...home.env, ...env } });
  }

  async stop() {
    await stop(this.driver);
    await stop(this.xvfb);
    if (!this.failed && !process.env.SHOMEI_E2E_KEEP) await rm(this.scratch, { recursive: true, force: true });
  }
}

export class App {
  constructor(driver, name, session, home) {
    this.driver = driver;
    this.name = name;
    this.session = session;
    this.home = home;
  }

  /** Saves a screenshot into artifacts/<group>/<file>. */
  async shot(file) {
    await writeFile(path.join(this.driver.artifacts, file), await this.session.screenshot());
  }

  /**
   * Runs one test's steps on this app; on failure saves `<test>-failure.png` and `.html`
   * into artifacts/<group>/ and keeps the scratch directories (HOMEs, demo dirs).
   */
  async guard(t, fn) {
    try {
      await fn(this.session);
    } catch (e) {
      const shot = await this.failed(t.name);
      t.diagnostic(`screenshot ${shot}; logs in ${this.driver.artifacts}; kept ${this.driver.scratch}`);
      throw e;
    }
  }

  /** Waits for the first screen to show `query`; a screenshot if it never does. */
  async ready(query) {
    try {
      await this.session.waitFor(query, T.firstScreen);
    } catch (e) {
      const shot = await this.failed(`${this.name} launch`);
      throw new Error(`${e.message} (screenshot ${shot}, kept ${this.driver.scratch})`);
    }
  }

  /** Saves `<what>-failure.png` and `.html`, keeps the scratch directories; the PNG's path. */
  async failed(what) {
    this.driver.failed = true;
    const base = path.join(this.driver.artifacts, `${slug(what)}-failure`);
    try {
      await writeFile(`${base}.png`, await this.session.screenshot());
      await writeFile(`${base}.html`, await this.session.source());
    } catch {}
    return `${base}.png`;
  }

  /**
   * Brings the list on screen: a test sharing this launch starts from the list even when
   * the one before stopped half-way (the page is reloaded then).
   */
  async toList() {
    const s = this.session;
    const onList = async () => !!(await s.findDisplayed('#list-heading'));
    if (await onList()) return;
    await s.refresh();
    await waitUntil('the list after a reload', T.firstScreen, onList);
  }

  async close() {
    try {
      await this.session.delete(); // closes the app
    } catch {}
  }
}
