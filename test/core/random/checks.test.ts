/** lib/core/random/checks.ts: what each check accepts, what it returns, and its messages. */
import { describe, expect, it } from 'vitest';
import { checkDims, checkInteger, checkSeedWord, checkSize } from '../../../lib/core/random/checks';

describe('checkSeedWord', () => {
  it('accepts the 32-bit unsigned range and refuses the rest, naming the argument', () => {
    for (const ok of [0, 1, 0xffffffff]) expect(() => checkSeedWord(ok, 'seed')).not.toThrow();
    expect(() => checkSeedWord(2 ** 32, 'seed')).toThrow(
      'RandomState.seed: seed must be an integer between 0 and 2**32 - 1, got 4294967296',
    );
    expect(() => checkSeedWord(-1, 'seed[2]')).toThrow(/seed\[2\] must be an integer .*got -1/);
    expect(() => checkSeedWord(1.5, 'seed')).toThrow(/got 1.5/);
  });
});

describe('checkInteger', () => {
  it('accepts safe integers of any sign and refuses others', () => {
    for (const ok of [0, -7, 2 ** 53 - 1]) expect(() => checkInteger('f', 'low', ok)).not.toThrow();
    expect(() => checkInteger('randint', 'high', 2 ** 53)).toThrow(
      'randint: high must be a (safe) integer, got 9007199254740992',
    );
    expect(() => checkInteger('randint', 'low', '3')).toThrow(
      'randint: low must be a (safe) integer, got 3',
    );
  });
});

describe('checkDims', () => {
  it('returns a copy of non-negative integer dimensions', () => {
    const dims = [2, 0, 3];
    const got = checkDims('rand', dims);
    expect(got).toEqual([2, 0, 3]);
    expect(got).not.toBe(dims);
  });

  it('names the first bad dimension and shows them all', () => {
    expect(() => checkDims('randn', [2, -1, 3])).toThrow(
      'randn: dimension 1 must be a non-negative integer, got -1 (in (2, -1, 3))',
    );
    expect(() => checkDims('rand', [2.5])).toThrow(/rand: dimension 0 .*got 2.5/);
  });
});

describe('checkSize', () => {
  it('takes an integer as a 1-d shape and a shape as a copy', () => {
    expect(checkSize('choice', 4)).toEqual([4]);
    const shape = [2, 3];
    expect(checkSize('choice', shape)).toEqual([2, 3]);
    expect(checkSize('choice', shape)).not.toBe(shape);
    expect(checkSize('choice', [])).toEqual([]);
  });

  it('refuses negative or fractional sizes and non-shapes', () => {
    expect(() => checkSize('choice', -2)).toThrow(
      'choice: size must be a non-negative integer or a shape, got -2',
    );
    expect(() => checkSize('choice', 'big')).toThrow(
      'choice: size must be a non-negative integer or a shape, got string',
    );
    expect(() => checkSize('choice', [2, 1.5])).toThrow(
      /choice: size\[1\] must be a non-negative integer, got 1.5 \(size \(2, 1.5\)\)/,
    );
  });
});
