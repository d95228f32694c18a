/** The error a student-version stub throws (lib/core/notImplemented.ts). */
import { describe, expect, it } from 'vitest';
import { isNotImplementedError, NotImplementedError } from '../../lib/core/notImplemented';

describe('NotImplementedError', () => {
  it('says what to write and where, in its message and in a one-line stack', () => {
    const e = new NotImplementedError('reluForward', 'lib/layers/relu.ts');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('NotImplementedError');
    expect(e.what).toBe('reluForward');
    expect(e.file).toBe('lib/layers/relu.ts');
    expect(e.message).toBe('reluForward is not implemented yet: write it in lib/layers/relu.ts');
    expect(e.stack).toBe(`NotImplementedError: ${e.message}`);
    expect(e.stack?.split('\n')).toHaveLength(1);
  });

  it('is recognised by name, also when made by another copy of the module', () => {
    expect(isNotImplementedError(new NotImplementedError('a', 'b'))).toBe(true);
    const foreign = new Error('x is not implemented yet: write it in y');
    foreign.name = 'NotImplementedError';
    expect(isNotImplementedError(foreign)).toBe(true);
    expect(isNotImplementedError(new Error('other'))).toBe(false);
    expect(isNotImplementedError({ name: 'NotImplementedError' })).toBe(false);
    expect(isNotImplementedError('NotImplementedError')).toBe(false);
  });
});
