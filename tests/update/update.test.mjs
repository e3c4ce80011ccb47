// Shomei updates itself only with what we signed, for this version or a newer one
// (issue 13, item 3). Everything on 127.0.0.1, nothing committed:
//
// - two minisign keys (ours and a stranger's) and a TLS CA are made for this run;
// - the app is built as version N and N+1 .debs by the standard `tauri build` (debug),
//   each with an overlay holding our public key and the local server's https endpoint;
// - every produced .sig is checked with Debian's minisign (an independent verifier), and
//   minisign must reject the tampered and stranger-signed ones too;
// - N is installed with dpkg and run through its debug-only SHOMEI_TEST_UPDATE hook, which
//   takes the same path as the window's 更新する (the variable stands for the click). The
//   app trusts the test CA through SSL_CERT_FILE, as rustls-native-certs reads it; no
//   test-only TLS code is in the app;
// - each refusal (tampered, stranger's key, downgrade, older release replayed under a
//   newer number, an http download, a build naming an http endpoint, an unfinished renewal
//   in the journal) leaves N installed,
//   and the next run of N proves it still works; at the end N installs N+1, and N+1 runs.
//
// Needs root (dpkg -i, and the updater's own `sudo dpkg -i`), sudo, minisign, openssl,
// Xvfb and a D-Bus session (`dbus-run-session`). Run by `bash .ci/test update`.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startXvfb, stop, which } from '../e2e/lib/processes.mjs';
import {
  buildDeb, dpkg, generateKey, installedVersion, knownToDpkg, makeTls, manifest, minisignVerify,
  runInstalled, sign, startServer,
} from './lib.mjs';

const N = '1.0.0';
const NEXT = '1.0.1';
const OLDER = '0.9.0';

const work = mkdtempSync(path.join(os.tmpdir(), 'shomei-update-'));
const logs = path.join(work, 'logs');
mkdirSync(logs);
let ours, stranger, https, plain, xvfb, env, built, runs = 0;

/** Runs the installed app; its log is kept under the work directory (printed on failure). */
async function installed(what) {
  const log = path.join(logs, `run-${++runs}-${what}.log`);
  return runInstalled({ what, env, log });
}

