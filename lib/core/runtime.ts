/**
 * The one module that knows which program runs the library, and the two things that differ
 * between them:
 *
 * - where lib/ is on disk (the compute backends' build outputs, the default data folder). Node runs
 *   lib/ as CommonJS (tsx, the tslab kernel's loader) or with `__dirname` provided (vitest); Deno
 *   runs it as ES modules, where there is no `__dirname`, and `import.meta` cannot be written here
 *   because the CommonJS builds reject it, so the folder is read from this module's own stack frame;
 * - the notebook kernel's display channel: the tslab kernel's (`tslab/dist/jupyter`, inside the
 *   kernel process) or the Deno kernel's (`Deno.jupyter.broadcast`).
 *
 * Everything else in lib/ uses Node's APIs (`node:fs`, `process.dlopen`, `worker_threads`), which
 * Deno provides as well.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DisplaySink } from './displaySink';

/** The part of Deno's global the library uses. */
interface DenoGlobal {
  version: { deno: string; typescript: string; v8: string };
  jupyter?: {
    broadcast(
      msgType: string,
      content: Record<string, unknown>,
      extra?: { metadata?: Record<string, unknown>; buffers?: Uint8Array[] },
    ): void | Promise<void>;
  };
}

function denoGlobal(): DenoGlobal | null {
  const deno = (globalThis as { Deno?: DenoGlobal }).Deno;
  return typeof deno?.version?.deno === 'string' ? deno : null;
}

/** `Deno.jupyter`, or null outside `deno jupyter` (where reading it throws). */
function denoJupyter(): NonNullable<DenoGlobal['jupyter']> | null {
  const deno = denoGlobal();
  if (deno === null) return null;
  try {
    return deno.jupyter ?? null;
  } catch {
    return null;
  }
}

/** The program running the library and its version, e.g. `{ name: 'deno', version: '2.9.6' }`. */
export function runtimeInfo(): { name: 'node' | 'deno'; version: string } {
  const deno = denoGlobal();
  return deno === null
    ? { name: 'node', version: process.versions.node }
    : { name: 'deno', version: deno.version.deno };
}

/** This module's folder (lib/core). */
function thisDir(): string {
  if (typeof __dirname === 'string') return __dirname;
  // ES module: the innermost frame of a fresh stack is this function, named by its file URL.
  const frame = /(file:\/\/[^\s()]+?):\d+:\d+/.exec(new Error().stack ?? '');
  if (frame === null) {
    throw new Error('runtime: cannot tell where lib/ is (no __dirname, no file URL in the stack)');
  }
  return path.dirname(fileURLToPath(frame[1]));
}

/** The library's folder, lib/, as an absolute path. */
export const LIB_DIR: string = path.resolve(thisDir(), '..');

/**
 * The display channel of the notebook kernel running this code (tslab's or Deno's), or null
 * outside a kernel.
 */
export function kernelDisplaySink(): DisplaySink | null {
  if ('__tslab__' in globalThis) {
    // Loaded lazily: only inside the tslab kernel, where tslab is the running program.
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: DisplaySink | null };
    return jupyter.lastWriteDisplayData;
  }
  const jupyter = denoJupyter();
  if (jupyter === null) return null;
  // Sent on iopub with the current cell's header (synchronous in Deno 2; a promise in Deno 1).
  return (message, update) => {
    const sent = jupyter.broadcast(update ? 'update_display_data' : 'display_data', {
      ...message,
    });
    if (sent instanceof Promise) sent.catch((err) => console.error(`display: ${String(err)}`));
  };
}
