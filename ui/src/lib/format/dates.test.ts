import { describe, expect, it } from 'vitest';
import { formatDate, formatTime } from './dates';

describe('formatDate', () => {
  it('shows the western date and the 和暦 in Japanese', () => {
    expect(formatDate('2026-12-06T05:00:00Z', 'ja')).toBe('2026年12月6日（令和8年12月6日）');
  });

  it('counts in Japan time: 15:00 UTC is already the next day', () => {
    expect(formatDate('2026-12-05T14:59:59Z', 'ja')).toBe('2026年12月5日（令和8年12月5日）');
    expect(formatDate('2026-12-05T15:00:00Z', 'ja')).toBe('2026年12月6日（令和8年12月6日）');
    expect(formatDate('2026-12-05T15:00:00Z', 'en')).toBe('6 December 2026');
  });

  it('crosses the year boundary in Japan time', () => {
    expect(formatDate('2026-12-31T15:30:00Z', 'ja')).toContain('2027年1月1日');
    expect(formatDate('2026-12-31T15:30:00Z', 'ja')).toContain('令和9年1月1日');
  });

  it('shows a Japan calendar date from the engine (YYYY-MM-DD) as that same date', () => {
    expect(formatDate('2027-03-06', 'ja')).toBe('2027年3月6日（令和9年3月6日）');
    expect(formatDate('2027-03-06', 'en')).toBe('6 March 2027');
    expect(formatDate('2027-01-01', 'ja')).toBe('2027年1月1日（令和9年1月1日）');
  });

  it('always names the era 令和 for current certificates', () => {
    expect(formatDate('2030-04-01T00:00:00Z', 'ja')).toContain('令和');
  });

  it('returns unparsable input unchanged rather than "Invalid Date"', () => {
    expect(formatDate('not a date', 'ja')).toBe('not a date');
    expect(formatTime('not a date')).toBe('');
  });
});

describe('formatTime', () => {
  it('converts to Japan time', () => {
    expect(formatTime('2026-12-06T14:59:59Z')).toBe('23:59:59');
    expect(formatTime('2026-12-06T15:00:00Z')).toBe('00:00:00');
  });
});
