/**
 * How tensors, models and the Solver print in a notebook: as their shapes and settings, never as
 * the contents of their typed arrays (a Solver holds the training set: printed as Node or Deno
 * inspect objects, it was 150 million numbers long, cut to a few pages by the inspector).
 *
 * Both kernels print a cell's value through an inspector that calls a method keyed by
 * `Symbol.for('nodejs.util.inspect.custom')` when the object has one: tslab prints with Node's
 * util.inspect, and Deno's console (Deno 2.9 has no `Deno.customInspect` any more) honours the
 * same symbol. Classes here define that method; scijs ndarray views get it on the prototypes of
 * their generated classes ({@link installTensorInspect}), so a tensor stays the object ndarray
 * made and nothing is added to it.
 */
import ndarray, { type NdArray } from 'ndarray';
import { formatShape, isNdArray, shapeSize } from './tensor';

/** The key of the method the inspectors of Node (util.inspect) and Deno call to print a value. */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** Tensors of at most this many elements print their values as well as their shape. */
export const MAX_PRINTED_ELEMENTS = 24;

/** The element types of ndarray views that get the short printing (the dtypes ndarray names). */
const TYPED_ARRAYS = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  uint8: Uint8Array,
  uint8_clamped: Uint8ClampedArray,
} as const;

/** Views of up to this many dimensions get the short printing (ndarray makes a class per rank). */
export const MAX_INSPECTED_RANK = 8;

/**
 * One line for an ndarray view: `ndarray float64 (50000, 3072)`, with its values (nested as its
 * shape) when it has at most {@link MAX_PRINTED_ELEMENTS} elements: `ndarray float64 (2,) [1, 2]`.
 *
 * @param x any scijs ndarray, of any dtype and rank, strided or not
 */
export function describeTensor(x: NdArray): string {
  const head = `ndarray ${x.dtype} ${formatShape(x.shape)}`;
  if (shapeSize(x.shape) > MAX_PRINTED_ELEMENTS) return head;
  return `${head} ${nestedValues(x, 0, x.offset)}`;
}

function nestedValues(x: NdArray, axis: number, at: number): string {
  if (axis === x.shape.length) return String((x.data as ArrayLike<unknown>)[at]);
  const parts: string[] = [];
  for (let i = 0; i < x.shape[axis]; i++) {
    parts.push(nestedValues(x, axis + 1, at + i * x.stride[axis]));
  }
  return `[${parts.join(', ')}]`;
}

/**
 * One short text for a field of a printed object: numbers, strings, booleans and null as
 * written, tensors as {@link describeTensor}, typed arrays as their type and length, functions
 * by name, objects with their own short printing through it, and plain objects and arrays of
 * these (arrays longer than 6 as their length and last element).
 */
export function shortValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'function') return `[Function: ${value.name || 'anonymous'}]`;
  if (typeof value !== 'object') return String(value);
  if (isNdArray(value)) return describeTensor(value);
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as ArrayLike<unknown>).length;
    return `${value.constructor.name}(${length ?? value.byteLength})`;
  }
  const own = (value as { [inspectCustom]?: () => unknown })[inspectCustom];
  if (typeof own === 'function') return String(own.call(value));
  if (Array.isArray(value)) {
    if (value.length > 6) {
      return `[${value.length} items, last ${shortValue(value[value.length - 1])}]`;
    }
    return `[${value.map(shortValue).join(', ')}]`;
  }
  return shortObject('', value as Record<string, unknown>);
}

/**
 * `Name { a: 1, b: (2, 3) }`: a class name and its fields, each printed by {@link shortValue}.
 *
 * @param name the class name ('' for a plain object)
 * @param fields the fields to show, in order
 */
export function shortObject(name: string, fields: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(fields).map(([k, v]) => `${k}: ${shortValue(v)}`);
  const body = entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  return name ? `${name} ${body}` : body;
}

/**
 * A model's parameters as their shapes: `{ W1: (3072, 50), b1: (50,) }`.
 *
 * @param params named tensors
 */
export function paramShapes(params: Readonly<Record<string, NdArray>>): string {
  const entries = Object.entries(params).map(([k, v]) => `${k}: ${formatShape(v.shape)}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

/** Text that {@link shortValue} prints as it is (not quoted). */
export function asWritten(text: string): { [inspectCustom](): string } {
  return { [inspectCustom]: () => text };
}

/**
 * Gives the class of every ndarray view over the typed arrays above, of rank 0 to
 * {@link MAX_INSPECTED_RANK}, the short printing ({@link describeTensor}). ndarray generates one
 * class per (dtype, rank) the first time it meets one and caches it; making an empty view of the
 * highest rank generates all ranks below, so the method sits on those cached prototypes once and
 * costs a tensor nothing. Runs when this module loads; running it again changes nothing.
 */
export function installTensorInspect(): void {
  const zeros = new Array<number>(MAX_INSPECTED_RANK).fill(0);
  for (const Typed of Object.values(TYPED_ARRAYS)) {
    for (let rank = 0; rank <= MAX_INSPECTED_RANK; rank++) {
      const proto = Object.getPrototypeOf(ndarray(new Typed(0), zeros.slice(0, rank)));
      Object.defineProperty(proto, inspectCustom, {
        configurable: true,
        enumerable: false,
        writable: true,
        value: function inspectTensor(this: NdArray): string {
          return describeTensor(this);
        },
      });
    }
  }
}

installTensorInspect();
