// The update banner's states through the fake back end (the same interface the real one
// implements): found → 更新する → downloading → installing → installed → 再起動; 後で; each
// refusal in words in both languages; a quiet background failure says nothing.
import { render } from 'svelte/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeBackend, type FakeOptions } from '../backend/fake';
import type { UpdateProblem, UpdateStatus } from '../backend/bindings';
import { UPDATE_PROBLEM_KEYS, catalogs, translate } from '../i18n/catalog';
import { i18n } from '../i18n/locale.svelte';
import { UpdateBanner } from './banner';
import UpdateBannerView from './UpdateBanner.svelte';

let banners: UpdateBanner[] = [];
afterEach(() => {
  for (const b of banners) b.dispose();
  banners = [];
  i18n.locale = 'ja';
});

async function started(options: FakeOptions) {
  const backend = new FakeBackend(options);
  const banner = new UpdateBanner(backend);
  banners.push(banner);
  await banner.start();
  return { backend, banner };
}

function html(banner: UpdateBanner): string {
  const noop = () => {};
  return render(UpdateBannerView, {
    props: { view: banner.view, busy: banner.busy, onApply: noop, onLater: noop, onRestart: noop },
  }).body;
}

describe('update banner', () => {
  it('shows nothing when up to date', async () => {
    const { banner } = await started({});
    expect(banner.view).toBeNull();
    expect(html(banner)).not.toContain('update-banner');
  });

  it('offers a found version with its notes, then downloads, installs and restarts', async () => {
    const { backend, banner } = await started({ updateOffered: '0.2.0' });
    expect(banner.view).toMatchObject({ kind: 'available', version: '0.2.0', current: '0.1.0' });
    const offered = html(banner);
    expect(offered).toContain('Shomei の新しい版 0.2.0 があります');
    expect(offered).toContain('data-testid="update-apply"');
    expect(offered).toContain('data-testid="update-notes"');

    const seen: UpdateStatus['state'][] = [];
    banner.subscribe(() => seen.push(banner.status.state));
    await banner.apply();
    expect(seen).toContain('downloading');
    expect(seen).toContain('installing');
    expect(banner.view).toEqual({ kind: 'installed', version: '0.2.0', canRestart: true });
    expect(html(banner)).toContain('data-testid="update-restart"');
    await banner.restart();
    expect(backend.update.restarted).toBe(true);
  });

  it('shows download progress as a percentage', async () => {
    const { banner } = await started({ updateOffered: '0.2.0', updateHoldAt: 'downloading' });
    void banner.apply();
    const percents: (number | null)[] = [];
    banner.subscribe(() => {
      const v = banner.view;
      if (v?.kind === 'downloading') percents.push(v.percent);
    });
    await vi.waitFor(() => expect(percents[percents.length - 1]).toBe(100));
    expect(percents).toEqual([25, 50, 100]);
    expect(banner.view?.kind).toBe('downloading');
    expect(html(banner)).toContain('data-testid="update-progress"');
  });

  it('後で hides the offer until something else happens', async () => {
    const { banner } = await started({ updateOffered: '0.2.0' });
    banner.later();
    expect(banner.view).toBeNull();
  });

  it('a window of a resident says to quit from the tray instead of restarting', async () => {
    const { banner } = await started({ updateOffered: '0.2.0', updateWindowOnly: true });
    await banner.apply();
    expect(banner.view).toEqual({ kind: 'installed', version: '0.2.0', canRestart: false });
    const body = html(banner);
    expect(body).not.toContain('update-restart');
    expect(body).toContain('タスクトレイの「終了」');
  });

  const refusals: UpdateProblem[] = [
    'badSignature', 'versionMismatch', 'renewalRunning', 'unfinishedRenewal', 'notPackaged', 'installFailed',
  ];
  for (const problem of refusals) {
    it(`refuses (${problem}) in words, in Japanese and English, and N keeps working`, async () => {
      const { banner } = await started({ updateOffered: '0.2.0', updateFailsWith: problem });
      await banner.apply();
      expect(banner.view).toMatchObject({ kind: 'failed', problem, version: '0.2.0' });
      const retry = problem === 'renewalRunning' || problem === 'unfinishedRenewal';
      expect(html(banner).includes('data-testid="update-apply"')).toBe(retry);
      for (const locale of ['ja', 'en'] as const) {
        i18n.locale = locale;
        const body = html(banner);
        expect(body).toContain(translate(locale, UPDATE_PROBLEM_KEYS[problem]));
        expect(body).toContain(translate(locale, 'update.kept'));
        expect(body).not.toContain(`update.problem.`);
      }
    });
  }

  it('after a refusal for a running or unfinished renewal, 更新する is offered again', async () => {
    const { backend, banner } = await started({ updateOffered: '0.2.0', updateFailsWith: 'renewalRunning' });
    await banner.apply();
    expect(banner.view).toMatchObject({ kind: 'failed', problem: 'renewalRunning', retry: true });
    expect(html(banner)).toContain('data-testid="update-apply"');
    const applied: string[] = [];
    const apply = backend.applyUpdate.bind(backend);
    backend.applyUpdate = (v: string) => {
      applied.push(v);
      return apply(v);
    };
    await banner.apply();
    expect(applied).toEqual(['0.2.0']);
  });

  it('a downgrade offered at the check is refused and said', async () => {
    const { banner } = await started({ updateOffered: '0.0.9', updateFailsWith: 'downgrade' });
    expect(banner.view).toMatchObject({ kind: 'failed', problem: 'downgrade', version: '0.0.9' });
    expect(html(banner)).toContain('古い版には戻しません');
  });

  it('a background check that reached no server says nothing; a failed 更新する does', async () => {
    const { backend, banner } = await started({});
    backend.update.listeners.forEach((cb) => cb({ state: 'failed', problem: 'network', version: null, detail: 'refused' }));
    expect(banner.view).toBeNull();
    backend.update.listeners.forEach((cb) => cb({ state: 'failed', problem: 'network', version: '0.2.0', detail: 'reset' }));
    expect(banner.view).toMatchObject({ kind: 'failed', problem: 'network' });
    expect(html(banner)).toContain('詳細: reset');
  });

  it('every problem has words in both catalogs', () => {
    for (const key of Object.values(UPDATE_PROBLEM_KEYS)) {
      for (const locale of ['ja', 'en'] as const) {
        expect(translate(locale, key)).not.toBe(key);
      }
    }
    expect(Object.keys(catalogs.en.update.problem).sort()).toEqual(Object.keys(UPDATE_PROBLEM_KEYS).sort());
  });
});
