#!/usr/bin/env -S node --max-semi-space-size=64
/**
 * Starts this repository's tslab kernel (the kernelspec that scripts/setup-python.sh registers in
 * .venv points here). Arguments are tslab's own (`kernel --config-path <connection file>`).
 *
 * What stock tslab 1.0 does not do for notebooks/*.ipynb, set up here before tslab starts:
 *
 * 1. Working directory. tslab compiles only .ts files under its working directory (its TypeScript
 *    rootDir is the cwd), and Jupyter starts kernels in the notebook's folder, where ../lib is out
 *    of reach. The kernel therefore runs at the repository root: notebooks import './lib'.
 * 2. Running lib/ (scripts/kernel/executor.js and moduleLoader.js replace tslab's executor):
 *    directory imports ('./lib' -> lib/index.ts), autoreload of edited lib files before every cell
 *    with imports that follow the reload, declarations that survive an interrupted cell, one-line
 *    messages for interrupts and for cells run before the set-up cell, stack traces that name
 *    lib/*.ts lines (source maps) without Node's and tslab's frames.
 * 3. Edits seen by the type checker. tslab's TypeScript program watches lib files with fs watchers
 *    whose events arrive whenever the event loop gets to them; here those files are checked (size
 *    and mtime) right before each cell instead, so a cell run just after a save is type-checked
 *    against the saved file.
 * 4. Output (scripts/kernel/requests.js). Nothing is dropped past iopub's high-water mark (a cell
 *    printing 20,000 lines lost its last lines and its idle status), stream text is sent in a few
 *    large messages instead of one per line; past 51,000 lines a cell shows its first 50,000 and
 *    last 1,000 lines and says how many are not shown.
 * 5. Execution counts. Each execute request publishes execute_input with its count, as Jupyter's
 *    protocol asks, so clients and nbconvert record In [1], In [2], ...
 * 6. Unwritten exercises (student version): see below.
 * 7. Garbage collection (the flag on the first line). Each training step drops a few MB of
 *    Float64Arrays (the gradients). With V8's default young generation and the kernel's own heap
 *    (about 120 MB: tslab's TypeScript compiler), V8 ran a full mark-compact every ~20 steps, its
 *    marking threads took the core that OpenBLAS's second thread needs, and every training run after
 *    the first took 2.5x as long (measured in this kernel: 2 epochs of hidden 128 took 5.6 s, then
 *    14.3 s per run; with the flag 5.1 to 5.7 s every run). A young generation of up to 64 MB per
 *    semi-space lets the dead arrays go in cheap scavenges (a plain Node process holding a 100 MB
 *    heap: 7 mark-compacts instead of about 160 over three such runs).
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

// The connection file may be relative to the folder Jupyter started us in: resolve it first.
const args = process.argv.slice(2);
const i = args.indexOf('--config-path');
if (i >= 0 && args[i + 1]) args[i + 1] = path.resolve(args[i + 1]);
process.argv = [process.argv[0], process.argv[1], ...args];
process.chdir(root);
process.setSourceMapsEnabled(true);

// 7, Node 24 and later: V8 there also starts a full collection each time the ArrayBuffer memory
// allocated since the last one passes a fixed step ("external memory pressure"), which the dropped
// gradients reach every few training steps, young or not. Counted in V8's global heap limit
// instead (the flag exists from V8 13, Node 24), they are left to the scavenges again.
const v8 = require('node:v8');
if (Number(process.versions.node.split('.')[0]) >= 24) {
  v8.setFlagsFromString('--external-memory-accounted-in-global-limit');
}

const tslabDir = path.join(root, 'node_modules', 'tslab');
const fromTslab = (id) => require(require.resolve(id, { paths: [tslabDir] }));

// 3. The type checker's file watchers, polled before each cell (see above).
const tslabTs = fromTslab('@tslab/typescript-for-tslab');
const polled = new Map(); // path -> { stamp, callbacks }
const stampOf = (file) => {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
};
const realWatchFile = tslabTs.sys.watchFile;
tslabTs.sys.watchFile = (file, callback, interval, options) => {
  const ours = path.resolve(file).startsWith(root + path.sep) && !file.includes('/node_modules/');
  if (!ours) return realWatchFile.call(tslabTs.sys, file, callback, interval, options);
  let entry = polled.get(file);
  if (!entry) {
    entry = { stamp: stampOf(file), callbacks: new Set() };
    polled.set(file, entry);
  }
  entry.callbacks.add(callback);
  return { close: () => entry.callbacks.delete(callback) };
};
function syncWatchedFiles() {
  const changed = [];
  for (const [file, entry] of polled) {
    const stamp = stampOf(file);
    if (stamp === entry.stamp) continue;
    const kind =
      stamp === 'missing'
        ? tslabTs.FileWatcherEventKind.Deleted
        : entry.stamp === 'missing'
          ? tslabTs.FileWatcherEventKind.Created
          : tslabTs.FileWatcherEventKind.Changed;
    entry.stamp = stamp;
    for (const cb of [...entry.callbacks]) cb(file, kind);
    changed.push(file);
  }
  return changed;
}

// 2. Our executor in place of tslab's (main.js looks createExecutor up when the kernel starts).
const { makeCreateExecutor } = require('./kernel/executor');
const tslabExecutor = require(path.join(tslabDir, 'dist', 'executor.js'));
tslabExecutor.createExecutor = makeCreateExecutor({
  ts: require(require.resolve('typescript', { paths: [root] })),
  tslab: () => require(tslabDir),
  syncWatchedFiles,
});

// 4 and 5. Output and execution counts.
const requests = require('./kernel/requests');
requests.unboundedPublisher(fromTslab('zeromq'));
requests.installExecute(require(path.join(tslabDir, 'dist', 'jupyter.js')));

/*
 * 6. Unwritten exercises. In the student version (npm run assignment) the functions a student
 *    writes throw a NotImplementedError ("affineForward is not implemented yet: write it in
 *    lib/layers.ts"). A cell stopped by one prints that sentence as one stderr line and counts as
 *    run, so "Run All" reaches the end and the declarations of the cell stay known to the next
 *    cells; any other error fails the cell as before. Cells run through
 *    vm.runInThisContext as `(function(exports, require) { ... })(...)` (or an async function when
 *    the cell awaits; see scripts/kernel/executor.js), so only those calls are wrapped.
 */
const vm = require('node:vm');
const runInThisContext = vm.runInThisContext;
const isNotImplemented = (e) => e instanceof Error && e.name === 'NotImplementedError';
const reportNotImplemented = (e) => process.stderr.write(`${e.message}\n`);
vm.runInThisContext = function runCell(code, options) {
  const cell =
    typeof code === 'string' && /^\((async )?function\(exports, require\) \{ /.test(code);
  if (!cell) return runInThisContext.call(this, code, options);
  let result;
  try {
    result = runInThisContext.call(this, code, options);
  } catch (e) {
    if (!isNotImplemented(e)) throw e;
    reportNotImplemented(e);
    return undefined;
  }
  if (result && typeof result.then === 'function') {
    return result.catch((e) => {
      if (!isNotImplemented(e)) throw e;
      reportNotImplemented(e);
    });
  }
  return result;
};

require(path.join(tslabDir, 'dist', 'main.js')).main();
