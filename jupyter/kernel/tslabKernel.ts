/**
 * Starts this repository's tslab kernel. The kernelspec that scripts/setup-python.sh registers in
 * .venv runs it as `node --max-semi-space-size=64 --require <tsx's CommonJS hook>
 * jupyter/kernel/tslabKernel.ts kernel --config-path <connection file>` (jupyter/kernel/kernelspec.ts).
 *
 * What stock tslab 1.0 does not do for the notebooks, set up here before tslab starts:
 *
 * 1. Working directory. tslab compiles only .ts files under its working directory (its TypeScript
 *    rootDir is the cwd), and Jupyter starts kernels in the notebook's folder, where ../lib is out
 *    of reach. The kernel therefore runs at the repository root: notebooks import './lib'.
 * 2. Source maps (process.setSourceMapsEnabled), so errors in lib/ name lib/*.ts lines.
 * 3. The patches of tslab and zeromq listed in jupyter/kernel/patches.ts (each with what it
 *    replaces, what it changes and why): the type checker sees edits before each cell, cells run
 *    with our executor (autoreload of lib/, live imports, declarations that survive interrupts,
 *    one-line messages, our frames only, NotImplementedError cells in the student version),
 *    iopub keeps every message, stream output in few messages and long output shortened,
 *    stop_on_error respected, execute_input with each count.
 * 4. Garbage collection: node runs with --max-semi-space-size=64 (the kernelspec's flag; why, with
 *    measurements, in jupyter/kernel/kernelspec.ts), so training in the kernel does not run a full
 *    collection every few steps; on Node 24 and later also V8's
 *    --external-memory-accounted-in-global-limit (below).
 */

import * as path from 'node:path';
import * as v8 from 'node:v8';
import { kernelArgs } from './kernelArgs';
import { applyPatches } from './patches';
import { tslabAt } from './tslab';

const root = path.resolve(__dirname, '..', '..');

// The connection file may be relative to the folder Jupyter started us in: resolved before chdir.
process.argv = [process.argv[0], process.argv[1], ...kernelArgs(process.argv.slice(2))];
process.chdir(root);
process.setSourceMapsEnabled(true);

// Node 24 and later: V8 there also starts a full collection each time the ArrayBuffer memory
// allocated since the last one passes a fixed step ("external memory pressure"), which the dropped
// gradients reach every few training steps, young or not. Counted in V8's global heap limit
// instead (the flag exists from V8 13, Node 24), they are left to the scavenges again (the kernel
// GC test counted 42 full collections over 800 steps on Node 26 without it, 0 with it).
if (Number(process.versions.node.split('.')[0]) >= 24) {
  v8.setFlagsFromString('--external-memory-accounted-in-global-limit');
}

const tslab = tslabAt(root);
applyPatches({ root, tslab });
tslab.main().main();
