/** The correctly rounded natural log (lib/core/random/log.ts) behind numpy-equal normal draws. */
import { describe, expect, it } from 'vitest';
import { correctlyRoundedLog } from '../../../lib/core/random/log';

describe('correctlyRoundedLog', () => {
  it('matches exactly known correctly rounded values', () => {
    expect(correctlyRoundedLog(1)).toBe(0);
    expect(correctlyRoundedLog(2)).toBe(Math.LN2);
    expect(correctlyRoundedLog(10)).toBe(Math.LN10);
    expect(correctlyRoundedLog(Math.E)).toBe(1);
    expect(correctlyRoundedLog(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(correctlyRoundedLog(-1)).toBeNaN();
    expect(correctlyRoundedLog(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    // smallest subnormal: -1074 ln 2 = -744.4400719213812...
    expect(correctlyRoundedLog(5e-324)).toBe(-744.4400719213812);
  });
});
