// 電子証明書更新前処理中 and the screen of a renewal cut short, rendered to HTML (Svelte's
// server renderer): the manual's words, the live region, what each button will do, and the
// data-testid hooks the end-to-end tests use. Split from screens.test.ts to keep files short.
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import type { ErrorCode, PrecheckItem, UnfinishedRenewal, UnfinishedStage } from '../backend/bindings';
import { FakeBackend } from '../backend/fake';
import { i18n } from '../i18n/locale.svelte';
import PrecheckScreen from './PrecheckScreen.svelte';
import UnfinishedScreen from './UnfinishedScreen.svelte';

const NOW = new Date('2026-11-24T03:00:00Z');
const noop = () => {};

async function identities() {
  return (await new FakeBackend({ now: NOW }).listIdentities()).identities;
}

const item = (check: PrecheckItem['check'], state: PrecheckItem['state'], code?: ErrorCode): PrecheckItem => ({
  check,
  state,
  error: code ? { code, retriesLeft: null, at: null, detail: `detail of ${code}` } : null,
  pin: null,
});

describe('PrecheckScreen', () => {
  it('shows the manual’s title and every check in a live region while running', async () => {
    const [usb] = await identities();
    const checks = [item('certificate', 'passed'), item('window', 'running'), item('bank', 'waiting'), item('token', 'waiting')];
    const { body } = render(PrecheckScreen, { props: { identity: usb!, checks, failed: null, onRetry: noop, onCancel: noop } });
    expect(body).toContain('電子証明書更新前処理中');
    expect(body).toContain('※電子証明書の更新前処理が完了後、自動的に次画面が表示されます。');
    expect(body).toMatch(/<ol class="steps" aria-live="polite">/);
    expect(body).toContain('aria-busy="true"');
    expect(body).toMatch(/data-check="certificate" data-state="passed"[\s\S]*確認済み/);
    expect(body).toMatch(/data-check="window" data-state="running"[\s\S]*確認中/);
    expect(body).toContain('銀行のサーバーに接続できること');
    expect(body).toContain('data-testid="precheck-cancel"');
    expect(body).not.toContain('data-testid="precheck-failed"');
  });

  it('a failed check says what to do, with the bank’s contact where calling the bank is next', async () => {
    const [usb] = await identities();
    const locked = item('token', 'failed', 'pinLocked');
    const checks = [item('certificate', 'passed'), item('window', 'passed'), item('bank', 'passed'), locked];
    const { body } = render(PrecheckScreen, { props: { identity: usb!, checks, failed: locked, onRetry: noop, onCancel: noop } });
    expect(body).toMatch(/role="alert" data-testid="precheck-failed" data-check="token" data-code="pinLocked"/);
    expect(body).toContain('専用USBのパスワード（PIN）がロックされています。');
    expect(body).toContain('data-testid="precheck-contact"');
    expect(body).toContain('0120-000-000');
    expect(body).toContain('再確認');
    // 再確認 is the default action once a check failed (it takes the focus).
    expect(body).toMatch(/data-testid="precheck-retry" data-autofocus/);
    expect(body).toContain('data-testid="precheck-back"');

    const down = item('bank', 'failed', 'bankUnreachable');
    const unreachable = render(PrecheckScreen, {
      props: { identity: usb!, checks: [item('certificate', 'passed'), item('window', 'passed'), down, item('token', 'waiting')], failed: down, onRetry: noop, onCancel: noop },
    }).body;
    expect(unreachable).toContain('銀行のサーバーに接続できません。ネットワークやプロキシの設定を確認し');
    // Down for maintenance or not: the bank knows, as on the error screen.
    expect(unreachable).toContain('data-testid="precheck-contact"');
    const tokenAbsent = item('token', 'failed', 'tokenAbsent');
    const absent = render(PrecheckScreen, {
      props: { identity: usb!, checks: [item('certificate', 'passed'), item('window', 'passed'), item('bank', 'passed'), tokenAbsent], failed: tokenAbsent, onRetry: noop, onCancel: noop },
    }).body;
    expect(absent).not.toContain('data-testid="precheck-contact"');
  });

  it('before its window, it says the date the window opens', async () => {
    const [, pc] = await identities();
    const early = item('window', 'failed', 'outsideWindow');
    const { body } = render(PrecheckScreen, {
      props: { identity: pc!, checks: [item('certificate', 'passed'), early, item('bank', 'waiting'), item('token', 'waiting')], failed: early, onRetry: noop, onCancel: noop },
    });
    expect(body).toContain('この電子証明書の更新期間は2026年12月9日（令和8年12月9日）からです。');
  });

  it('few PIN tries left are said; a check not needed says so; English words', async () => {
    const [usb] = await identities();
    const token = { ...item('token', 'passed'), pin: { finalTry: true, countLow: true } };
    const ja = render(PrecheckScreen, {
      props: { identity: usb!, checks: [item('certificate', 'passed'), item('window', 'passed'), item('bank', 'passed'), token], failed: null, onRetry: noop, onCancel: noop },
    }).body;
    expect(ja).toContain('専用USBのパスワード（PIN）は残り1回です。');
    expect(ja).toContain('確認が完了しました。次の画面に進みます。');
    i18n.locale = 'en';
    try {
      const en = render(PrecheckScreen, {
        props: { identity: usb!, checks: [item('certificate', 'passed'), item('window', 'passed'), item('bank', 'passed'), item('token', 'notNeeded')], failed: null, onRetry: noop, onCancel: noop },
      }).body;
      expect(en).toContain('Checking before renewal');
      expect(en).toContain('Not needed (no USB token used)');
    } finally {
      i18n.locale = 'ja';
    }
  });
});

