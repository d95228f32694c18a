/**
 * Seeded random numbers that reproduce numpy's legacy `np.random` draw for draw: the MT19937
 * generator (./mt19937), numpy's distributions over it (./randomState) and the correctly rounded
 * logarithm its Gaussian needs (./log).
 */
import { RandomState } from './randomState';

export { correctlyRoundedLog } from './log';
export { RandomState, type RandomStateSnapshot, type Size, type TypedArray } from './randomState';

/**
 * The module-wide default generator, like `np.random`: `random.seed(231); random.randn(10, 5)`.
 * Seeded from operating-system entropy until {@link RandomState.seed} is called.
 */
export const random = new RandomState();
