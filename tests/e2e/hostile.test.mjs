// The window's commands called from the web side with hostile input, as a script that got
// into the webview would call them (window.__TAURI_INTERNALS__.invoke, no UI in between):
// malformed fingerprints and renewal ids, path traversal, huge strings, NULs, nulls and
// wrong types, commands and plugins the window's capability does not grant. Each is
// refused with a clear answer (an ErrorView code, or Tauri's own "invalid args" / "not
// allowed"), nothing panics, and the app still lists afterwards. And the CSP holds: no
// eval, no inline style, no remote image.
//
// Two launches: the demo (the renewal commands, the ACL, the CSP), then a first start with
// no profile (the profile and settings commands, which the demo's fixed profile refuses
// before they look at their input).
// Run: see DEVELOPMENT.md (end-to-end tests).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { T, startDriver } from './lib/harness.mjs';
import { rowOf, sel } from './lib/screens.mjs';

const USB = '株式会社デモ商事';
const MIB = 1 << 20;
const BOGUS_FP = 'f'.repeat(64);

let driver;

/**
 * Calls `cmd` from the page. `args` may hold `{ $repeat: [text, n] }` (the string is built in
 * the page, not sent through WebDriver) and `{ $channel: true }` (a Channel, as @tauri-apps/api
 * serialises one). Resolves to { ok, value } or { ok: false, refusal } (not `error`: a WebDriver
 * answer with an `error` key is a WebDriver error).
 */
async function invoke(s, cmd, args = {}) {
  const script = `
    const [cmd, args, done] = arguments;
    const expand = (v) => {
      if (v === null || typeof v !== 'object') return v;
      if (Array.isArray(v)) return v.map(expand);
      if ('$repeat' in v) return v.$repeat[0].repeat(v.$repeat[1]);
      if ('$channel' in v) return '__CHANNEL__:' + window.__TAURI_INTERNALS__.transformCallback(() => {});
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
    };
    window.__TAURI_INTERNALS__.invoke(cmd, expand(args)).then(
      (value) => done({ ok: true, value: value === undefined ? null : value }),
      (refusal) => done({ ok: false, refusal: refusal === undefined ? null : refusal }),
    );`;
  return s.cmd('POST', '/execute/async', { script, args: [cmd, args] }, T.step);
}

/** A value for a message, cut short. */
const show = (v, n = 300) => String(JSON.stringify(v)).slice(0, n);

/** Expects the command to be refused with ErrorView `code`; returns its detail. */
async function refusedWith(s, code, cmd, args) {
  const r = await invoke(s, cmd, args);
  const what = `${cmd}(${show(args, 120)})`;
  assert.equal(r.ok, false, `${what} was accepted: ${show(r.value, 200)}`);
  assert.equal(typeof r.refusal, 'object', `${what}: not an ErrorView: ${String(r.refusal).slice(0, 300)}`);
  assert.equal(r.refusal?.code, code, `${what}: ${show(r.refusal, 300)}`);
  // invalidRequest says which argument; no detail ever echoes a huge input.
  if (code === 'invalidRequest') assert.equal(typeof r.refusal.detail, 'string', `${what}: no detail`);
  assert.ok((r.refusal.detail ?? '').length < 200, `${what}: the detail echoes the input`);
  return r.refusal.detail ?? '';
}

/** Expects Tauri itself to refuse (a message string matching `pattern`). */
async function rejectedBy(s, pattern, cmd, args) {
  const r = await invoke(s, cmd, args);
  const what = `${cmd}(${show(args, 120)})`;
  assert.equal(r.ok, false, `${what} was accepted: ${show(r.value, 200)}`);
  assert.equal(typeof r.refusal, 'string', `${what}: ${show(r.refusal, 300)}`);
  assert.match(r.refusal, pattern, what);
}

/** What the app said on stderr (tauri-driver's log holds the apps' stderr). */
const appLog = () => readFile(path.join(driver.artifacts, 'tauri-driver.log'), 'utf8').catch(() => '');

before(async () => {
  driver = await startDriver('hostile');
});

after(async () => {
  await driver?.stop();
});

