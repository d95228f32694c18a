/** lib/training/solverOptions.ts: the Solver's defaults, each option's check, and unknown names. */
import { describe, expect, it } from 'vitest';
import { tensor } from '../../lib/core/tensor';
import { checkSolverOptionNames, resolveSolverOptions } from '../../lib/training/solverOptions';

const X = tensor([250, 3]);

describe('resolveSolverOptions', () => {
  it("fills in the assignment's defaults", () => {
    const o = resolveSolverOptions({}, X);
    expect(o).toMatchObject({
      lrDecay: 1,
      batchSize: 100,
      numEpochs: 10,
      numTrainSamples: 1000,
      numValSamples: null,
      checkpointName: null,
      keepCheckpoints: 2,
      printEvery: 10,
      verbose: true,
      stopOnDivergence: false,
    });
    expect(typeof o.log).toBe('function');
    expect(o.onIteration).toBeUndefined();
  });

  it('keeps what was given, null numTrainSamples meaning the whole training set', () => {
    const log = (_line: string) => {};
    const o = resolveSolverOptions(
      { batchSize: 250, numTrainSamples: null, keepCheckpoints: Number.POSITIVE_INFINITY, log },
      X,
    );
    expect(o.batchSize).toBe(250);
    expect(o.numTrainSamples).toBeNull();
    expect(o.keepCheckpoints).toBe(Number.POSITIVE_INFINITY);
    expect(o.log).toBe(log);
  });

  it('names the option and the value it refuses', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ lrDecay: 0 }, 'Solver: lrDecay must be a positive finite number, got 0'],
      [
        { lrDecay: Number.POSITIVE_INFINITY },
        'Solver: lrDecay must be a positive finite number, got Infinity',
      ],
      [{ numEpochs: 2.5 }, 'Solver: numEpochs must be a positive integer, got 2.5'],
      [{ printEvery: 0 }, 'Solver: printEvery must be a positive integer, got 0'],
      [{ numValSamples: -3 }, 'Solver: numValSamples must be a positive integer or null, got -3'],
      [
        { batchSize: 251 },
        'Solver: batchSize 251 is larger than the training set (data.X_train has shape (250, 3))',
      ],
      [
        { keepCheckpoints: 0 },
        'Solver: keepCheckpoints must be a positive integer or Infinity, got 0',
      ],
      [
        { keepCheckpoints: 1.5 },
        'Solver: keepCheckpoints must be a positive integer or Infinity, got 1.5',
      ],
    ];
    for (const [options, message] of cases) {
      expect(() => resolveSolverOptions(options as never, X), JSON.stringify(options)).toThrow(
        message,
      );
    }
  });
});

describe('checkSolverOptionNames', () => {
  it('accepts every known option', () => {
    expect(() =>
      checkSolverOptionNames({
        updateRule: 'sgd',
        optimConfig: { learningRate: 1e-3 },
        lrDecay: 0.95,
        batchSize: 10,
        numEpochs: 1,
        verbose: false,
        seed: 0,
      } as never),
    ).not.toThrow();
  });

  it('points a learning rate given at the top level to optimConfig', () => {
    expect(() => checkSolverOptionNames({ learning_rate: 1e-3 } as never)).toThrow(
      /Solver: unknown option 'learning_rate' in options.*optimConfig\.learningRate/,
    );
    expect(() => checkSolverOptionNames({ momentum: 0.9 } as never)).toThrow(
      /optimConfig\.momentum/,
    );
    expect(() => checkSolverOptionNames({ bogus: 1 } as never)).toThrow(
      /Solver: unknown option 'bogus' in options .*\(known: updateRule, optimConfig, lrDecay/,
    );
  });
});
