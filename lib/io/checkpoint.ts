/**
 * Writing and reading training checkpoints: JSON with tensors as base64 float64 bytes, written
 * atomically (a temp file in the same folder, then a rename) so a crash never leaves a torn file.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { contiguousData, isNdArray, type Tensor, tensor } from '../core/tensor';

/** A value a checkpoint can hold: numbers, strings, tensors, null, and arrays/objects of them. */
export type CheckpointValue =
  | number
  | string
  | boolean
  | null
  | Tensor
  | CheckpointValue[]
  | { [key: string]: CheckpointValue };

interface EncodedTensor {
  __tensor__: { shape: number[]; base64: string };
}

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

function decode(value: unknown): CheckpointValue {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('__tensor__' in v) {
      const { shape, base64 } = (v as unknown as EncodedTensor).__tensor__;
      const bytes = Buffer.from(base64, 'base64');
      const data = new Float64Array(bytes.byteLength / 8);
      new Uint8Array(data.buffer).set(bytes);
      return tensor(shape, data);
    }
    if ('__number__' in v) return Number(v.__number__);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return value as CheckpointValue;
}

/**
 * Writes `text` to `path` atomically: a temp file beside it, then a rename, so readers never see a
 * half-written file.
 * @throws naming the path when the folder is missing or not writable
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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
  return decode(parsed) as { [key: string]: CheckpointValue };
}
