/** lib/layers/index.ts: the course's layers.py in one import, each name from its own file. */
import { describe, expect, it } from 'vitest';
import * as layers from '../../lib/layers';
import * as affine from '../../lib/layers/affine';
import * as dropout from '../../lib/layers/dropout';
import * as losses from '../../lib/layers/losses';
import * as normalization from '../../lib/layers/normalization';
import * as relu from '../../lib/layers/relu';

describe('lib/layers', () => {
  it('re-exports every function of each layer file, and nothing else', () => {
    const files = { affine, dropout, losses, normalization, relu };
    const expected = new Map<string, unknown>();
    for (const [file, module] of Object.entries(files)) {
      for (const [name, value] of Object.entries(module)) {
        expect(expected.has(name), `${name} in ${file} and another file`).toBe(false);
        expected.set(name, value);
      }
    }
    const exported = new Map<string, unknown>(Object.entries(layers));
    expect([...exported.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, value] of expected) expect(exported.get(name), name).toBe(value);
  });

  it('holds the forward and backward passes of the course layers, one concern per file', () => {
    expect(Object.keys(affine).sort()).toEqual(['affineBackward', 'affineForward']);
    expect(Object.keys(relu).sort()).toEqual(['reluBackward', 'reluForward']);
    expect(Object.keys(losses).sort()).toEqual(['softmaxLoss', 'svmLoss']);
    expect(Object.keys(dropout).sort()).toEqual(['dropoutBackward', 'dropoutForward']);
    expect(Object.keys(normalization).sort()).toEqual([
      'batchnormBackward',
      'batchnormBackwardAlt',
      'batchnormForward',
      'layernormBackward',
      'layernormForward',
    ]);
  });
});
