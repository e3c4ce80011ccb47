// Certificate dates arrive as RFC 3339 UTC; the bank and its customers count them in Japan
// time, so every date shown is converted to Asia/Tokyo whatever the computer's zone is.
import type { Locale } from '../i18n/catalog';

const TIME_ZONE = 'Asia/Tokyo';

const westernJa = new Intl.DateTimeFormat('ja-JP', { timeZone: TIME_ZONE, dateStyle: 'long' });
// The 和暦 (e.g. 令和8年) is what many business forms use, so it is shown next to the year.
const eraJa = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { timeZone: TIME_ZONE, dateStyle: 'long' });
const dateEn = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, dateStyle: 'long' });
const time = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const dateTimeJa = new Intl.DateTimeFormat('ja-JP', {
  timeZone: TIME_ZONE,
  dateStyle: 'long',
  timeStyle: 'short',
});
const dateTimeEn = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  dateStyle: 'long',
  timeStyle: 'short',
});

function parse(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** 「2026年12月6日（令和8年12月6日）」 in Japanese, "6 December 2026" in English. */
export function formatDate(iso: string, locale: Locale): string {
  const d = parse(iso);
  if (!d) return iso;
  return locale === 'ja' ? `${westernJa.format(d)}（${eraJa.format(d)}）` : dateEn.format(d);
}

/** Time of day in Japan time, "23:59:59"; the same digits in both locales. */
export function formatTime(iso: string): string {
  const d = parse(iso);
  return d ? time.format(d) : '';
}

/** A moment in Japan time: 「2026年12月6日 14:05」, "6 December 2026 at 14:05". */
export function formatMoment(iso: string, locale: Locale): string {
  const d = parse(iso);
  if (!d) return iso;
  return (locale === 'ja' ? dateTimeJa : dateTimeEn).format(d);
}
