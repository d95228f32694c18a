/** The training clock (lib/notebook/trainingClock.ts) behind the live view's timings. */
import { describe, expect, it } from 'vitest';
import { TrainingClock } from '../../lib/notebook/trainingClock';

describe('TrainingClock', () => {
  it('gives no estimate before the first check and a short measurement, then one that holds', () => {
    const clock = new TrainingClock({ minMs: 1000, minIterations: 5 });
    // iteration 1 at t = 0, then the first accuracy check takes 3 s (warm-up)
    clock.iteration(1, 0);
    clock.check(3000);
    expect(clock.msLeft(1, 1000, 10, 3000)).toBeNaN();
    // then 10 ms per iteration and an accuracy check of 200 ms every 100 iterations
    let t = 3000;
    const estimates: number[] = [];
    for (let k = 2; k <= 1000; k++) {
      t += 10;
      clock.iteration(k, t);
      if (k % 100 === 0) {
        t += 200;
        clock.check(t);
      }
      const left = clock.msLeft(k, 1000, 10 - Math.floor(k / 100), t);
      if (k < 100)
        expect(left).toBeNaN(); // less than 1 s measured since iteration 2
      else estimates.push(left + t);
    }
    // Predicted end times all lie within 5% of the real one (t at the end), from the first on.
    for (const end of estimates) expect(Math.abs(end - t) / t).toBeLessThan(0.05);
  });

  it('rejects bad options', () => {
    expect(() => new TrainingClock({ minIterations: 0 })).toThrow(
      /TrainingClock: minMs must be >= 0 and minIterations >= 1, got 1000 and 0/,
    );
  });
});
