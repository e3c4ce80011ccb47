// Every key in every locale, no unused key, same placeholders everywhere.
import { describe, expect, it } from 'vitest';
import { catalogs, flatten, translate, toLocale, type Locale } from './catalog';

const locales = Object.keys(catalogs) as Locale[];
const reference = flatten(catalogs.ja);

// The sources that may use a key: every .ts and .svelte file except the catalogs and tests.
const sources = import.meta.glob(['/src/**/*.{ts,svelte}', '!/src/**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

// The Rust sources (command line, tray, notifications) use the same catalogs through
// shomei_engine::words, always with the key as a literal: words::text(lang, "cli.…", …).
const rustSources = import.meta.glob(['../../../../src-tauri/**/*.rs', '../../../../tests/**/*.rs', '!**/target/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
  it.each(locales)('%s has exactly the keys of ja', (locale) => {
    expect(Object.keys(flatten(catalogs[locale])).sort()).toEqual(Object.keys(reference).sort());
  });

  it.each(locales)('%s has no empty message', (locale) => {
    for (const [key, text] of Object.entries(flatten(catalogs[locale]))) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it.each(locales)('%s uses the same placeholders as ja', (locale) => {
    const flat = flatten(catalogs[locale]);
    for (const [key, text] of Object.entries(reference)) {
      expect(placeholders(flat[key] ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('uses every key somewhere in the sources, the UI\'s or the Rust side\'s', () => {
    const ui = Object.values(sources).join('\n');
    const rust = Object.values(rustSources).join('\n');
    expect(Object.keys(sources).length).toBeGreaterThan(5);
    expect(Object.keys(rustSources).some((path) => path.endsWith('src-tauri/crates/shomei-resident/src/cli/status.rs'))).toBe(true);
    const unused = Object.keys(reference).filter((key) => !ui.includes(`'${key}'`) && !rust.includes(`"${key}"`));
    expect(unused).toEqual([]);
  });

  it('counts a key the Rust side alone uses as used, and a key nobody uses as unused', () => {
    const ui = Object.values(sources).join('\n');
    const rust = Object.values(rustSources).join('\n');
    // cli.* is the command line's own: used by Rust, never by the UI.
    expect(ui.includes(`'cli.renew.ask'`)).toBe(false);
    expect(rust.includes(`"cli.renew.ask"`)).toBe(true);
    // A word both use is found in each.
    expect(ui.includes(`'list.daysOverdue'`) && rust.includes(`"list.daysOverdue"`)).toBe(true);
  });

  it('keeps the words of the manual', () => {
    expect(reference['list.noticeTitle']).toBe('電子証明書の更新をお願いします');
    expect(reference['list.noticeLink']).toBe('電子証明書の更新はこちら');
    expect(reference['done.usbToken']).toBe('電子証明書の更新と専用USBへの保存が完了しました。');
    expect(reference['done.thisPc']).toBe('電子証明書のインストールが完了しました');
  });
});

describe('translate', () => {
  it('fills placeholders', () => {
    expect(translate('ja', 'list.days', { n: 12 })).toBe('12日');
    expect(translate('en', 'list.days', { n: 12 })).toBe('12 days');
  });

  it('leaves a missing placeholder visible rather than printing "undefined"', () => {
    expect(translate('ja', 'list.days')).toBe('{n}日');
  });

  it('maps BCP-47 tags to a supported locale, Japanese by default', () => {
    expect(toLocale('en-US')).toBe('en');
    expect(toLocale('ja-JP')).toBe('ja');
    expect(toLocale('fr')).toBe('ja');
    expect(toLocale(null)).toBe('ja');
  });
});
