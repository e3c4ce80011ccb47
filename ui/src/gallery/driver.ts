// Puts the UI into one gallery scenario: `?scenario=<id>&lang=ja|en` in a plain browser.
// backend/index.ts asks fakeOptionsFromUrl() for the fake's situation (never inside Tauri),
// and main.ts runs the walk once the app is mounted. The outcome is left on <html> for
// ui/scripts/gallery.mjs: data-gallery="ready", or "failed" with the reason on the console.
import type { FakeOptions } from '../lib/backend/fake';
import { GALLERY_NOW, SCENARIOS, type Action, type Scenario } from './scenarios';

const WAIT_MS = 5000;

declare global {
  interface Window {
    /** The table, for the gallery script to enumerate. */
    __shomeiGallery?: { scenarios: Pick<Scenario, 'id' | 'title' | 'shows' | 'primary'>[] };
  }
}

function params(): URLSearchParams {
  return new URLSearchParams(typeof location === 'undefined' ? '' : location.search);
}

/** The scenario the URL names, or null; an unknown name is an error, not the default demo. */
export function scenarioFromUrl(search: URLSearchParams = params()): Scenario | null {
  const id = search.get('scenario');
  if (id === null) return null;
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new Error(`unknown gallery scenario '${id}'; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  return scenario;
}

/** The fake back end's options for the URL's scenario; null without one. */
export function fakeOptionsFromUrl(search: URLSearchParams = params()): FakeOptions | null {
  const scenario = scenarioFromUrl(search);
  if (!scenario) return null;
  const lang = search.get('lang') ?? 'ja';
  return { delayMs: 0, now: new Date(GALLERY_NOW), locale: lang, ...scenario.fake };
}

async function waitFor(selector: string, enabled: boolean): Promise<HTMLElement> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const el = document.querySelector<HTMLElement>(selector);
    if (el && !(enabled && (el as HTMLButtonElement).disabled)) return el;
    if (Date.now() > until) throw new Error(`waited ${WAIT_MS} ms for ${selector}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

async function act(action: Action): Promise<void> {
  if ('click' in action) (await waitFor(action.click, true)).click();
  else if ('fill' in action) {
    const input = (await waitFor(action.fill, true)) as HTMLInputElement;
    input.value = action.value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  } else await waitFor(action.wait, false);
}

/** Walks to the URL's scenario, if any, and marks <html> ready or failed. */
export async function runScenarioFromUrl(): Promise<void> {
  window.__shomeiGallery = {
    scenarios: SCENARIOS.map(({ id, title, shows, primary }) => ({ id, title, shows, primary })),
  };
  const root = document.documentElement;
  try {
    const scenario = scenarioFromUrl();
    if (!scenario) return;
    for (const action of scenario.walk ?? []) await act(action);
    await waitFor(scenario.shows, false);
    await document.fonts.ready;
    // Two frames: the last state change is rendered and laid out.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    root.dataset.gallery = 'ready';
  } catch (err) {
    root.dataset.gallery = 'failed';
    console.error(`gallery: ${err instanceof Error ? err.message : String(err)}`);
  }
}
