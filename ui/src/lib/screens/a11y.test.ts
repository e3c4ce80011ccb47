// What a screen reader relies on: one live region that announces progress and results,
// errors as alerts, and a name for every control (the gallery's axe run checks the rest in a
// real browser: npm run gallery).
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { FAKE_PIN, FakeBackend } from '../backend/fake';
import { announcement } from '../flow/announce';
import { RenewalFlow, type Screen } from '../flow/flow';
import { applyProgress, issuingSteps } from '../flow/steps';
import DoneScreen from './DoneScreen.svelte';
import ErrorScreen from './ErrorScreen.svelte';
import ListScreen from './ListScreen.svelte';
import ProgressScreen from './ProgressScreen.svelte';

const NOW = new Date('2026-11-24T03:00:00Z');
const noop = () => {};

async function renewed(storage: 'usbToken' | 'thisPc') {
  const backend = new FakeBackend({ now: NOW, identities: [{ cn: 'X', days: 10, storage }] });
  const identity = (await backend.listIdentities()).identities[0]!;
  const issued = await backend.startRenewal(identity.fingerprint, FAKE_PIN, false);
  return { identity, outcome: await backend.installRenewal(issued.renewalId) };
}

describe('accessibility', () => {
  it('the window has one polite live region, outside the screens', () => {
    const { body } = render(App);
    expect(body.match(/role="status"/g)).toHaveLength(1);
    expect(body).toMatch(/<p class="visually-hidden" role="status" aria-live="polite" data-testid="announcer">\s*読み込み中…/);
    // The region exists before any screen, so what it says later is announced.
    expect(body.indexOf('data-testid="announcer"')).toBeLessThan(body.indexOf('<main'));
  });

  it('announces the running step, a failed step and the result in the language shown', async () => {
    const { identity, outcome } = await renewed('usbToken');
    let steps = issuingSteps(true);
    const issuing = (): Screen => ({ kind: 'issuing', identity, into: null, renewalId: 'r', steps });
    expect(announcement(issuing(), 'ja')).toBe('電子証明書発行処理中');
    steps = applyProgress(steps, { renewalId: 'r', step: 'login', phase: 'started', error: null });
    expect(announcement(issuing(), 'ja')).toBe('専用USBにログインしています');
    expect(announcement(issuing(), 'en')).not.toBe('専用USBにログインしています');
    steps = applyProgress(steps, { renewalId: 'r', step: 'login', phase: 'failed', error: null });
    expect(announcement(issuing(), 'ja')).toBe('専用USBにログインしています：失敗');
    expect(announcement({ kind: 'done', identity, into: null, outcome }, 'ja')).toBe(
      '完了：電子証明書の更新と専用USBへの保存が完了しました。',
    );
    expect(announcement({ kind: 'done', identity, into: 'thisPc', outcome }, 'ja')).toBe(
      '完了：電子証明書のインストールが完了しました',
    );
  });

  it("a PC renewal's login step is announced as opening this PC's store", async () => {
    const { identity } = await renewed('thisPc');
    const steps = applyProgress(issuingSteps(false).concat([{ step: 'login', state: 'pending' }]), {
      renewalId: 'r',
      step: 'login',
      phase: 'started',
      error: null,
    });
    expect(announcement({ kind: 'issuing', identity, into: null, renewalId: 'r', steps }, 'ja')).toBe(
      'このパソコンの証明書ストアを開いています',
    );
  });

  it('screens that take the focus announce nothing of their own through the region', async () => {
    const flow = new RenewalFlow(new FakeBackend({ now: NOW }));
    await flow.start();
    await flow.renew(flow.screen.kind === 'list' ? flow.screen.listing.identities[0]!.fingerprint : '');
    expect(flow.screen.kind).toBe('consentRequest');
    expect(announcement(flow.screen, 'ja')).toBe('');
  });

  it('progress is not marked busy (which silences it) and marks the current step', () => {
    const steps = applyProgress(issuingSteps(true), { renewalId: 'r', step: 'check', phase: 'started', error: null });
    const { body } = render(ProgressScreen, { props: { title: 't', steps } });
    expect(body).not.toContain('aria-busy');
    expect(body).toMatch(/data-step="check" data-state="running" aria-current="step"/);
  });

  it('done leaves the announcing to the region; errors are alerts', async () => {
    const { identity, outcome } = await renewed('usbToken');
    const done = render(DoneScreen, { props: { identity, outcome, onClose: noop } }).body;
    expect(done).not.toContain('role="status"');
    const error = render(ErrorScreen, {
      props: { error: { code: 'bankUnreachable', retriesLeft: null, at: null, detail: null }, onBack: noop },
    }).body;
    expect(error).toMatch(/role="alert" data-testid="error-message"/);
  });

  it("each row's 更新 says whose certificate it acts on", async () => {
    const backend = new FakeBackend({ now: NOW, unfinished: [{ identity: 0, stage: 'pending' }] });
    const { body } = render(ListScreen, {
      props: { listing: await backend.listIdentities(), onRenew: noop, onOpenUnfinished: noop, onReload: noop },
    });
    expect(body).toMatch(/>更新<span class="visually-hidden"> YAMADA TARO<\/span><\/button>/);
    expect(body).toMatch(/>更新<span class="visually-hidden"> SATO HANAKO<\/span><\/button>/);
  });
});
