// The fake's updates of Shomei itself: what the update banner talks to without Rust. It
// offers one version at start (or nothing), and 更新する walks the states the real updater
// goes through (downloading with progress, installing, installed) or stops at the refusal
// it is told to give.
import type { UpdateProblem, UpdateStatus } from './bindings';

export interface FakeUpdateOptions {
  /** The version offered at start; none: up to date. */
  updateOffered?: string;
  /** Refuse at the check (downgrade, network) or at 更新する (the rest) with this. */
  updateFailsWith?: UpdateProblem;
  /** The window belongs to a resident: no restart button, the user quits from the tray. */
  updateWindowOnly?: boolean;
  /** Stop in this state after 更新する, so the gallery can show it. */
  updateHoldAt?: 'downloading' | 'installing';
}

export const FAKE_CURRENT_VERSION = '0.1.0';
const TOTAL = 8_400_000;
const AT_CHECK: UpdateProblem[] = ['downgrade', 'network', 'insecureEndpoint'];

export class FakeUpdate {
  status: UpdateStatus;
  restarted = false;
  readonly listeners = new Set<(s: UpdateStatus) => void>();

  constructor(
    private readonly options: FakeUpdateOptions = {},
    private readonly delayMs = 0,
  ) {
    const offered = options.updateOffered;
    const fails = options.updateFailsWith;
    if (offered && fails && AT_CHECK.includes(fails)) {
      this.status = { state: 'failed', problem: fails, version: offered, detail: null };
    } else if (offered) {
      this.status = { state: 'available', currentVersion: FAKE_CURRENT_VERSION, version: offered, notes: `Shomei ${offered}: 改善と修正` };
    } else {
      this.status = { state: 'upToDate', currentVersion: FAKE_CURRENT_VERSION };
    }
  }

  private set(status: UpdateStatus): UpdateStatus {
    this.status = status;
    for (const cb of this.listeners) cb(status);
    return status;
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.delayMs));
  }

  async apply(version: string): Promise<UpdateStatus> {
    const s = this.status;
    if (!(s.state === 'available' || s.state === 'failed') || s.version !== version) {
      return { state: 'failed', problem: 'nothingToApply', version, detail: null };
    }
    const fails = this.options.updateFailsWith;
    if (fails === 'renewalRunning' || fails === 'unfinishedRenewal' || fails === 'notPackaged') {
      return this.set({ state: 'failed', problem: fails, version, detail: null });
    }
    for (const received of [0, TOTAL / 4, TOTAL / 2, TOTAL]) {
      this.set({ state: 'downloading', version, received, total: TOTAL });
      await this.pause();
    }
    if (this.options.updateHoldAt === 'downloading') return new Promise(() => {});
    if (fails === 'badSignature' || fails === 'versionMismatch') {
      return this.set({ state: 'failed', problem: fails, version, detail: 'signature verification failed' });
    }
    this.set({ state: 'installing', version });
    await this.pause();
    if (this.options.updateHoldAt === 'installing') return new Promise(() => {});
    if (fails) return this.set({ state: 'failed', problem: fails, version, detail: null });
    return this.set({ state: 'installed', version, canRestart: !this.options.updateWindowOnly });
  }

  restart(): void {
    if (this.status.state !== 'installed' || !this.status.canRestart) {
      throw new Error('restart: no installed update to restart into');
    }
    this.restarted = true;
  }
}
