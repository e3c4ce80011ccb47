// Picks the real back end inside Tauri and the demo fake in a plain browser, so the UI can be
// developed and shown without the Rust side.
import type { Backend } from './backend';
import { FakeBackend } from './fake';
import { TauriBackend, insideTauri } from './tauri';

export type { Backend, Unsubscribe } from './backend';
export { toErrorView, ERROR_CODES } from './errors';

export function createBackend(): Backend {
  return insideTauri() ? new TauriBackend() : new FakeBackend({ delayMs: 600 });
}
