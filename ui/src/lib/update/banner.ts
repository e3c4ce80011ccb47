// What the update banner shows, decided without a DOM so vitest walks every state: a signed
// update found (更新する / 後で), its download and install, the restart, and each refusal in
// words. A background check that could not reach the server says nothing (it is logged and
// tried again tomorrow); everything the user started, and every refusal of what a server
// offered (a downgrade, a bad signature), is shown.
import type { UpdateBackend, Unsubscribe } from '../backend/backend';
import type { UpdateProblem, UpdateStatus } from '../backend/bindings';
import { toErrorView } from '../backend/errors';

export type BannerView =
  | { kind: 'available'; version: string; current: string; notes: string | null }
  | { kind: 'downloading'; version: string; percent: number | null }
  | { kind: 'installing'; version: string }
  | { kind: 'installed'; version: string; canRestart: boolean }
  | {
      kind: 'failed';
      problem: UpdateProblem;
      version: string | null;
      detail: string | null;
      /** Refused only for now (a renewal runs or is unfinished): 更新する again later. */
      retry: boolean;
    };

/** Refusals that pass once the renewal is over; the update is still offered. */
const FOR_NOW: UpdateProblem[] = ['renewalRunning', 'unfinishedRenewal'];

export class UpdateBanner {
  status: UpdateStatus = { state: 'off' };
  /** The version (or refusal) the user put off with 後で. */
  private dismissed: string | null = null;
  busy = false;
  private readonly listeners = new Set<() => void>();
  private stopListening: Unsubscribe | null = null;

  constructor(private readonly backend: UpdateBackend) {}

  async start(): Promise<void> {
    this.stopListening = await this.backend.onUpdateStatus((s) => this.set(s));
    this.set(await this.backend.updateStatus());
  }

  dispose(): void {
    this.stopListening?.();
    this.listeners.clear();
  }

  subscribe(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private set(status: UpdateStatus): void {
    this.status = status;
    for (const cb of this.listeners) cb();
  }

  private key(): string {
    const s = this.status;
    return s.state === 'failed' ? `failed:${s.problem}:${s.version}` : 'version' in s ? s.version : s.state;
  }

  get view(): BannerView | null {
    const s = this.status;
    if (this.dismissed !== null && this.dismissed === this.key()) return null;
    switch (s.state) {
      case 'off':
      case 'upToDate':
        return null;
      case 'available':
        return { kind: 'available', version: s.version, current: s.currentVersion, notes: s.notes };
      case 'downloading':
        return {
          kind: 'downloading',
          version: s.version,
          percent: s.total ? Math.min(100, Math.round((s.received / s.total) * 100)) : null,
        };
      case 'installing':
        return { kind: 'installing', version: s.version };
      case 'installed':
        return { kind: 'installed', version: s.version, canRestart: s.canRestart };
      case 'failed':
        // A quiet background check that found no server: nothing to say.
        if (s.problem === 'network' && s.version === null) return null;
        return {
          kind: 'failed',
          problem: s.problem,
          version: s.version,
          detail: s.detail,
          retry: s.version !== null && FOR_NOW.includes(s.problem),
        };
    }
  }

  /** 後で (or 閉じる on a refusal): hidden until something else happens. */
  later(): void {
    this.dismissed = this.key();
    for (const cb of this.listeners) cb();
  }

  /** 更新する. */
  async apply(): Promise<void> {
    const s = this.status;
    const again = s.state === 'failed' && s.version !== null && FOR_NOW.includes(s.problem);
    if (this.busy || !(s.state === 'available' || again) || s.version === null) return;
    this.busy = true;
    for (const cb of this.listeners) cb();
    try {
      this.set(await this.backend.applyUpdate(s.version));
    } catch (err) {
      const e = toErrorView(err);
      this.set({ state: 'failed', problem: 'internal', version: s.version, detail: e.detail ?? e.code });
    } finally {
      this.busy = false;
      for (const cb of this.listeners) cb();
    }
  }

  /** 再起動. */
  async restart(): Promise<void> {
    try {
      await this.backend.restartAfterUpdate();
    } catch (err) {
      const e = toErrorView(err);
      this.set({ state: 'failed', problem: 'internal', version: null, detail: e.detail ?? e.code });
    }
  }
}
