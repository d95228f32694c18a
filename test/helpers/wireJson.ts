/**
 * A minimal codec for the grader's Wire values in tests: JSON in which a Float64Array crosses as
 * `{"$f64": base64 of its bytes}` and a number JSON cannot hold (NaN, +-Infinity, -0) as
 * `{"$num": "NaN" | "Infinity" | "-Infinity" | "-0"}`. Encoding refuses anything that is not plain
 * data (class instances, other typed arrays, functions, undefined, cycles), so a test that passes
 * a part's result through it proves that nothing but plain data crossed.
 */
import type { Wire } from '../../tools/assignment/gradingKit';

function tagNumber(v: number): Wire {
  if (Number.isNaN(v)) return { $num: 'NaN' };
  if (v === Number.POSITIVE_INFINITY) return { $num: 'Infinity' };
  if (v === Number.NEGATIVE_INFINITY) return { $num: '-Infinity' };
  if (Object.is(v, -0)) return { $num: '-0' };
  return v;
}

function plain(v: unknown, where: string, seen: Set<object>): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return tagNumber(v);
  if (v instanceof Float64Array) {
    return { $f64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  }
  if (typeof v !== 'object') throw new TypeError(`wireJson: ${where} is a ${typeof v}`);
  if (seen.has(v)) throw new TypeError(`wireJson: ${where} is a cycle`);
  seen.add(v);
  try {
    if (Array.isArray(v)) return v.map((x, i) => plain(x, `${where}[${i}]`, seen));
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`wireJson: ${where} is not a plain object or Float64Array`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '$f64' || k === '$num') throw new TypeError(`wireJson: ${where} uses key ${k}`);
      out[k] = plain(x, `${where}.${k}`, seen);
    }
    return out;
  } finally {
    seen.delete(v);
  }
}

/** Encodes plain data as one line of JSON. @throws TypeError naming the first value that is not plain */
export function encodeWireJson(value: unknown): string {
  return JSON.stringify(plain(value, 'value', new Set()));
}

/** Decodes what {@link encodeWireJson} wrote. */
export function decodeWireJson(text: string): Wire {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && typeof o.$f64 === 'string') {
        const bytes = Buffer.from(o.$f64, 'base64');
        const copy = new Uint8Array(bytes.length);
        copy.set(bytes);
        return new Float64Array(copy.buffer);
      }
      if (keys.length === 1 && typeof o.$num === 'string') {
        return o.$num === '-0' ? -0 : Number(o.$num);
      }
    }
    return v;
  }) as Wire;
}
