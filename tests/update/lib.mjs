// The update test's machinery: signing keys and a TLS CA made for this run only (in a
// temporary directory, never committed), the app built as .debs with the Tauri CLI, a
// local HTTPS update server on 127.0.0.1, and the installed app run through its
// debug-only SHOMEI_TEST_UPDATE hook.

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../e2e/lib/processes.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TARGET_DIR = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/shomei/target');
export const PACKAGE = 'shomei';

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/**
 * A minisign key pair from the Tauri CLI (`tauri signer generate`). It has no password:
 * the CLI takes one only on its command line, and this key lives for one run in `dir`.
 */
export function generateKey(dir, name) {
  const file = path.join(dir, name);
  sh('npx', ['--no-install', 'tauri', 'signer', 'generate', '--ci', '-w', file], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true' },
  });
  return { file, pub: readFileSync(`${file}.pub`, 'utf8').trim() };
}

/** Signs `file` with `key` for `version` (writes `file.sig`), as a release would. */
export function sign(key, file, version) {
  sh('npx', ['--no-install', 'tauri', 'signer', 'sign', '--app-version', version, file], {
    cwd: ROOT,
    env: { ...process.env, TAURI_SIGNING_PRIVATE_KEY_PATH: key.file, TAURI_SIGNING_PRIVATE_KEY_PASSWORD: '' },
  });
  return readFileSync(`${file}.sig`, 'utf8').trim();
}

/**
 * Checks `file` against a Tauri `.sig` (base64 of a minisign signature) and public key
 * (base64 of a minisign public key file) with Debian's `minisign`, which shares no code
 * with the updater. Returns the trusted comment, or throws.
 */
export function minisignVerify(dir, file, sigBase64, pubBase64) {
  const sig = path.join(dir, `${path.basename(file)}.minisig`);
  const pub = path.join(dir, 'verify.pub');
  writeFileSync(sig, Buffer.from(sigBase64, 'base64'));
  writeFileSync(pub, Buffer.from(pubBase64, 'base64'));
  const out = sh('minisign', ['-V', '-p', pub, '-m', file, '-x', sig]);
  const comment = out.match(/^Trusted comment: (.*)$/m);
  if (!comment) throw new Error(`minisign printed no trusted comment:\n${out}`);
  return comment[1];
}

/** A CA and a server certificate for 127.0.0.1 (openssl), for this run only. */
export function makeTls(dir) {
  const p = (f) => path.join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  sh('openssl', ['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2',
    '-subj', '/CN=Shomei update test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  sh('openssl', ['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(p('server.ext'), [
    'subjectAltName=IP:127.0.0.1',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'));
  sh('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'),
    '-CAcreateserial', '-out', p('server.pem'), '-days', '2', '-extfile', p('server.ext')]);
  return { ca: p('ca.pem'), key: readFileSync(p('server.key')), cert: readFileSync(p('server.pem')) };
}

/**
 * The update server: `/latest.json` answers `server.manifest` (set by each test), and
 * `/files/NAME` the bytes put there. `requests` lists every path asked for. `listen(tls)`
 * serves https (or plain http without `tls`) on a port it picks on 127.0.0.1.
 */
export async function startServer(tls) {
  const server = { manifest: null, files: new Map(), requests: [] };
  const handler = (req, res) => {
    server.requests.push(req.url);
    if (req.url === '/latest.json' && server.manifest) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(server.manifest));
    }
    const file = req.url.startsWith('/files/') && server.files.get(req.url.slice(7));
    if (file) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
      return res.end(file);
    }
    res.writeHead(404);
    res.end();
  };
  server.listener = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  await new Promise((resolve, reject) => {
    server.listener.once('error', reject);
    server.listener.listen(0, '127.0.0.1', resolve);
  });
  server.port = server.listener.address().port;
  server.origin = `${tls ? 'https' : 'http'}://127.0.0.1:${server.port}`;
  server.close = () => new Promise((resolve) => server.listener.close(resolve));
  return server;
}

/** A static update manifest offering `version` of the .deb at `url`, signed `signature`. */
export function manifest(version, url, signature) {
  return {
    version,
    notes: `Shomei ${version} (update test)`,
    pub_date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    platforms: { 'linux-x86_64-deb': { url, signature } },
  };
}

/**
 * Builds the app as a signed .deb of `version` whose updater asks `endpoint` and trusts
 * `key` (the standard `tauri build`, debug, with an overlay as a release build would have
 * tauri.release.conf.json). Returns the .deb and its signature, copied to `out`.
 */