test('the renewal commands refuse hostile input, the ACL refuses the rest, the CSP holds, and the app still lists', async (t) => {
  const app = await driver.launch({ name: 'demo', args: ['--demo-dir', path.join(driver.scratch, 'demo')] });
  try {
    await app.ready(rowOf(USB));
    await app.guard(t, async (s) => {
      const listed = await invoke(s, 'list_identities');
      assert.ok(listed.ok, JSON.stringify(listed.refusal));
      const real = listed.value.identities[0].fingerprint;
      assert.match(real, /^[0-9a-f]{64}$/, 'the engine spells fingerprints as 64 lowercase hex digits');

      // Fingerprints: a string of the wrong shape is invalidRequest, whatever the command.
      const badPrints = [
        '',
        '../../etc/passwd',
        'g'.repeat(64),
        real.slice(1),
        `${real}0`,
        `${real.slice(0, 62)}\u0000`,
        { $repeat: ['a', MIB] },
        { $repeat: ['ab:', 32] },
      ];
      for (const fingerprint of badPrints) {
        await refusedWith(s, 'invalidRequest', 'precheck_renewal', { fingerprint, onCheck: { $channel: true } });
        await refusedWith(s, 'invalidRequest', 'start_renewal', {
          fingerprint,
          pin: '0000',
          confirmFinalTry: true,
          into: null,
          bankPassword: null,
        });
      }
      // The benchmark's marker takes only the names it knows and never echoes more than a little.
      for (const what of [{ $repeat: ['a', MIB] }, '../list', 'list\u0000', 'LIST', 42, null]) {
        const r = await invoke(s, 'ui_shown', { what });
        assert.equal(r.ok, false, `ui_shown(${show(what, 60)}) was accepted`);
        assert.ok(show(r.refusal, 1000).length < 300, `ui_shown(${show(what, 60)}): the refusal echoes the input`);
      }

      // Well formed, not there: the engine's own clear code (and no PIN is ever tried).
      const unknown = await invoke(s, 'precheck_renewal', { fingerprint: BOGUS_FP, onCheck: { $channel: true } });
      assert.ok(unknown.ok && unknown.value.passed === false, show(unknown, 300));
      assert.equal(unknown.value.checks.find((c) => c.check === 'certificate')?.error?.code, 'notFound');

      // Secrets of absurd size or with control characters, on a fingerprint nobody holds:
      // refused before any token is asked, and never echoed.
      for (const [pin, bankPassword] of [
        [{ $repeat: ['Q', MIB] }, null],
        ['12\u0000QQQ', null],
        ['1234', { $repeat: ['Q', MIB] }],
        ['1234', 'QQQ\nQQQ'],
      ]) {
        const detail = await refusedWith(s, 'invalidRequest', 'start_renewal', {
          fingerprint: BOGUS_FP,
          pin,
          confirmFinalTry: false,
          into: null,
          bankPassword,
        });
        assert.doesNotMatch(detail, /Q/, 'a secret in the detail');
      }

      // Renewal ids.
      for (const renewalId of ['', '../../etc/passwd', 'ABC-1', 'abc-1-2', 'abc-1\u0000', { $repeat: ['a', MIB] }]) {
        await refusedWith(s, 'invalidRequest', 'install_renewal', { renewalId });
        await refusedWith(s, 'invalidRequest', 'cancel_renewal', { renewalId });
        await refusedWith(s, 'invalidRequest', 'discard_renewal', { renewalId, pin: '0000', confirmFinalTry: false });
      }
      await refusedWith(s, 'renewalUnknown', 'install_renewal', { renewalId: 'abc-1' });
      await refusedWith(s, 'renewalUnknown', 'cancel_renewal', { renewalId: 'abc-1' });
      await refusedWith(s, 'invalidRequest', 'discard_renewal', {
        renewalId: 'abc-1',
        pin: { $repeat: ['9', MIB] },
        confirmFinalTry: false,
      });

      // Nulls, wrong types, missing arguments: Tauri refuses them before the command runs.
      const invalidArgs = /invalid args|missing required key/;
      await rejectedBy(s, invalidArgs, 'precheck_renewal', { fingerprint: null, onCheck: { $channel: true } });
      await rejectedBy(s, invalidArgs, 'precheck_renewal', { fingerprint: 42, onCheck: { $channel: true } });
      await rejectedBy(s, invalidArgs, 'precheck_renewal', { fingerprint: BOGUS_FP });
      await rejectedBy(s, /invalid channel value/, 'precheck_renewal', { fingerprint: BOGUS_FP, onCheck: 'not a channel' });
      await rejectedBy(s, invalidArgs, 'start_renewal', { fingerprint: BOGUS_FP, pin: 1234, confirmFinalTry: false });
      await rejectedBy(s, invalidArgs, 'start_renewal', {
        fingerprint: BOGUS_FP,
        pin: '1234',
        confirmFinalTry: 'yes',
      });
      await rejectedBy(s, invalidArgs, 'start_renewal', {
        fingerprint: BOGUS_FP,
        pin: '1234',
        confirmFinalTry: false,
        into: 'floppyDisk',
      });
      await rejectedBy(s, invalidArgs, 'install_renewal', { renewalId: null });
      await rejectedBy(s, invalidArgs, 'cancel_renewal', { renewalId: ['abc-1'] });
      await rejectedBy(s, invalidArgs, 'discard_renewal', { renewalId: 'abc-1', pin: null, confirmFinalTry: false });

      // What the capability does not grant: unknown commands, other plugins' commands, core
      // commands beyond listen/unlisten and the title.
      const denied = /not allowed/;
      await rejectedBy(s, denied, 'not_a_command', {});
      await rejectedBy(s, denied, '../../etc/passwd', {});
      await rejectedBy(s, denied, 'plugin:dialog|open', { options: {} });
      await rejectedBy(s, denied, 'plugin:dialog|save', { options: {} });
      await rejectedBy(s, denied, 'plugin:app|version', {});
      await rejectedBy(s, denied, 'plugin:path|resolve_directory', { directory: 11 });
      await rejectedBy(s, denied, 'plugin:event|emit', { event: 'open-renewal', payload: real });
      await rejectedBy(s, denied, 'plugin:window|close', { label: 'main' });
      await rejectedBy(s, denied, 'plugin:webview|create_webview_window', {
        options: { label: 'evil', url: 'https://example.com/' },
      });
      await rejectedBy(s, denied, 'plugin:single-instance|anything', {});

      // Shomei's own update: the version the user agreed to must look like one, and nothing
      // is installed that was not found and offered (this build has no updater at all); no
      // restart without an installed update; the updater plugin's own commands are not granted.
      for (const version of ['', 'v1.0.0', '1.0.0; rm -rf /', '../../etc/passwd', '１.0.0', { $repeat: ['9', MIB] }]) {
        const detail = await refusedWith(s, 'invalidRequest', 'apply_update', { version });
        assert.match(detail, /^version: /, detail);
      }
      await rejectedBy(s, invalidArgs, 'apply_update', { version: 101 });
      await rejectedBy(s, invalidArgs, 'apply_update', {});
      const nothing = await invoke(s, 'apply_update', { version: '99.0.0' });
      assert.ok(nothing.ok, show(nothing.refusal));
      assert.deepEqual(
        { state: nothing.value.state, problem: nothing.value.problem },
        { state: 'failed', problem: 'nothingToApply' },
        show(nothing.value),
      );
      await refusedWith(s, 'invalidRequest', 'restart_after_update', {});
      await rejectedBy(s, denied, 'plugin:updater|check', {});
      await rejectedBy(s, denied, 'plugin:updater|download_and_install', { rid: 1 });

      // The commands without arguments ignore what they are sent (start_demo, which restarts
      // the app, is left out).
      for (const cmd of ['app_info', 'get_settings', 'take_open_request', 'reload_profiles', 'update_status']) {
        const r = await invoke(s, cmd, { junk: { $repeat: ['x', MIB] }, fingerprint: '../../etc/passwd' });
        assert.ok(r.ok, `${cmd}: ${show(r.refusal, 300)}`);
      }

      // The CSP: no eval, no inline <style>, no remote image (WebKit reports each violation).
      const csp = await s.cmd(
        'POST',
        '/execute/async',
        {
          script: `
            const done = arguments[0];
            const seen = [];
            document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
            try { window['ev' + 'al']('1'); seen.push('eval ran'); } catch (e) { seen.push('eval: ' + e.name); }
            const style = document.createElement('style');
            style.textContent = 'body { visibility: hidden }';
            document.head.append(style);
            const img = new Image();
            img.src = 'https://example.invalid/pixel.png';
            document.body.append(img);
            setTimeout(() => {
              const hidden = getComputedStyle(document.body).visibility === 'hidden';
              style.remove();
              img.remove();
              done({ seen, hidden });
            }, 1500);`,
          args: [],
        },
        T.step,
      );
      assert.ok(csp.seen.includes('eval: EvalError'), `eval was not refused: ${csp.seen}`);
      assert.equal(csp.hidden, false, 'an inline <style> was applied');
      assert.ok(csp.seen.some((d) => d.startsWith('style-src')), `no style-src violation: ${csp.seen}`);
      assert.ok(csp.seen.includes('img-src'), `no img-src violation: ${csp.seen}`);

      // Still alive and listing, on screen and through the command.
      const again = await invoke(s, 'list_identities');
      assert.ok(again.ok, JSON.stringify(again.refusal));
      assert.deepEqual(
        again.value.identities.map((i) => i.fingerprint).sort(),
        listed.value.identities.map((i) => i.fingerprint).sort(),
      );
      await app.toList();
      assert.ok(await s.findDisplayed(rowOf(USB)), 'the list after the hostile calls');
      assert.doesNotMatch(await appLog(), /panicked at/);
    });
  } finally {
    await app.close();
  }
});

