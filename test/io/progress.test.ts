import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  progressLine,
  progressParts,
  terminalProgress,
} from '../../lib/io/progress';

describe('progressParts', () => {
  it('formats bar, percent, elapsed and ETA', () => {
    const p = progressParts(300, 1000, 6, { width: 10 });
    expect(p).toEqual({
      fraction: 0.3,
      bar: '###-------',
      percent: ' 30%',
      elapsed: '6s',
      eta: '14s', // 6 s for 300 units: 700 more take 14 s
    });
    expect(progressParts(0, 7, 0, { width: 4 }).bar).toBe('----');
    expect(progressParts(7, 7, 90, { width: 4, fill: '=', empty: '.' })).toMatchObject({
      bar: '====',
      percent: '100%',
      elapsed: '1m30s',
      eta: '0s',
    });
  });

  it('gives no ETA until 2 s and 1% of the work have passed', () => {
    expect(progressParts(0, 100, 0).eta).toBeNull();
    // A fast first step: 10% done after 0.5 s, still too early to extrapolate.
    expect(progressParts(10, 100, 0.5).eta).toBeNull();
    // Slow start: 2 minutes in, 0.5% done.
    expect(progressParts(5, 1000, 120).eta).toBeNull();
    expect(progressParts(10, 1000, 120).eta).toBe('3h18m');
    expect(progressParts(10, 100, 2).eta).toBe('18s');
    expect(progressParts(10, 100, 1, { etaAfterSeconds: 0 }).eta).toBe('9s');
  });

  it('names the bad argument', () => {
    expect(() => progressParts(11, 10, 1)).toThrow(
      'progressParts: done must be in [0, total = 10], got 11',
    );
    expect(() => progressParts(1, 0, 1)).toThrow(
      'progressParts: total must be a finite number > 0, got 0',
    );
    expect(() => progressParts(Number.NaN, 10, 1)).toThrow('progressParts: done must be');
    expect(() => progressParts(1, 10, -1)).toThrow(
      'progressParts: elapsedSeconds must be a finite number >= 0, got -1',
    );
  });
});

describe('formatDuration', () => {
  it('reads like a person writes it', () => {
    expect([0, 7.4, 59.4, 60, 185, 3599, 3600, 3725, 36000].map(formatDuration)).toEqual([
      '0s',
      '7s',
      '59s',
      '1m00s',
      '3m05s',
      '59m59s',
      '1h00m',
      '1h02m',
      '10h00m',
    ]);
    expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow('formatDuration: seconds');
  });
});

describe('progressLine and terminalProgress', () => {
  it('lays out one line, with "?" while the ETA is unknown', () => {
    expect(progressLine(progressParts(1, 4, 0, { width: 4 }), '1/4')).toBe(
      '[#---]  25% 1/4 · 0s, ? left',
    );
    expect(progressLine(progressParts(2, 4, 10, { width: 4 }))).toBe(
      '[##--]  50% · 10s, ~10s left',
    );
  });

  it('redraws in place at most every 100 ms and ends the line once', () => {
    const out: string[] = [];
    let t = 1000;
    const draw = terminalProgress({
      stream: { write: (s: string) => out.push(s) },
      prefix: '> ',
      width: 4,
      now: () => t,
    });
    draw(0, 4, 'a');
    t += 50;
    draw(1, 4, 'b'); // too soon: skipped
    t += 3000;
    draw(2, 4, 'c');
    t += 10;
    draw(4, 4, 'd'); // the last step always draws
    draw(4, 4, 'e'); // after the end: nothing
    expect(out).toEqual([
      '\r> [----]   0% a · 0s, ? left\x1b[K',
      '\r> [##--]  50% c · 3s, ~3s left\x1b[K',
      '\r> [####] 100% d · 3s, ~0s left\x1b[K',
      '\n',
    ]);
  });
});
