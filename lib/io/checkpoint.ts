/**
 * Writing and reading training checkpoints: JSON with tensors as base64 float64 bytes, written
 * atomically (a temp file in the same folder, then a rename) so a crash never leaves a torn file.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { contiguousData, formatShape, isNdArray, type Tensor, tensor } from '../core/tensor';

/** A value a checkpoint can hold: numbers, strings, tensors, null, and arrays/objects of them. */
export type CheckpointValue =
  | number
  | string
  | boolean
  | null
  | Tensor
  | CheckpointValue[]
  | { [key: string]: CheckpointValue };

function encode(value: CheckpointValue): unknown {
  if (isNdArray(value)) {
    const t = value as Tensor;
    const data = contiguousData(t);
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return { __tensor__: { shape: t.shape.slice(), base64: bytes.toString('base64') } };
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { __number__: String(value) };
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value;
}

function decode(value: unknown, where: string): CheckpointValue {
  if (Array.isArray(value)) return value.map((x, i) => decode(x, `${where}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('__tensor__' in v) return decodeTensor(v.__tensor__, where);
    if ('__number__' in v) {
      const n = Number(v.__number__);
      if (!['NaN', 'Infinity', '-Infinity'].includes(String(v.__number__))) {
        throw new Error(`${where} is not a number (${JSON.stringify(v.__number__)})`);
      }
      return n;
    }
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, decode(x, where === '' ? k : `${where}.${k}`)]),
    );
  }
  return value as CheckpointValue;
}

/** A tensor from its JSON form; throws naming `where` when the shape and the bytes disagree. */
function decodeTensor(encoded: unknown, where: string): Tensor {
  const { shape, base64 } = (encoded ?? {}) as { shape?: unknown; base64?: unknown };
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0) ||
    typeof base64 !== 'string'
  ) {
    throw new Error(`${where} is not a tensor (needs an integer shape and base64 data)`);
  }
  const dims = shape as number[];
  const size = dims.reduce((a, d) => a * d, 1);
  const bytes = Buffer.from(base64, 'base64');
  if (!Number.isSafeInteger(size) || bytes.byteLength !== size * 8) {
    throw new Error(
      `${where} has ${bytes.byteLength} bytes of data, but its shape ${formatShape(dims)} needs ${size * 8}`,
    );
  }
  const data = new Float64Array(size);
  new Uint8Array(data.buffer).set(bytes);
  return tensor(dims, data);
}

/** The end of a temp file name of {@link writeFileAtomic}: `.<target name>.<12 hex digits>.tmp`. */
export const TEMP_SUFFIX = /\.[0-9a-f]{12}\.tmp$/;

/**
 * Writes `text` to `path` atomically: a temp file beside it, then a rename, so readers never see a
 * half-written file.
 * @throws naming the path when the folder is missing or not writable
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // (the temp name's pattern is TEMP_SUFFIX: stale ones are recognised by it)
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`writeFileAtomic: cannot write ${path}: ${(err as Error).message}`);
  }
}

/**
 * Writes `state` to `path` atomically (see {@link writeFileAtomic}).
 * @throws naming the path when the folder is missing or not writable
 */
export function saveCheckpoint(path: string, state: { [key: string]: CheckpointValue }): void {
  writeFileAtomic(path, JSON.stringify(encode(state)));
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}.
 * @throws naming the path when it is missing or not a checkpoint
 */
export function loadCheckpoint(path: string): { [key: string]: CheckpointValue } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`loadCheckpoint: cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`loadCheckpoint: ${path} is not a checkpoint (not valid JSON)`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`loadCheckpoint: ${path} is not a checkpoint (expected a JSON object)`);
  }
  try {
    return decode(parsed, '') as { [key: string]: CheckpointValue };
  } catch (err) {
    throw new Error(`loadCheckpoint: ${path} is damaged: ${(err as Error).message}`);
  }
}
