/**
 * The `blas` backend: the system BLAS's `cblas_dgemm` (OpenBLAS on Linux, Accelerate on macOS)
 * through the small Node-API addon beside this file (`blas.c`), built at `npm install` when a compiler and a BLAS
 * are present. When the addon is not built the loader returns null and the next backend is used.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkGemmArgs, checkVectorArgs } from '../checks';
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

/**
 * Loads the addon, or returns null when it has not been built on this machine.
 * @param addonPath where the addon is (the build's output by default)
 * @throws the loader's own error (e.g. a missing libopenblas) when the file is there but does not load
 */
export function loadBlasBackend(addonPath: string = blasAddonPath): ComputeBackend | null {
  if (!fs.existsSync(addonPath)) return null;
  const mod = { exports: {} as BlasAddon };
  process.dlopen(mod, addonPath);
  const addon = mod.exports;
  // The same argument checks as the other backends (and the same messages); blas.c checks again.
  return {
    name: 'blas',
    detail: addon.info(),
    gemm(...args) {
      checkGemmArgs('blas', args);
      addon.gemm(...args);
    },
    axpy(...args) {
      checkVectorArgs('blas', 'axpy', args);
      addon.axpy(...args);
    },
    dot(...args) {
      checkVectorArgs('blas', 'dot', args);
      return addon.dot(...args);
    },
  };
}
