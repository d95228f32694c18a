/**
 * lib/backends/types.ts holds types only: their shape as the rest of lib/ relies on it, checked
 * by the type checker (expectTypeOf) with a run-time check that the js backend and the geometry
 * lib/im2col.ts builds fill them in.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { activeBackend, availableBackends } from '../../lib/backends';
import { jsBackend } from '../../lib/backends/js';
import type { BackendName, ComputeBackend, WindowGeometry } from '../../lib/backends/types';
import { windowGeometry } from '../../lib/im2col';

describe('BackendName', () => {
  it('is the three backends the selection knows', () => {
    expectTypeOf<BackendName>().toEqualTypeOf<'blas' | 'wasm' | 'js'>();
    expectTypeOf(availableBackends).returns.toEqualTypeOf<BackendName[]>();
    expect(['blas', 'wasm', 'js']).toEqual(expect.arrayContaining(availableBackends()));
  });
});

describe('ComputeBackend', () => {
  it('has the BLAS-like operations with the argument lists the backends implement', () => {
    expectTypeOf<ComputeBackend['name']>().toEqualTypeOf<BackendName>();
    expectTypeOf<ComputeBackend['detail']>().toEqualTypeOf<string>();
    expectTypeOf<ComputeBackend['gemm']>().parameters.toEqualTypeOf<
      [
        boolean,
        boolean,
        number,
        number,
        number,
        number,
        Float64Array,
        Float64Array,
        number,
        Float64Array,
      ]
    >();
    expectTypeOf<ComputeBackend['gemm']>().returns.toBeVoid();
    expectTypeOf<ComputeBackend['axpy']>().parameters.toEqualTypeOf<
      [number, Float64Array, Float64Array]
    >();
    expectTypeOf<ComputeBackend['dot']>().toEqualTypeOf<
      (x: Float64Array, y: Float64Array) => number
    >();
    expectTypeOf<ComputeBackend['gatherRows']>().parameters.toEqualTypeOf<
      [Float64Array, number, Int32Array, Float64Array]
    >();
    expectTypeOf<ComputeBackend['im2colImage']>().parameters.toEqualTypeOf<
      [Float64Array, number, WindowGeometry, Float64Array, number, number]
    >();
    expectTypeOf<ComputeBackend['col2imImage']>().parameters.toEqualTypeOf<
      [Float64Array, number, number, WindowGeometry, Float64Array, number]
    >();
    expectTypeOf(activeBackend).returns.toEqualTypeOf<ComputeBackend>();
  });

  it('is what the js backend provides, every operation a function', () => {
    expectTypeOf(jsBackend).toEqualTypeOf<ComputeBackend>();
    const operations = ['gemm', 'axpy', 'dot', 'gatherRows', 'im2colImage', 'col2imImage'];
    for (const op of operations) {
      expect(typeof (jsBackend as unknown as Record<string, unknown>)[op], op).toBe('function');
    }
  });
});

describe('WindowGeometry', () => {
  it('holds the nine integers of a window, as lib/im2col.ts computes them', () => {
    expectTypeOf<keyof WindowGeometry>().toEqualTypeOf<
      | 'channels'
      | 'height'
      | 'width'
      | 'fieldHeight'
      | 'fieldWidth'
      | 'stride'
      | 'pad'
      | 'outHeight'
      | 'outWidth'
    >();
    expectTypeOf<WindowGeometry[keyof WindowGeometry]>().toEqualTypeOf<number>();
    const g = windowGeometry('test', 'x', [2, 3, 7, 5], 'the field', 3, 3, { stride: 2, pad: 1 });
    expectTypeOf(g).toMatchTypeOf<WindowGeometry>();
    expect(g).toMatchObject({
      channels: 3,
      height: 7,
      width: 5,
      fieldHeight: 3,
      fieldWidth: 3,
      stride: 2,
      pad: 1,
      outHeight: (7 + 2 - 3) / 2 + 1,
      outWidth: (5 + 2 - 3) / 2 + 1,
    });
  });
});
