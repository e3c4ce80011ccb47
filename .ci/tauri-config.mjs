// Checks Shomei's Tauri configurations against the schema of the Tauri CLI we build with
// (node_modules/@tauri-apps/cli/config.schema.json), as `tauri build` would merge them:
//   tauri.conf.json                                  (development, CI, the demo; Linux .deb,
//                                                     Windows NSIS and macOS sections included)
//   tauri.conf.json + tauri.release.conf.json        (a release: the updater's key and endpoint)
// and the rules the schema cannot say (issue 13): the updater only in the release overlay,
// https endpoints, Japanese first in the installer, a per-user install, files that exist.
// It first proves it can fail: a configuration with an unknown key must be refused.
//
//   node .ci/tauri-config.mjs
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (f) => JSON.parse(readFileSync(path.join(ROOT, f), 'utf8'));
const schema = read('node_modules/@tauri-apps/cli/config.schema.json');
// unicodeRegExp: false: the schema's patterns (e.g. /^[^/\:*?"<>|]+$/) are not valid with the u flag.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
const validate = ajv.compile(schema);

// RFC 7396 JSON merge patch: how the CLI merges --config and tauri.<platform>.conf.json.
function merge(base, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

const problems = [];
function check(name, config) {
  if (!validate(config)) {
    for (const e of validate.errors) problems.push(`${name}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
const expect = (ok, what) => {
  if (!ok) problems.push(what);
};

// The check itself must be able to fail.
const base = read('tauri.conf.json');
if (validate(merge(base, { bundle: { linux: { deb: { dependss: ['x'] } } } }))) {
  console.error('tauri-config: the schema accepted an unknown key (bundle.linux.deb.dependss); the check is not working');
  process.exit(1);
}

const release = merge(base, read('tauri.release.conf.json'));
check('tauri.conf.json', base);
check('tauri.conf.json + tauri.release.conf.json', release);

expect(!base.plugins?.updater, 'tauri.conf.json: the updater key and endpoint belong only in tauri.release.conf.json');
expect(!base.bundle?.createUpdaterArtifacts, 'tauri.conf.json: createUpdaterArtifacts belongs only in the release overlay');
const updater = release.plugins?.updater ?? {};
expect(typeof updater.pubkey === 'string' && updater.pubkey.length > 100, 'release: plugins.updater.pubkey is missing');
if (updater.pubkey) {
  const text = Buffer.from(updater.pubkey, 'base64').toString('utf8');
  expect(text.startsWith('untrusted comment: minisign public key'), 'release: plugins.updater.pubkey is not a base64 minisign public key');
}
expect(Array.isArray(updater.endpoints) && updater.endpoints.length > 0, 'release: plugins.updater.endpoints is empty');
for (const e of updater.endpoints ?? []) expect(e.startsWith('https://'), `release: updater endpoint is not https: ${e}`);
expect(release.bundle?.createUpdaterArtifacts === true, 'release: bundle.createUpdaterArtifacts must be true');

const nsis = base.bundle?.windows?.nsis ?? {};
expect(nsis.languages?.[0] === 'Japanese' && nsis.languages?.includes('English'), 'NSIS: languages must be Japanese first, then English');
expect(nsis.installMode === 'currentUser', 'NSIS: installMode must be currentUser (per-user install)');
expect(base.mainBinaryName === 'shomei-window', 'mainBinaryName must be shomei-window (the resident `shomei` is bundled beside it)');
const deb = base.bundle?.linux?.deb ?? {};
expect(deb.files?.['/usr/bin/shomei'] === 'src-tauri/gen/resident/shomei', '.deb: /usr/bin/shomei must come from before-bundle.sh');
expect(deb.recommends?.includes('softhsm2'), '.deb: softhsm2 (the demo token) must be recommended');
expect(base.build?.beforeBundleCommand?.includes('before-bundle.sh'), 'build.beforeBundleCommand must build the resident');

// Files the bundles read, except what before-bundle.sh generates (src-tauri/gen/).
const files = [
  deb.desktopTemplate,
  deb.postInstallScript,
  deb.postRemoveScript,
  'src-tauri/bundle/linux/changelog',
  nsis.installerHooks,
  ...Object.values(deb.files ?? {}),
  ...Object.values(base.bundle?.macOS?.files ?? {}),
  ...(base.bundle?.icon ?? []),
].filter((f) => f && !f.startsWith('src-tauri/gen/'));
for (const f of files) expect(existsSync(path.join(ROOT, f)), `missing file the bundle needs: ${f}`);

if (problems.length) {
  console.error(`tauri-config: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`tauri-config: tauri.conf.json and the release merge are valid against ${schema.$id}; ${files.length} bundle files present; an unknown key was refused (the check works)`);