describe('UnfinishedScreen', () => {
  async function unfinished(stage: UnfinishedStage, gone = false): Promise<UnfinishedRenewal> {
    const backend = new FakeBackend({ now: NOW, unfinished: [{ identity: 0, stage, gone }] });
    return (await backend.listIdentities()).unfinished[0]!;
  }

  it.each([
    ['interrupted', '銀行への申請の前に中断しました。', '作りかけの新しい鍵を削除して、最初から更新し直します。', '作りかけの新しい鍵を削除します。'],
    ['pending', '銀行に申請済みで、電子証明書の発行を待っています。', '同じ申請で、銀行に発行済みかどうかを問い合わせます。', 'あとで銀行が発行しても、その電子証明書は使われません。'],
    ['notYetValid', '有効期間の開始（2026年11月24日 23:59）がこのパソコンの時計より先です。', '有効期間の開始を過ぎていれば、インストールの確認に進みます。', '発行された新しい電子証明書と鍵を捨てます。'],
    ['awaitingInstall', 'インストールの確認（2回目の「はい」）を待っています。', 'インストールの確認（2回目の「はい」）から続けます。', '発行された新しい電子証明書と鍵を捨てます。'],
    ['installing', 'インストールが、途中で中断しました。', 'インストールを最後まで行います。', '保存しかけた新しい電子証明書と鍵を削除します。'],
    ['archiving', '以前の電子証明書の削除が終わっていません', '以前の電子証明書の削除を、もう一度試みます。', '記録だけを消します。新旧どちらの電子証明書も残ります。'],
  ] as const)('%s: what happened, and what 続ける and 破棄 will each do', async (stage, happened, onContinue, onDiscard) => {
    const u = await unfinished(stage);
    const [identity] = await identities();
    const { body } = render(UnfinishedScreen, { props: { unfinished: u, identity: identity!, onContinue: noop, onDiscard: noop, onLater: noop } });
    expect(body).toContain('中断された更新');
    expect(body).toContain(`data-stage="${stage}"`);
    expect(body).toContain(happened);
    expect(body).toContain(onContinue);
    expect(body).toContain(onDiscard);
    // 続ける is the default action (it takes the focus); 破棄 and 一覧へ beside it.
    expect(body).toMatch(/data-testid="unfinished-continue" data-autofocus/);
    expect(body).toContain('data-testid="unfinished-discard"');
    expect(body).toContain('data-testid="unfinished-later"');
  });

  it('a pending one says when the bank is asked next, and that it is stuck', async () => {
    const u = { ...(await unfinished('pending')), stuck: true };
    const [identity] = await identities();
    const { body } = render(UnfinishedScreen, { props: { unfinished: u, identity: identity!, onContinue: noop, onDiscard: noop, onLater: noop } });
    expect(body).toContain('次の問い合わせ：2026年11月24日 23:59以降');
    expect(body).toContain('発行待ちの期間が銀行の上限を超えています。');
  });

  it('one whose certificate is gone offers only 破棄', async () => {
    const u = await unfinished('archiving', true);
    const { body } = render(UnfinishedScreen, { props: { unfinished: u, identity: null, onContinue: noop, onDiscard: noop, onLater: noop } });
    expect(body).not.toContain('data-testid="unfinished-continue"');
    expect(body).toContain('続けることはできません。破棄できます。');
    expect(body).toContain('data-testid="unfinished-discard"');
  });
});
