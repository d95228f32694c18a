/**
 * The format of what crosses from a part's sandbox to the grader (a {@link Wire} value): JSON in
 * which a Float64Array is `{"$f64": base64 of its bytes}`, a number JSON cannot hold (NaN,
 * +-Infinity, -0) is `{"$num": "NaN"}`, and a plain object is `{"$obj": {...}}`, so that every
 * JSON object of the encoding has exactly one of these three keys and nothing is ambiguous.
 *
 * Decoding hostile bytes is safe: it is JSON.parse in the grader's process (nothing runs), then a
 * walk that accepts only the shapes above, builds only arrays, plain objects (keys as own data
 * properties, `__proto__` included, never a prototype) and Float64Arrays, and refuses anything
 * over the size limit, nested deeper than {@link MAX_DEPTH}, or malformed, with one line.
 */
import type { Wire } from './gradingKit';

/** The deepest nesting of arrays and objects a wire value may have. */
export const MAX_DEPTH = 64;

/** A value that is not wire data, or bytes that are not a wire encoding. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function numberTag(n: number): string | null {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return 'Infinity';
  if (n === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (n === 0 && 1 / n < 0) return '-0';
  return null;
}

function toJson(v: unknown, at: string, depth: number): unknown {
  if (depth > MAX_DEPTH)
    throw new WireError(`encodeWire: ${at} is nested deeper than ${MAX_DEPTH}`);
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    const tag = numberTag(v);
    return tag === null ? v : { $num: tag };
  }
  if (v instanceof Float64Array) {
    return { $f64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  }
  if (Array.isArray(v)) return v.map((x, i) => toJson(x, `${at}[${i}]`, depth + 1));
  if (typeof v === 'object' && isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const x = toJson((v as Record<string, unknown>)[k], `${at}.${k}`, depth + 1);
      Object.defineProperty(out, k, {
        value: x,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { $obj: out };
  }
  const what =
    typeof v === 'object'
      ? `an object (${(v as object).constructor?.name ?? 'no class'})`
      : typeof v;
  throw new WireError(
    `encodeWire: ${at} is ${what}, not wire data (null, boolean, number, string, Float64Array, arrays and plain objects)`,
  );
}

/**
 * Encodes a wire value.
 * @throws WireError naming the first value that is not wire data (a function, undefined, a class
 *   instance, another typed array)
 */
export function encodeWire(value: Wire): Buffer {
  return Buffer.from(JSON.stringify(toJson(value, 'value', 0)), 'utf8');
}

function fromJson(v: unknown, depth: number): Wire {
  if (depth > MAX_DEPTH) throw new WireError(`nested deeper than ${MAX_DEPTH}`);
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') {
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => fromJson(x, depth + 1));
  const keys = Object.keys(v as object);
  if (keys.length !== 1)
    throw new WireError(`an object with keys (${keys.slice(0, 3).join(', ')}), not one tag`);
  const tagged = (v as Record<string, unknown>)[keys[0]];
  switch (keys[0]) {
    case '$num': {
      const n = {
        NaN: Number.NaN,
        Infinity: Number.POSITIVE_INFINITY,
        '-Infinity': Number.NEGATIVE_INFINITY,
        '-0': -0,
      }[String(tagged)];
      if (typeof tagged !== 'string' || n === undefined) throw new WireError(`a bad $num tag`);
      return n;
    }
    case '$f64': {
      if (typeof tagged !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(tagged)) {
        throw new WireError('a $f64 that is not base64');
      }
      const bytes = Buffer.from(tagged, 'base64');
      if (bytes.length % 8 !== 0)
        throw new WireError(`a $f64 of ${bytes.length} bytes, not a multiple of 8`);
      const out = new Float64Array(bytes.length / 8);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    }
    case '$obj': {
      if (tagged === null || typeof tagged !== 'object' || Array.isArray(tagged)) {
        throw new WireError('a $obj that is not an object');
      }
      const out: { [k: string]: Wire } = {};
      for (const k of Object.keys(tagged)) {
        const x = fromJson((tagged as Record<string, unknown>)[k], depth + 1);
        Object.defineProperty(out, k, {
          value: x,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      throw new WireError(`an unknown tag ${JSON.stringify(keys[0].slice(0, 20))}`);
  }
}

/**
 * Decodes a wire value from bytes that may be hostile.
 * @param buf the encoding
 * @param limitBytes the largest encoding accepted
 * @throws WireError (one line) when `buf` is over the limit, not JSON, or not a wire encoding
 */
export function decodeWire(buf: Uint8Array, limitBytes: number): Wire {
  if (!(limitBytes >= 0))
    throw new WireError(`decodeWire: limitBytes must be >= 0, got ${limitBytes}`);
  if (buf.length > limitBytes) {
    throw new WireError(`decodeWire: ${buf.length} bytes, over the limit of ${limitBytes}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.length).toString('utf8'));
  } catch (e) {
    throw new WireError(
      `decodeWire: not JSON (${(e as Error).message.split('\n')[0].slice(0, 120)})`,
    );
  }
  try {
    return fromJson(parsed, 0);
  } catch (e) {
    if (e instanceof RangeError) throw new WireError('decodeWire: nested too deeply');
    throw new WireError(`decodeWire: not a wire encoding: ${(e as Error).message}`);
  }
}
