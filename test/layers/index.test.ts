/** lib/layers/index.ts: the course's layers.py in one import, each name from its own file. */
import { describe, expect, it } from 'vitest';
import * as layers from '../../lib/layers';
import * as affine from '../../lib/layers/affine';
import * as convolution from '../../lib/layers/convolution';
import * as dropout from '../../lib/layers/dropout';
import * as losses from '../../lib/layers/losses';
import * as normalization from '../../lib/layers/normalization';
import * as pooling from '../../lib/layers/pooling';
import * as relu from '../../lib/layers/relu';
import * as spatialNormalization from '../../lib/layers/spatialNormalization';

describe('lib/layers', () => {
  it('re-exports every layer function of each layer file, and nothing else', () => {
    const files = {
      affine,
      convolution,
      dropout,
      losses,
      normalization,
      pooling,
      relu,
      spatialNormalization,
    };
    const expected = new Map<string, unknown>();
    for (const [file, module] of Object.entries(files)) {
      for (const [name, value] of Object.entries(module)) {
        // argument checks shared with the fast layers (lib/fastLayers.ts) are not layers
        if (name.startsWith('check')) continue;
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
    expect(Object.keys(convolution).sort()).toEqual([
      'checkConvArguments',
      'convBackwardNaive',
      'convForwardNaive',
    ]);
    expect(Object.keys(pooling).sort()).toEqual([
      'checkPoolArguments',
      'maxPoolBackwardNaive',
      'maxPoolForwardNaive',
    ]);
    expect(Object.keys(spatialNormalization).sort()).toEqual([
      'spatialBatchnormBackward',
      'spatialBatchnormForward',
      'spatialGroupnormBackward',
      'spatialGroupnormForward',
    ]);
    expect(Object.keys(normalization).sort()).toEqual([
      'batchnormBackward',
      'batchnormBackwardAlt',
      'batchnormForward',
      'layernormBackward',
      'layernormForward',
    ]);
  });
});
