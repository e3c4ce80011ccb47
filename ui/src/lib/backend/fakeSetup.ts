// The fake's bank profiles and settings: what the welcome and settings screens talk to
// when the UI runs without Rust. A path ending in "broken.toml" is refused with problems by
// line and column, "admin.toml" as an administrator's; any other *.toml loads.
import type { ProfileView, Settings } from './bindings';

export interface FakeSetupOptions {
  /** No bank profile at start: the window opens on the welcome screen. */
  noProfile?: boolean;
  /** The path the fake file chooser answers (null: the user cancels). */
  pickedFile?: string | null;
  /** Profiles besides the demo's (an administrator's, a broken one). */
  extraProfiles?: ProfileView[];
}

export const DEMO_PROFILE: ProfileView = {
  id: 'demo',
  name: 'デモ信用金庫',
  path: '/home/demo/.config/shomei/banks/demo.toml',
  origin: 'user',
  state: 'loaded',
  issues: [],
};

export const DEFAULT_SETTINGS: Settings = {
  language: 'os',
  reminderDays: null,
  autostart: true,
  updateChecks: true,
};

export class FakeSetup {
  profiles: ProfileView[];
  settings: Settings = { ...DEFAULT_SETTINGS };
  demoStarted = false;
  dropListeners = new Set<(paths: string[]) => void>();

  constructor(private readonly options: FakeSetupOptions = {}) {
    this.profiles = [...(options.noProfile ? [] : [DEMO_PROFILE]), ...(options.extraProfiles ?? [])];
  }

  /** Whether any profile is in use (the demo bank's certificates are listed then). */
  get loaded(): boolean {
    return this.profiles.some((p) => p.state === 'loaded');
  }

  picked(): string | null {
    return this.options.pickedFile === undefined ? '/home/demo/Downloads/demo.toml' : this.options.pickedFile;
  }

  add(path: string): ProfileView {
    const file = path.trim().split('/').pop() ?? '';
    const id = file.replace(/\.toml$/, '');
    if (!file.endsWith('.toml')) {
      return refused(path, id, 'invalid', 0, 0, '銀行プロファイル（拡張子 .toml のファイル）を選んでください。', 'Choose a bank profile (a file ending in .toml).');
    }
    if (id === 'broken') {
      return {
        ...refused(path, id, 'invalid', 3, 12, 'https:// で始めてください（"http://est.example.jp"）。平文の HTTP は使えません。', 'Must start with https:// ("http://est.example.jp"); plain HTTP is never used.'),
        issues: [
          { line: 3, column: 12, field: 'est.base_url', ja: 'https:// で始めてください（"http://est.example.jp"）。平文の HTTP は使えません。', en: 'Must start with https:// ("http://est.example.jp"); plain HTTP is never used.' },
          { line: 4, column: 11, field: 'est.ca_file', ja: 'ファイルが見つかりません（ca.pem）。', en: 'File not found (ca.pem).' },
        ],
      };
    }
    const added: ProfileView = { ...DEMO_PROFILE, id, path: `/home/demo/.config/shomei/banks/${file}` };
    this.profiles = [...this.profiles.filter((p) => p.id !== id), added];
    return added;
  }

  remove(id: string): void {
    this.profiles = this.profiles.filter((p) => !(p.id === id && p.origin === 'user'));
  }

  drop(paths: string[]): void {
    for (const cb of this.dropListeners) cb(paths);
  }
}

function refused(path: string, id: string, state: ProfileView['state'], line: number, column: number, ja: string, en: string): ProfileView {
  return { id, name: null, path, origin: 'file', state, issues: [{ line, column, field: '', ja, en }] };
}