export async function buildDeb({ work, out, version, key, endpoint, log }) {
  const overlay = path.join(work, `overlay-${version}.json`);
  writeFileSync(overlay, JSON.stringify({
    version,
    bundle: { createUpdaterArtifacts: true },
    plugins: { updater: { pubkey: key.pub, endpoints: [endpoint] } },
  }));
  const env = {
    ...process.env,
    CARGO_TARGET_DIR: TARGET_DIR,
    TAURI_SIGNING_PRIVATE_KEY: key.file,
    TAURI_SIGNING_PRIVATE_KEY_PASSWORD: '',
  };
  const { code, signal } = await run('npm', ['run', 'tauri', '--', 'build', '--debug', '--bundles', 'deb',
    '--config', overlay], log, { env, cwd: ROOT }, 20 * 60_000);
  if (code !== 0) throw new Error(`tauri build ${version} failed (${code ?? signal}); see ${log}`);
  const dir = path.join(TARGET_DIR, 'debug/bundle/deb');
  const name = readdirSync(dir).find((f) => f.endsWith('.deb') && f.includes(`_${version}_`));
  if (!name) throw new Error(`no .deb of ${version} in ${dir}`);
  mkdirSync(out, { recursive: true });
  const deb = path.join(out, name);
  // As a release ships it: Tauri's gzip .deb repacked with xz and signed again for its
  // version (src-tauri/bundle/linux/xz-deb.sh); xz's fastest level, the package being a
  // debug build's.
  const repack = await run('bash', ['src-tauri/bundle/linux/xz-deb.sh', path.join(dir, name), deb], `${log}.xz.log`, {
    cwd: ROOT,
    env: { ...process.env, XZ_LEVEL: '0', TAURI_SIGNING_PRIVATE_KEY: readFileSync(key.file, 'utf8'), TAURI_SIGNING_PRIVATE_KEY_PASSWORD: '' },
  }, 5 * 60_000);
  if (repack.code !== 0) throw new Error(`xz-deb.sh ${version} failed (${repack.code ?? repack.signal}); see ${log}.xz.log`);
  return { deb, name, signature: readFileSync(`${deb}.sig`, 'utf8').trim(), bytes: readFileSync(deb) };
}

/** dpkg's status of Shomei's package ('installed', 'config-files', …), or null. */
function packageStatus() {
  try {
    const [status, version] = sh('dpkg-query', ['-W', '-f=${db:Status-Status} ${Version}', PACKAGE]).trim().split(' ');
    return { status, version };
  } catch {
    return null;
  }
}

/** The installed version of Shomei's package, or null (removed, only its configuration left, or unknown). */
export function installedVersion() {
  const p = packageStatus();
  return p?.status === 'installed' ? p.version : null;
}

/** Whether dpkg knows the package at all (installed, or removed with its configuration left). */
export function knownToDpkg() {
  const p = packageStatus();
  return p !== null && p.status !== 'not-installed';
}

export function dpkg(args) {
  return sh('dpkg', args);
}

/**
 * The installed window binary: of the package's files in /usr/bin, the one the bundler
 * marked as installed from a .deb (the updater reads that mark). Every Tauri binary holds
 * the marks' names (tauri-utils compares against them); an unmarked one also holds
 * `__TAURI_BUNDLE_TYPE_VAR_UNK`, which the bundler overwrites with the bundle's type.
 */
export function installedWindow() {
  const bins = sh('dpkg', ['-L', PACKAGE]).split('\n').filter((f) => f.startsWith('/usr/bin/'));
  const marked = bins.filter((f) => {
    const bytes = readFileSync(f);
    return bytes.includes('__TAURI_BUNDLE_TYPE_VAR_DEB') && !bytes.includes('__TAURI_BUNDLE_TYPE_VAR_UNK');
  });
  if (marked.length !== 1) throw new Error(`expected one marked window binary among ${bins}, got ${marked}`);
  return marked[0];
}

/**
 * Runs `cmd` to its end (all its output read: 'close', not only 'exit'), in its own
 * process group, killed after `timeoutMs`; its output also goes to `log`.
 */
function runCaptured(cmd, args, env, log, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.once('error', (e) => (output += `spawn error: ${e.message}\n`));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      writeFileSync(log, output);
      resolve({ code, signal, output });
    });
  });
}

/**
 * Runs the installed app with SHOMEI_TEST_UPDATE=`what` (check or apply): the window's
 * own path from the check to the install, no window shown. Returns the exit code, every
 * status it printed (parsed), the words of its last refusal, and its whole output.
 */
export async function runInstalled({ what, env, log }) {
  const bin = installedWindow();
  const { code, signal, output } = await runCaptured(bin, ['--window-only'], { ...env, SHOMEI_TEST_UPDATE: what }, log, 120_000);
  const lines = output.split('\n').filter((l) => l.startsWith('shomei-update: '));
  const statuses = [];
  const words = [];
  for (const l of lines) {
    const rest = l.slice('shomei-update: '.length);
    if (rest.startsWith('{')) statuses.push(JSON.parse(rest));
    else words.push(rest);
  }
  return { code, signal, statuses, last: statuses.at(-1), words: words.at(-1) ?? '', log: output };
}
