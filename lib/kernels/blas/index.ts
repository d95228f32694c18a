/**
 * The `blas` backend: the system BLAS's `cblas_dgemm` (OpenBLAS on Linux, Accelerate on macOS)
 * through the small Node-API addon beside this file (`blas.c`), built at `npm install` when a compiler and a BLAS
 * are present. When the addon is not built the loader returns null and the next backend is used.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ComputeBackend } from '../types';

/** The addon's exports (see blas.c beside this file). */
interface BlasAddon {
  gemm: ComputeBackend['gemm'];
  axpy: ComputeBackend['axpy'];
  dot: ComputeBackend['dot'];
  info(): string;
}

/** Where `npm install` (scripts/build-backends.js) puts the addon, relative to this file. */
export const blasAddonPath = path.resolve(__dirname, 'build', 'Release', 'cs231n_blas.node');

/** Loads the addon, or returns null when it has not been built on this machine. */
export function loadBlasBackend(): ComputeBackend | null {
  if (!fs.existsSync(blasAddonPath)) return null;
  const mod = { exports: {} as BlasAddon };
  process.dlopen(mod, blasAddonPath);
  const addon = mod.exports;
  return { name: 'blas', detail: addon.info(), gemm: addon.gemm, axpy: addon.axpy, dot: addon.dot };
}
