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

  it('uses every key somewhere in the sources', () => {
    const all = Object.values(sources).join('\n');
    expect(Object.keys(sources).length).toBeGreaterThan(5);
    const unused = Object.keys(reference).filter((key) => !all.includes(`'${key}'`));
    expect(unused).toEqual([]);
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
