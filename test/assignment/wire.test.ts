import { describe, expect, it } from 'vitest';
import type { Wire } from '../../tools/assignment/gradingKit';
import { decodeWire, encodeWire, MAX_DEPTH } from '../../tools/assignment/wire';

const roundTrip = (v: Wire): Wire => decodeWire(encodeWire(v), 1 << 20);

describe('wire', () => {
  it('keeps special numbers, typed arrays and nesting', () => {
    const data = new Float64Array([1.5, Number.NaN, -0, Number.POSITIVE_INFINITY, -1e308]);
    const got = roundTrip({
      a: [Number.NaN, -0, 0, Number.NEGATIVE_INFINITY, 3],
      nd: { shape: [5], data },
      s: 'x',
      b: true,
      n: null,
    }) as Record<string, Wire>;
    const a = got.a as number[];
    expect(Number.isNaN(a[0])).toBe(true);
    expect(Object.is(a[1], -0)).toBe(true);
    expect(Object.is(a[2], 0)).toBe(true);
    expect(a[3]).toBe(Number.NEGATIVE_INFINITY);
    const nd = got.nd as { shape: number[]; data: Float64Array };
    expect(nd.data).toBeInstanceOf(Float64Array);
    expect(Array.from(nd.data).map(String)).toEqual(Array.from(data).map(String));
    expect(Object.is(nd.data[2], -0)).toBe(true);
    expect([got.s, got.b, got.n]).toEqual(['x', true, null]);
  });

  it('a subarray crosses as its own elements only', () => {
    const big = new Float64Array([1, 2, 3, 4]);
    expect(Array.from(roundTrip(big.subarray(1, 3)) as Float64Array)).toEqual([2, 3]);
  });

  it('refuses values that are not wire data, naming where', () => {
    expect(() => encodeWire({ f: (() => 1) as unknown as Wire })).toThrow(/value\.f is function/);
    expect(() => encodeWire([new Int32Array(2) as unknown as Wire])).toThrow(
      /value\[0\].*Int32Array/,
    );
    expect(() => encodeWire({ d: new Date(0) as unknown as Wire })).toThrow(/Date/);
  });

  it('__proto__ stays an own key and never sets a prototype', () => {
    const bytes = Buffer.from('{"$obj":{"__proto__":{"$obj":{"polluted":true}}}}');
    const got = decodeWire(bytes, 1000) as Record<string, unknown>;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.keys(got)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses hostile bytes with one line', () => {
    const bad = [
      '{"a":1}',
      '{"$num":"1e3"}',
      '{"$f64":"AAAA"}',
      '{"$f64":"not base64!"}',
      '{"$obj":[1]}',
      '{"$num":"NaN","$f64":""}',
      '{"$eval":"process.exit()"}',
      'nope',
      `${'['.repeat(MAX_DEPTH + 2)}${']'.repeat(MAX_DEPTH + 2)}`,
    ];
    for (const b of bad) {
      let message = '';
      try {
        decodeWire(Buffer.from(b), 1000);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, b).toMatch(/^decodeWire: /);
      expect(message.includes('\n'), b).toBe(false);
    }
  });

  it('refuses an encoding over the limit before parsing it', () => {
    const buf = encodeWire(new Float64Array(100));
    expect(() => decodeWire(buf, buf.length - 1)).toThrow(/over the limit of/);
    expect((decodeWire(buf, buf.length) as Float64Array).length).toBe(100);
  });
});
