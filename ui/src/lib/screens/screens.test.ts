// Renders each screen to HTML (Svelte's server renderer, no DOM needed) to pin down the
// data-testid hooks the end-to-end WebDriver test relies on, and the manual's words.
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { FAKE_PIN, FakeBackend } from '../backend/fake';
import type { ErrorView } from '../backend/bindings';
import { installingSteps } from '../flow/steps';
import ConsentScreen from './ConsentScreen.svelte';
import DoneScreen from './DoneScreen.svelte';
import ErrorScreen from './ErrorScreen.svelte';
import ListScreen from './ListScreen.svelte';
import PinScreen from './PinScreen.svelte';
import ProgressScreen from './ProgressScreen.svelte';

const NOW = new Date('2026-11-24T03:00:00Z');
const noop = () => {};
const locked: ErrorView = { code: 'pinLocked', retriesLeft: 0, detail: 'CKR_PIN_LOCKED' };

async function listing() {
  const l = await new FakeBackend({ now: NOW }).listIdentities();
  return { ...l, errors: [locked] };
}

describe('screens', () => {
  it('list: rows, expiry with 和暦, renew buttons, the notice and store warnings', async () => {
    const { body } = render(ListScreen, { props: { listing: await listing(), onRenew: noop, onReload: noop } });
    expect(body.match(/data-testid="identity-row"/g)).toHaveLength(2);
    expect(body).toMatch(/data-fingerprint="[0-9A-F]{64}"/);
    expect(body).toContain('data-testid="identity-expiry">2026年12月6日（令和8年12月6日）');
    expect(body.match(/data-testid="renew-button"/g)).toHaveLength(2);
    expect(body).toContain('電子証明書の更新をお願いします');
    expect(body).toContain('電子証明書の更新はこちら');
    expect(body).toContain('12日');
    expect(body).toContain('専用USB');
    expect(body).toContain('このパソコン');
    expect(body).toContain('更新期間中');
    expect(body).toContain('専用USBのパスワード（PIN）がロックされています');
  });

  it('consent: はい / いいえ hooks', () => {
    const { body } = render(ConsentScreen, { props: { message: 'よろしいですか？', onAnswer: noop } });
    expect(body).toContain('data-testid="consent-yes"');
    expect(body).toContain('data-testid="consent-no"');
  });

  it('pin: input, submit and the retries left', async () => {
    const identity = (await listing()).identities[0]!;
    const error: ErrorView = { code: 'pinIncorrect', retriesLeft: 2, detail: null };
    const { body } = render(PinScreen, { props: { identity, error, onSubmit: noop, onCancel: noop } });
    expect(body).toContain('data-testid="pin-input"');
    expect(body).toContain('type="password"');
    expect(body).toContain('data-testid="pin-submit"');
    expect(body).toContain('パスワードが正しくありません。残り2回');
  });

  it('progress: hook and localized step labels', () => {
    const { body } = render(ProgressScreen, { props: { title: 'x', steps: installingSteps() } });
    expect(body).toContain('data-testid="progress"');
    expect(body).toContain('電子証明書をインストールしています');
  });

  it('done: USB message, new expiry and close button', async () => {
    const backend = new FakeBackend({ now: NOW });
    const identity = (await backend.listIdentities()).identities[0]!;
    const issued = await backend.startRenewal(identity.fingerprint, FAKE_PIN);
    const outcome = await backend.installRenewal(issued.renewalId);
    const { body } = render(DoneScreen, { props: { identity, outcome, onClose: noop } });
    expect(body).toContain('data-testid="done-message"');
    expect(body).toContain('電子証明書の更新と専用USBへの保存が完了しました。');
    expect(body).toContain('data-testid="detail-not-after">2028年12月5日（令和10年12月5日）');
    expect(body).toContain('data-testid="close-button"');
    expect(body).toContain('SHA-256 拇印');
  });

  it('error: the localized message, the detail only as technical detail', () => {
    const { body } = render(ErrorScreen, { props: { error: locked, onBack: noop } });
    expect(body).toMatch(/data-testid="error-message"[^>]*>専用USBのパスワード（PIN）がロックされています/);
    expect(body).toContain('技術情報');
  });
});
