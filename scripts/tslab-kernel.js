#!/usr/bin/env node
/**
 * Starts this repository's tslab kernel (the kernelspec that scripts/setup-python.sh registers in
 * .venv points here). Arguments are tslab's own (`kernel --config-path <connection file>`).
 *
 * Two things stock tslab 1.0 cannot do for notebooks/*.ipynb, fixed here before tslab starts:
 *
 * 1. tslab compiles only .ts files under its working directory (its TypeScript rootDir is the
 *    cwd), and Jupyter starts kernels in the notebook's folder, where ../lib is out of reach. The
 *    kernel therefore runs at the repository root: notebooks import the library as './lib'.
 * 2. At run time tslab maps `require('./x')` to its compiled ./x.ts only; a directory import
 *    ('./lib', './kernels' -> index.ts) type-checks but then fails with MODULE_NOT_FOUND. Such a
 *    request is retried as './x/index' through tslab's own require, so the module is the one tslab
 *    compiled (one instance per file, as in plain node).
 */
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const root = path.resolve(__dirname, '..');

// The connection file may be relative to the folder Jupyter started us in: resolve it first.
const args = process.argv.slice(2);
const i = args.indexOf('--config-path');
if (i >= 0 && args[i + 1]) args[i + 1] = path.resolve(args[i + 1]);
process.argv = [process.argv[0], process.argv[1], ...args];
process.chdir(root);

/** The file tslab's top-level require is created for (see tslab/dist/executor.js createRequire). */
const cellRequireAnchor = path.join(root, 'src.js');

function isTsDirectory(dir) {
  return fs.existsSync(path.join(dir, 'index.ts')) || fs.existsSync(path.join(dir, 'index.tsx'));
}

const originalRequire = Module.prototype.require;
Module.prototype.require = function requireWithDirectoryIndex(id) {
  try {
    return originalRequire.call(this, id);
  } catch (err) {
    const relative = typeof id === 'string' && /^\.\.?(\/|$)/.test(id);
    if (!relative || err?.code !== 'MODULE_NOT_FOUND' || typeof this.filename !== 'string') {
      throw err;
    }
    const target = path.resolve(path.dirname(this.filename), id);
    if (!isTsDirectory(target)) throw err;
    const indexId = `${id.replace(/\/+$/, '')}/index`;
    // Cells run with tslab's top-level require (globalThis.__tslab__.require); modules that tslab
    // compiled carry its require as their own `require` property.
    const tslabRequire =
      this.filename === cellRequireAnchor ? globalThis.__tslab__?.require : this.require;
    if (typeof tslabRequire !== 'function') throw err;
    return tslabRequire(indexId);
  }
};

/*
 * 3. Output during long synchronous cells. zeromq 6 sends at most 512 messages synchronously on a
 *    socket, then defers the next send to the event loop; while a cell runs synchronously (a
 *    Solver's train()) the event loop never turns, so the send after that throws "Socket is busy
 *    writing" inside console.log or a display update, and the cell dies with its error message
 *    lost. With sendTimeout 0 zeromq always sends at once (it never waits on such a socket);
 *    a PUB socket never blocks anyway (past its high-water mark it drops), so iopub (tslab's only
 *    Publisher) gets sendTimeout 0.
 */
const zmq = require(
  require.resolve('zeromq', { paths: [path.join(root, 'node_modules', 'tslab')] }),
);
const publisherSend = zmq.Publisher.prototype.send;
// Socket.prototype.send is read-only, so a plain assignment would be ignored: define it.
Object.defineProperty(zmq.Publisher.prototype, 'send', {
  configurable: true,
  writable: true,
  value: function sendWithoutDeferral(...args) {
    if (this.sendTimeout !== 0) this.sendTimeout = 0;
    return publisherSend.apply(this, args);
  },
});

/*
 * 4. Unwritten exercises. In the student version (npm run assignment) the functions a student
 *    writes throw a NotImplementedError ("affineForward is not implemented yet: write it in
 *    lib/layers.ts"). A cell stopped by one prints that sentence as one stderr line and counts as
 *    run, so "Run All" reaches the end and the declarations of the cell stay known to the next
 *    cells; any other error fails the cell as before. tslab runs each cell through
 *    vm.runInThisContext as `(function(exports, require) { ... })(...)` (or an async function when
 *    the cell awaits), so only those calls are wrapped.
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

require(path.join(root, 'node_modules', 'tslab', 'dist', 'main.js')).main();
