/**
 * lib/core/random/index.ts: the module-wide `random`, like `np.random`, and what the module
 * re-exports. The expected doubles are built from the published first MT19937 words after
 * init_genrand(5489) (3499211612, 581869302, 3890346734, 3586334585) with numpy's random_sample
 * rule: (a >> 5) * 2**26 + (b >> 6), over 2**53.
 */
import { describe, expect, it } from 'vitest';
import { correctlyRoundedLog, RandomState, random } from '../../../lib/core/random';
import { correctlyRoundedLog as logFromItsModule } from '../../../lib/core/random/log';

const sample = (a: number, b: number) => ((a >>> 5) * 2 ** 26 + (b >>> 6)) / 2 ** 53;

describe('random', () => {
  it('is one shared RandomState whose seed() makes rand() reproducible as np.random', () => {
    expect(random).toBeInstanceOf(RandomState);
    random.seed(5489);
    expect(random.rand()).toBe(sample(3499211612, 581869302));
    expect(random.rand()).toBe(sample(3890346734, 3586334585));
    random.seed(5489);
    expect(random.rand()).toBe(sample(3499211612, 581869302));
  });

  it('draws the same as a RandomState of its own with the same seed', () => {
    random.seed(231);
    const own = new RandomState(231);
    expect(Array.from(random.randn(4, 3).data)).toEqual(Array.from(own.randn(4, 3).data));
  });

  it('re-exports the correctly rounded logarithm of ./log', () => {
    expect(correctlyRoundedLog).toBe(logFromItsModule);
    expect(correctlyRoundedLog(1)).toBe(0);
  });
});
