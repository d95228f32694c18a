/**
 * lib/imageFeatures/progress.ts: the course's "Done extracting features" lines with verbose, a
 * progress callback called with (done, total) on every report, and silence where there is
 * neither a notebook nor a terminal to draw on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressReporter } from '../../lib/imageFeatures/progress';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('progressReporter', () => {
  it('prints one course line per 1000 images with verbose, catching up over skipped thousands', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const report = progressReporter(3500, { verbose: true, progress: false });
    report(999);
    report(2600);
    report(3500);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      'Done extracting features for 1000 / 3500 images',
      'Done extracting features for 2000 / 3500 images',
      'Done extracting features for 3000 / 3500 images',
    ]);
  });

  it('prints nothing without verbose', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const report = progressReporter(3000, { progress: false });
    report(3000);
    expect(log).not.toHaveBeenCalled();
  });

  it('forwards every report to a progress function, unthrottled', () => {
    const calls: [number, number][] = [];
    const report = progressReporter(30, { progress: (done, total) => calls.push([done, total]) });
    for (const done of [10, 20, 30]) report(done);
    expect(calls).toEqual([
      [10, 30],
      [20, 30],
      [30, 30],
    ]);
  });

  it('draws nothing outside a notebook kernel when stderr is not a terminal', () => {
    const isTTY = process.stderr.isTTY;
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    try {
      const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const report = progressReporter(10, {});
      report(5);
      report(10);
      expect(write).not.toHaveBeenCalled();
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
    }
  });

  it('redraws a terminal bar in place and ends its line once done', () => {
    const isTTY = process.stderr.isTTY;
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    try {
      const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      vi.spyOn(Date, 'now').mockReturnValue(1_000_000); // the clock stands still
      const report = progressReporter(4, { title: 'Features' });
      report(1);
      report(2); // within 250 ms of the first draw: skipped
      report(4);
      const lines = write.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^\rFeatures 1 \/ 4 images · /);
      expect(lines[1]).toMatch(/^\rFeatures 4 \/ 4 images · .*\n$/);
      expect(lines[0]!.endsWith('\n')).toBe(false);
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
    }
  });
});
