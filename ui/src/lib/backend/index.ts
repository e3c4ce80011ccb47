// Picks the real back end inside Tauri and the demo fake in a plain browser, so the UI can be
// developed and shown without the Rust side.
// In a plain browser, `?scenario=<id>` puts the fake into one of the gallery's situations
// (src/gallery/scenarios.ts); inside Tauri the URL is never read.
import { fakeOptionsFromUrl } from '../../gallery/driver';
import type { Backend } from './backend';
import { FakeBackend } from './fake';
import { TauriBackend, insideTauri } from './tauri';

export type { Backend, Unsubscribe } from './backend';
export { toErrorView, ERROR_CODES } from './errors';

export function createBackend(): Backend {
  if (insideTauri()) return new TauriBackend();
  return new FakeBackend(fakeOptionsFromUrl() ?? { delayMs: 600 });
}