function assertRefused(result, problem) {
  const { code, last, words, log } = result;
  assert.equal(code, 1, `exit code\n${log}`);
  assert.equal(last?.state, 'failed', log);
  assert.equal(last.problem, problem, log);
  // Said in both languages, not as a code.
  assert.match(words, /[ぁ-んァ-ン一-龯]/, `Japanese words\n${log}`);
  assert.match(words, / \/ [A-Z][A-Za-z ,'.()]{20,}$/, `English words\n${log}`);
  assert.equal(installedVersion(), N, `N stays installed\n${log}`);
}

/** The failure the window left for the tray (shomei_engine::updates::remembered), or null. */
function rememberedFailure() {
  // A debug build's data directory is shomei-dev (shomei_resident::banks::DIR_NAME).
  const file = path.join(env.XDG_DATA_HOME, 'shomei-dev/update-failed.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

before(async () => {
  for (const tool of ['dpkg', 'minisign', 'openssl', 'sudo', 'Xvfb']) {
    assert.ok(which(tool), `${tool} is required (bash .ci/setup test installs it)`);
  }
  assert.equal(process.getuid(), 0, 'dpkg -i needs root (CI runs as root)');
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, 'run under dbus-run-session');
  assert.ok(!knownToDpkg(), 'dpkg knows a package shomei already: purge it first (dpkg -P shomei)');
  ours = generateKey(work, 'ours.key');
  stranger = generateKey(work, 'stranger.key');
  const tls = makeTls(work);
  https = await startServer(tls);
  plain = await startServer(null);
  const endpoint = `${https.origin}/latest.json`;
  const out = path.join(work, 'debs');
  built = {};
  // N as a build that names an http endpoint (refused before it asks anything).
  built.http = await buildDeb({
    work, out: path.join(work, 'debs-http'), version: N, key: ours, endpoint: `${plain.origin}/latest.json`,
    log: path.join(logs, `build-${N}-http.log`),
  });
  for (const version of [N, NEXT]) {
    const log = path.join(logs, `build-${version}.log`);
    built[version] = await buildDeb({ work, out, version, key: ours, endpoint, log });
  }
  const x = await startXvfb(path.join(logs, 'xvfb.log'));
  xvfb = x.xvfb;
  env = {
    PATH: process.env.PATH,
    DISPLAY: x.display,
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
    HOME: path.join(work, 'home'),
    XDG_CONFIG_HOME: path.join(work, 'home/.config'),
    XDG_DATA_HOME: path.join(work, 'home/.local/share'),
    XDG_CACHE_HOME: path.join(work, 'home/.cache'),
    XDG_STATE_HOME: path.join(work, 'home/.local/state'),
    SHOMEI_SYSTEM_BANKS_DIR: path.join(work, 'system-banks'),
    // The test CA, read by rustls-native-certs instead of the system's roots.
    SSL_CERT_FILE: tls.ca,
    NO_PROXY: '127.0.0.1',
  };
  mkdirSync(env.SHOMEI_SYSTEM_BANKS_DIR, { recursive: true });
  dpkg(['-i', built[N].deb]);
  assert.equal(installedVersion(), N);
});

after(async () => {
  // Purge, not remove: the package's login entry is configuration and stays after -r
  // (dpkg then still knows the package, and the next run or .ci/deb-check would find it).
  if (knownToDpkg()) dpkg(['-P', 'shomei']);
  await stop(xvfb);
  await https?.close();
  await plain?.close();
  if (process.env.SHOMEI_KEEP_UPDATE_WORK) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
});

/** Serves `bytes` as /files/`name` on the https server; returns its URL. */
function serve(name, bytes, server = https) {
  server.files.set(name, bytes);
  return `${server.origin}/files/${name}`;
}

describe('every signature the build made', () => {
  test('verifies under our public key with minisign, for its own version', () => {
    for (const [version, { deb, signature }] of [[N, built.http], [N, built[N]], [NEXT, built[NEXT]]]) {
      const comment = minisignVerify(work, deb, signature, ours.pub);
      assert.match(comment, new RegExp(`\\tversion:${version.replaceAll('.', '\\.')}(\\t|$)`), comment);
    }
  });

  test('minisign itself refuses a tampered .deb and a stranger\'s key', () => {
    const { deb, bytes, signature } = built[NEXT];
    const tampered = path.join(work, 'tampered.deb');
    const copy = Buffer.from(bytes);
    copy[copy.length >> 1] ^= 0x01;
    writeFileSync(tampered, copy);
    assert.throws(() => minisignVerify(work, tampered, signature, ours.pub));
    assert.throws(() => minisignVerify(work, deb, signature, stranger.pub));
  });
});

describe('installed version N', { concurrency: false }, () => {
  test('refuses a tampered artifact', async () => {
    const copy = Buffer.from(built[NEXT].bytes);
    copy[copy.length >> 1] ^= 0x01;
    https.manifest = manifest(NEXT, serve('tampered.deb', copy), built[NEXT].signature);
    const result = await installed('apply');
    assert.equal(result.statuses[0]?.state, 'available', result.log);
    assertRefused(result, 'badSignature');
    // The tray (the resident) goes on saying it after this window process has ended.
    const left = rememberedFailure();
    assert.equal(left?.problem, 'badSignature', JSON.stringify(left));
    assert.equal(left?.version, NEXT);
  });

  test('refuses an artifact signed with another key', async () => {
    const copy = path.join(work, 'stranger', built[NEXT].name);
    mkdirSync(path.dirname(copy), { recursive: true });
    writeFileSync(copy, built[NEXT].bytes);
    const signature = sign(stranger, copy, NEXT);
    https.manifest = manifest(NEXT, serve('stranger.deb', built[NEXT].bytes), signature);
    assertRefused(await installed('apply'), 'badSignature');
  });

  test('refuses a downgrade', async () => {
    const before = https.requests.length;
    https.manifest = manifest(OLDER, serve('n.deb', built[N].bytes), built[N].signature);
    const result = await installed('apply');
    assertRefused(result, 'downgrade');
    assert.equal(result.last.version, OLDER, result.log);
    assert.deepEqual(https.requests.slice(before), ['/latest.json'], 'nothing downloaded for a downgrade');
  });

  test('refuses an older signed release replayed under a newer version number', async () => {
    const before = https.requests.length;
    https.manifest = manifest(NEXT, serve('replayed.deb', built[N].bytes), built[N].signature);
    const result = await installed('apply');
    assertRefused(result, 'versionMismatch');
    assert.ok(https.requests.slice(before).includes('/files/replayed.deb'), 'it was downloaded, then refused');
  });

  test('refuses an http:// download and never fetches it', async () => {
    https.manifest = manifest(NEXT, serve('next.deb', built[NEXT].bytes, plain), built[NEXT].signature);
    assertRefused(await installed('apply'), 'insecureEndpoint');
    assert.deepEqual(plain.requests, [], 'the http server was never asked');
  });

  test('refuses a build whose update endpoint is http:// and asks nothing', async () => {
    https.manifest = manifest(NEXT, serve('next.deb', built[NEXT].bytes), built[NEXT].signature);
    const before = https.requests.length;
    dpkg(['-i', built.http.deb]);
    try {
      const result = await installed('check');
      assertRefused(result, 'insecureEndpoint');
      assert.match(result.last.detail ?? '', /https/, result.log);
      assert.deepEqual(plain.requests, [], 'the http endpoint was never asked');
      assert.equal(https.requests.length, before, 'nor any other');
    } finally {
      dpkg(['-i', built[N].deb]);
    }
    assert.equal(installedVersion(), N);
  });

  test('waits while the journal holds an unfinished renewal', async () => {
    // A debug build's data directory is shomei-dev (shomei_resident::banks::DIR_NAME).
    const journal = path.join(env.XDG_DATA_HOME, 'shomei-dev/journal');
    mkdirSync(journal, { recursive: true, mode: 0o700 });
    const record = path.join(journal, '187c5e0a9b3f2d10-0.json');
    writeFileSync(record, JSON.stringify({
      format: 1, renewalId: '187c5e0a9b3f2d10-0', stage: 'keyGenerated', startedAt: 1, updatedAt: 1,
      store: 'USB token', tokenLabel: 'Shomei Demo USB', oldFingerprint: 'ab'.repeat(32),
      oldLabel: '株式会社デモ商事', keyLabel: 'shomei-pending-187c5e0a9b3f2d10-0',
    }));
    https.manifest = manifest(NEXT, serve('next.deb', built[NEXT].bytes), built[NEXT].signature);
    const before = rememberedFailure();
    try {
      assertRefused(await installed('apply'), 'unfinishedRenewal');
      // Held back by a renewal is said in the window, not left for the tray.
      assert.deepEqual(rememberedFailure(), before);
    } finally {
      rmSync(record);
    }
  });

  test('looks for nothing when the settings turn checks off', async () => {
    // A debug build's configuration directory is shomei-dev too.
    const config = path.join(env.XDG_CONFIG_HOME, 'shomei-dev');
    mkdirSync(config, { recursive: true });
    const settings = path.join(config, 'settings.toml');
    writeFileSync(settings, 'updateChecks = false\n');
    const before = https.requests.length;
    try {
      const result = await installed('apply');
      assert.equal(result.code, 1, result.log);
      assert.deepEqual(result.statuses, [{ state: 'off' }], result.log);
      assert.equal(https.requests.length, before, 'no request with checks off');
      assert.equal(installedVersion(), N);
    } finally {
      rmSync(settings);
    }
  });

  test('finds N+1, verifies it and installs it; N+1 then runs and is up to date', async () => {
    https.manifest = manifest(NEXT, serve('next.deb', built[NEXT].bytes), built[NEXT].signature);
    const result = await installed('apply');
    assert.equal(result.code, 0, result.log);
    const states = result.statuses.map((s) => s.state);
    assert.deepEqual([states[0], states.at(-1)], ['available', 'installed'], result.log);
    // Downloaded, verified (only a verified download reaches 'installing'), installed.
    assert.ok(states.includes('downloading') && states.includes('installing'), result.log);
    assert.equal(result.last.version, NEXT);
    assert.equal(installedVersion(), NEXT, result.log);
    assert.equal(rememberedFailure(), null, 'installed: the earlier failures are resolved');

    const again = await installed('check');
    assert.equal(again.code, 0, again.log);
    assert.deepEqual(again.last, { state: 'upToDate', currentVersion: NEXT }, again.log);
  });
});