test('the profile and settings commands refuse hostile input on a first start', async (t) => {
  const app = await driver.launch({ name: 'first-start', args: [] });
  try {
    await app.ready(sel('welcome'));
    await app.guard(t, async (s) => {
      // Paths: bounded, no NUL (invalidRequest); then, in words beside the field (a person
      // may type one): only absolute ones without `..`, only plain files of a profile's size.
      for (const p of ['', '  ', '/tmp/a\u0000.toml', { $repeat: ['/a', MIB] }]) {
        await refusedWith(s, 'invalidRequest', 'add_profile', { path: p });
      }
      for (const p of ['../../etc/passwd.toml', 'bank.toml', '/tmp/../etc/passwd.toml']) {
        const r = await invoke(s, 'add_profile', { path: p });
        assert.ok(r.ok && r.value.state === 'unreadable', show(r));
        assert.match(r.value.issues[0].en, /full location/);
      }
      await rejectedBy(s, /invalid args/, 'add_profile', { path: null });
      const notToml = await invoke(s, 'add_profile', { path: '/etc/passwd' });
      assert.ok(notToml.ok && notToml.value.state === 'invalid', show(notToml, 300));
      const fifo = path.join(app.home.root, 'fifo.toml');
      execFileSync('mkfifo', [fifo]);
      const special = await invoke(s, 'add_profile', { path: fifo });
      assert.ok(special.ok && special.value.state === 'unreadable', show(special, 300));
      const missing = await invoke(s, 'add_profile', { path: path.join(app.home.root, 'gone.toml') });
      assert.ok(missing.ok && missing.value.state === 'unreadable', show(missing, 300));

      for (const id of ['', '..', '../../etc/passwd', 'a/b', 'a\u0000', { $repeat: ['a', 300] }, 'not-a-profile']) {
        await refusedWith(s, 'invalidRequest', 'remove_profile', { id });
      }

      // The file chooser's title: one short line (a good one would open the dialog).
      await refusedWith(s, 'invalidRequest', 'pick_profile_file', { title: { $repeat: ['字', MIB] } });
      await refusedWith(s, 'invalidRequest', 'pick_profile_file', { title: 'a\nb' });
      await rejectedBy(s, /invalid args/, 'pick_profile_file', { title: null });
      // The support bundle's save dialog: the same title rules, refused before any dialog.
      await refusedWith(s, 'invalidRequest', 'save_support_bundle', { title: { $repeat: ['字', MIB] } });
      await refusedWith(s, 'invalidRequest', 'save_support_bundle', { title: 'a\u0000b' });
      await refusedWith(s, 'invalidRequest', 'save_support_bundle', { title: 'a\nb' });
      await rejectedBy(s, /invalid args/, 'save_support_bundle', { title: 42 });
      await rejectedBy(s, /invalid args/, 'save_support_bundle', {});

      // Settings: out of range is the settings' own notSaved with words; the wrong shape
      // is refused by Tauri.
      const settings = (await invoke(s, 'get_settings')).value;
      for (const reminderDays of [[], [100000], Array.from({ length: 10000 }, (_, i) => i)]) {
        await refusedWith(s, 'notSaved', 'save_settings', { settings: { ...settings, reminderDays } });
      }
      await rejectedBy(s, /invalid args/, 'save_settings', { settings: { ...settings, reminderDays: [-1] } });
      await rejectedBy(s, /invalid args/, 'save_settings', { settings: { ...settings, language: 'klingon' } });
      await rejectedBy(s, /invalid args/, 'save_settings', { settings: { ...settings, evil: true } });
      await rejectedBy(s, /invalid args/, 'save_settings', { settings: null });
      assert.deepEqual((await invoke(s, 'get_settings')).value, settings, 'the settings are unchanged');

      // Still alive, still on the welcome screen, still listing (nothing).
      const listed = await invoke(s, 'list_identities');
      assert.ok(listed.ok, JSON.stringify(listed.refusal));
      assert.ok(await s.findDisplayed(sel('welcome')), 'the welcome screen after the hostile calls');
      assert.doesNotMatch(await appLog(), /panicked at/);
    });
  } finally {
    await app.close();
  }
});
