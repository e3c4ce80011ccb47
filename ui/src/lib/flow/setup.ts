// The welcome and settings screens' part of the flow: bank profiles (add from a chosen or
// dropped file, remove, look again for one an administrator deploys), the settings, and the
// demo. Plain TypeScript like RenewalFlow, which owns the current screen and hands it here.
import type { Backend, Unsubscribe } from '../backend/backend';
import type { AppInfo, ErrorView, LanguageChoice, ProfileView, Settings } from '../backend/bindings';
import { toErrorView } from '../backend/errors';
import type { Screen } from './screen';

/** What SetupFlow needs of the RenewalFlow it belongs to. */
export interface SetupHost {
  info: AppInfo | null;
  readonly screen: Screen;
  show(screen: Screen): void;
  /** The certificate list, read again. */
  reload(): Promise<void>;
}

/** How often the welcome screen looks for a profile an administrator deployed meanwhile. */
export const WATCH_MS = 5_000;

export class SetupFlow {
  private watch: ReturnType<typeof setInterval> | null = null;
  private unlistenDrop: Unsubscribe | null = null;

  constructor(
    private readonly backend: Backend,
    private readonly host: SetupHost,
  ) {}

  /** The welcome screen: no bank profile is in use. */
  async welcome(): Promise<void> {
    const profiles = await this.profiles();
    this.host.show({ kind: 'welcome', profiles, added: null, busy: false });
    await this.listenForDrops();
    this.watch ??= setInterval(() => void this.checkAgain(), WATCH_MS);
  }

  /** Looks for profiles again; once one loads, the window goes on to the list. */
  async checkAgain(): Promise<void> {
    if (this.host.screen.kind !== 'welcome' || this.host.screen.busy) return;
    try {
      const info = await this.backend.reloadProfiles();
      if (!info.needsProfile) await this.adopt(info);
      else if (this.host.screen.kind === 'welcome') {
        const profiles = await this.profiles();
        if (this.host.screen.kind === 'welcome') this.host.show({ ...this.host.screen, profiles });
      }
    } catch {
      // Looked again later; the screen still offers adding one by hand.
    }
  }

  /** 参照…: the OS's file chooser, then the same as a typed or dropped path. */
  async pick(title: string): Promise<void> {
    const path = await this.backend.pickProfileFile(title).catch(() => null);
    if (path) await this.addProfile(path);
  }

  /** Checks and adds the profile at `path`; its problems stay on screen when it does not load. */
  async addProfile(path: string): Promise<void> {
    const s = this.host.screen;
    if ((s.kind !== 'welcome' && s.kind !== 'settings') || s.busy || !path.trim()) return;
    this.host.show({ ...s, busy: true, added: null });
    let added: ProfileView;
    try {
      added = await this.backend.addProfile(path);
    } catch (err) {
      this.host.show({ kind: 'error', error: toErrorView(err) });
      return;
    }
    if (added.state === 'loaded' && s.kind === 'welcome') {
      await this.adopt(await this.backend.reloadProfiles());
      return;
    }
    const profiles = await this.profiles();
    this.host.info = await this.backend.appInfo();
    const now = this.host.screen;
    if (now.kind === 'welcome' || now.kind === 'settings') this.host.show({ ...now, profiles, added, busy: false });
  }

  async removeProfile(id: string): Promise<void> {
    const s = this.host.screen;
    if (s.kind !== 'settings' || s.busy) return;
    this.host.show({ ...s, busy: true });
    try {
      this.host.info = await this.backend.removeProfile(id);
      this.host.show({ ...s, profiles: await this.profiles(), busy: false, added: null, error: null });
    } catch (err) {
      this.host.show({ ...s, busy: false, error: toErrorView(err) });
    }
  }

  async openSettings(): Promise<void> {
    const s = this.host.screen;
    if (s.kind !== 'list' && s.kind !== 'welcome') return;
    try {
      const [settings, profiles] = await Promise.all([this.backend.getSettings(), this.profiles()]);
      this.host.show({ kind: 'settings', settings, profiles, added: null, busy: false, error: null, saved: false });
      await this.listenForDrops();
    } catch (err) {
      this.host.show({ kind: 'error', error: toErrorView(err) });
    }
  }

  /** 保存: keeps the settings; a refusal (e.g. no reminder day) stays on the screen. */
  async saveSettings(settings: Settings): Promise<void> {
    const s = this.host.screen;
    if (s.kind !== 'settings' || s.busy) return;
    this.host.show({ ...s, busy: true, saved: false });
    try {
      const saved = await this.backend.saveSettings(settings);
      this.host.info = await this.backend.appInfo();
      this.host.show({ ...s, settings: saved, busy: false, error: null, saved: true });
    } catch (err) {
      this.host.show({ ...s, settings, busy: false, error: toErrorView(err), saved: false });
    }
  }

  /** The language toggle in the header: the choice is kept for the next start. */
  async keepLanguage(language: LanguageChoice): Promise<ErrorView | null> {
    try {
      const settings = await this.backend.getSettings();
      await this.backend.saveSettings({ ...settings, language });
      return null;
    } catch (err) {
      return toErrorView(err);
    }
  }

  /** 閉じる on settings: the list, or the welcome screen while no profile is in use. */
  async closeSettings(): Promise<void> {
    if (this.host.screen.kind !== 'settings') return;
    const info = await this.backend.appInfo().catch(() => this.host.info);
    if (info) this.host.info = info;
    if (info?.needsProfile) await this.welcome();
    else await this.host.reload();
  }

  async startDemo(): Promise<void> {
    try {
      await this.backend.startDemo();
    } catch (err) {
      this.host.show({ kind: 'error', error: toErrorView(err) });
    }
  }

  dispose(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
    this.unlistenDrop?.();
    this.unlistenDrop = null;
  }

  private async adopt(info: AppInfo): Promise<void> {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
    this.host.info = info;
    await this.host.reload();
  }

  private async profiles(): Promise<ProfileView[]> {
    return (await this.backend.listIdentities()).profiles;
  }

  /** A bank profile dropped on the window is added like a chosen one. */
  private async listenForDrops(): Promise<void> {
    this.unlistenDrop ??= await this.backend
      .onFileDrop((paths) => void this.addProfile(paths[0]))
      .catch(() => null);
  }
}
