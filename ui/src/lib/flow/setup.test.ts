import { render } from 'svelte/server';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend, type FakeOptions } from '../backend/fake';
import SettingsScreen from '../screens/setup/SettingsScreen.svelte';
import WelcomeScreen from '../screens/setup/WelcomeScreen.svelte';
import { RenewalFlow, type Screen } from './flow';

const NOW = new Date('2026-11-24T03:00:00Z');
let flows: RenewalFlow[] = [];

async function started(options: FakeOptions = {}) {
  const backend = new FakeBackend({ now: NOW, ...options });
  const flow = new RenewalFlow(backend);
  flows.push(flow);
  await flow.start();
  return { backend, flow };
}

afterEach(() => {
  for (const f of flows) f.dispose();
  flows = [];
});

function screen<K extends Screen['kind']>(flow: RenewalFlow, kind: K): Extract<Screen, { kind: K }> {
  expect(flow.screen.kind).toBe(kind);
  return flow.screen as Extract<Screen, { kind: K }>;
}

describe('first start', () => {
  it('opens on the welcome screen with no profile, never on an empty list', async () => {
    const { flow } = await started({ noProfile: true });
    expect(flow.info?.needsProfile).toBe(true);
    expect(screen(flow, 'welcome').profiles).toEqual([]);
  });

  it('shows a broken profile’s problems by line and column and stays', async () => {
    const { flow } = await started({ noProfile: true });
    await flow.setup.addProfile('/home/u/Downloads/broken.toml');
    const w = screen(flow, 'welcome');
    expect(w.busy).toBe(false);
    expect(w.added?.state).toBe('invalid');
    expect(w.added?.issues.map((i) => [i.line, i.column])).toEqual([[3, 12], [4, 11]]);
    const { body } = render(WelcomeScreen, {
      props: { ...w, administratorDir: '/etc/shomei/banks.d', onAdd: () => {}, onPick: () => {}, onDemo: () => {} },
    });
    expect(body).toContain('この銀行プロファイルは追加できません（問題 2 件）');
    expect(body).toContain('3行目 12文字目：https:// で始めてください');
    expect(body).toContain('/etc/shomei/banks.d');
    expect(body).toContain('role="status"');
  });

  it('goes on to the list once a profile loads, by a typed, chosen or dropped path', async () => {
    for (const how of ['typed', 'chosen', 'dropped'] as const) {
      const { flow, backend } = await started({ noProfile: true });
      if (how === 'typed') await flow.setup.addProfile(' /home/u/Downloads/shinkin.toml ');
      if (how === 'chosen') await flow.setup.pick('銀行プロファイルを選ぶ');
      if (how === 'dropped') {
        backend.setup.drop(['/home/u/Desktop/shinkin.toml']);
        await new Promise((r) => setTimeout(r, 0));
        await new Promise((r) => setTimeout(r, 0));
      }
      expect(screen(flow, 'list').listing.identities.length, how).toBe(2);
      expect(flow.info?.needsProfile).toBe(false);
    }
  });

  it('a cancelled file chooser changes nothing', async () => {
    const { flow } = await started({ noProfile: true, pickedFile: null });
    await flow.setup.pick('x');
    expect(screen(flow, 'welcome').added).toBeNull();
  });

  it('picks up a profile an administrator deploys while the welcome screen is open', async () => {
    const { flow, backend } = await started({ noProfile: true });
    await flow.setup.checkAgain();
    screen(flow, 'welcome');
    backend.setup.profiles.push({ id: 'bank', name: 'X信用金庫', path: '/etc/shomei/banks.d/bank.toml', origin: 'administrator', state: 'loaded', issues: [] });
    await flow.setup.checkAgain();
    screen(flow, 'list');
  });

  it('try the demo asks the back end to start it', async () => {
    const { flow, backend } = await started({ noProfile: true });
    await flow.setup.startDemo();
    expect(backend.setup.demoStarted).toBe(true);
  });

  it('try the demo without SoftHSM2 shows why, on screen, and starts nothing', async () => {
    const { flow, backend } = await started({ noProfile: true, failWith: { stage: 'demo', code: 'demoNeedsSoftHsm' } });
    await flow.setup.startDemo();
    expect(screen(flow, 'error').error.code).toBe('demoNeedsSoftHsm');
    expect(backend.setup.demoStarted).toBe(false);
  });
});

describe('settings', () => {
  it('opens from the list, keeps what is saved, and closes back to the list', async () => {
    const { flow, backend } = await started();
    await flow.setup.openSettings();
    const s = screen(flow, 'settings');
    expect(s.settings).toEqual({ language: 'os', reminderDays: null, autostart: true, updateChecks: true });
    await flow.setup.saveSettings({ language: 'en', reminderDays: [1, 30, 10], autostart: false, updateChecks: true });
    const after = screen(flow, 'settings');
    expect(after.saved).toBe(true);
    expect(after.settings.reminderDays).toEqual([30, 10, 1]);
    expect(await backend.getSettings()).toEqual(after.settings);
    expect(flow.info?.locale).toBe('en');
    await flow.escape();
    screen(flow, 'list');
  });

  it('a refused save says why and keeps what the user entered', async () => {
    const { flow } = await started();
    await flow.setup.openSettings();
    const wanted = { language: 'os' as const, reminderDays: [], autostart: true, updateChecks: true };
    await flow.setup.saveSettings(wanted);
    const s = screen(flow, 'settings');
    expect(s.error?.code).toBe('notSaved');
    expect(s.saved).toBe(false);
    expect(s.settings).toEqual(wanted);
    const { body } = render(SettingsScreen, {
      props: { ...s, editable: true, onAdd: () => {}, onPick: () => {}, onRemove: () => {}, onSave: () => {}, onClose: () => {} },
    });
    expect(body).toContain('保存できませんでした。');
  });

  it('removing the only profile of one’s own leads back to the welcome screen on close', async () => {
    const { flow } = await started();
    await flow.setup.openSettings();
    const { body } = render(SettingsScreen, {
      props: { ...screen(flow, 'settings'), editable: true, onAdd: () => {}, onPick: () => {}, onRemove: () => {}, onSave: () => {}, onClose: () => {} },
    });
    expect(body).toContain('aria-label="「デモ信用金庫」の銀行プロファイルを削除"');
    await flow.setup.removeProfile('demo');
    expect(screen(flow, 'settings').profiles).toEqual([]);
    await flow.setup.closeSettings();
    screen(flow, 'welcome');
  });

  it('an administrator’s profile is listed as such and cannot be removed', async () => {
    const admin = { id: 'corp', name: '法人信用金庫', path: '/etc/shomei/banks.d/corp.toml', origin: 'administrator' as const, state: 'loaded' as const, issues: [] };
    const { flow } = await started({ extraProfiles: [admin] });
    await flow.setup.openSettings();
    const { body } = render(SettingsScreen, {
      props: { ...screen(flow, 'settings'), editable: true, onAdd: () => {}, onPick: () => {}, onRemove: () => {}, onSave: () => {}, onClose: () => {} },
    });
    expect(body).toContain('管理者が配布');
    expect(body).not.toContain('「法人信用金庫」の銀行プロファイルを削除');
    await flow.setup.removeProfile('corp');
    expect(screen(flow, 'settings').profiles.map((p) => p.id)).toContain('corp');
  });

  it('the header’s language toggle is kept for the next start', async () => {
    const { flow, backend } = await started();
    expect(await flow.setup.keepLanguage('en')).toBeNull();
    expect((await backend.getSettings()).language).toBe('en');
    expect((await backend.appInfo()).locale).toBe('en');
  });
});
