/**
 * Starts this repository's tslab kernel. The kernelspec that scripts/setup-python.sh registers in
 * .venv runs it as `node --max-semi-space-size=64 --require <tsx's CommonJS hook>
 * scripts/tslab-kernel.ts kernel --config-path <connection file>` (scripts/kernel/kernelspec.ts).
 *
 * What stock tslab 1.0 does not do for notebooks/*.ipynb, set up here before tslab starts:
 *
 * 1. Working directory. tslab compiles only .ts files under its working directory (its TypeScript
 *    rootDir is the cwd), and Jupyter starts kernels in the notebook's folder, where ../lib is out
 *    of reach. The kernel therefore runs at the repository root: notebooks import './lib'.
 * 2. Source maps (process.setSourceMapsEnabled), so errors in lib/ name lib/*.ts lines.
 * 3. The patches of tslab and zeromq listed in scripts/kernel/patches.ts (each with what it
 *    replaces, what it changes and why): the type checker sees edits before each cell, cells run
 *    with our executor (autoreload of lib/, live imports, declarations that survive interrupts,
 *    one-line messages, our frames only, NotImplementedError cells in the student version),
 *    iopub keeps every message, stream output in few messages and long output shortened,
 *    stop_on_error respected, execute_input with each count.
 * 4. Garbage collection: node runs with --max-semi-space-size=64 (the kernelspec's flag; why, with
 *    measurements, in scripts/kernel/kernelspec.ts), so training in the kernel does not run a full
 *    collection every few steps.
 */
import * as path from 'node:path';
import { kernelArgs } from './kernel/kernelArgs';
import { applyPatches } from './kernel/patches';
import { tslabAt } from './kernel/tslab';

const root = path.resolve(__dirname, '..');

// The connection file may be relative to the folder Jupyter started us in: resolved before chdir.
process.argv = [process.argv[0], process.argv[1], ...kernelArgs(process.argv.slice(2))];
process.chdir(root);
process.setSourceMapsEnabled(true);

const tslab = tslabAt(root);
applyPatches({ root, tslab });
tslab.main().main();
