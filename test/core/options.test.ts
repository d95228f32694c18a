/** Option checks (lib/core/options.ts): unknown keys named, with the closest known name. */
import { describe, expect, it } from 'vitest';
import { checkOptions, closestName } from '../../lib/core/options';

describe('checkOptions / closestName', () => {
  it('suggests by snake_case, prefix and edit distance, and nothing when nothing is close', () => {
    const known = ['numTraining', 'numValidation', 'numTest'];
    expect(closestName('num_test', known)).toBe('numTest');
    expect(closestName('numVal', known)).toBe('numValidation');
    expect(closestName('numTests', known)).toBe('numTest');
    expect(closestName('num', known)).toBeUndefined(); // the start of all three
    expect(closestName('colour', known)).toBeUndefined();
  });

  it('accepts undefined and every known key', () => {
    expect(() => checkOptions('f', 'options', undefined, ['a'])).not.toThrow();
    expect(() => checkOptions('f', 'options', { a: 1 }, ['a'])).not.toThrow();
    expect(() => checkOptions('f', 'options', null, ['a'])).toThrow(
      'f: options must be an object, got null',
    );
  });
});
