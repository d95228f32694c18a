#!/usr/bin/env node
/**
 * Builds the optional compute backends; run by `npm install` (the "install" script) and by
 * `npm run build:wasm` / `npm run build:native`. It never fails the install: a backend that cannot
 * be built is reported in one line and the library falls back to the next one (blas -> wasm -> js).
 *
 *   node scripts/build-backends.js            both backends
 *   node scripts/build-backends.js --wasm     only lib/kernels/wasm/build/gemm.wasm (AssemblyScript)
 *   node scripts/build-backends.js --native   only lib/kernels/blas/build/Release/cs231n_blas.node (node-gyp)
 *
 * Nothing is downloaded: node-gyp is pointed at the headers of the running Node (`--nodedir`).
 * Exit code is 0 unless `--strict` is given (then a failed build exits 1).
 */

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const strict = args.includes('--strict');
const only = args.filter((a) => a === '--wasm' || a === '--native');
const want = (name) => only.length === 0 || only.includes(`--${name}`);

/** Resolves a file inside an installed package, or null when the package is not installed. */
function resolvePackageFile(request) {
  try {
    return require.resolve(request, { paths: [root] });
  } catch {
    return null;
  }
}

/** Runs `node file ...args` in the project root; returns { ok, output }. */
function runNode(file, fileArgs) {
  const r = spawnSync(process.execPath, [file, ...fileArgs], { cwd: root, encoding: 'utf8' });
  const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  return { ok: r.status === 0, output };
}

/** The most telling line of a failed build's output. */
function reason(output) {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = [
    /cblas\.h.*No such file/i,
    /cannot find -l\S+/i,
    /not found: (make|c\+\+|cc|g\+\+|gcc)/i,
    /could not find any Python/i,
    /error:/i,
    /ERR!/,
  ];
  for (const re of telling) {
    const hit = lines.find((l) => re.test(l));
    if (hit) return hit.replace(/^gyp ERR! /, '').slice(0, 200);
  }
  return (lines[lines.length - 1] ?? 'unknown error').slice(0, 200);
}

function buildWasm() {
  const asc = resolvePackageFile('assemblyscript/bin/asc.js');
  if (asc === null) {
    return 'wasm backend not built: the assemblyscript package is not installed (npm install)';
  }
  const outDir = path.join(root, 'lib', 'kernels', 'wasm', 'build');
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, 'gemm.wasm');
  const tmp = path.join(outDir, `gemm.${process.pid}.tmp.wasm`);
  const r = runNode(asc, [
    'lib/kernels/wasm/assembly/gemm.ts',
    '--outFile',
    tmp,
    '-O3',
    '--noAssert',
    '--runtime',
    'stub',
    '--importMemory',
    '--noExportMemory',
    '--sharedMemory',
    '--initialMemory',
    '1',
    '--maximumMemory',
    '65536',
    '--enable',
    'simd',
    '--enable',
    'threads',
  ]);
  if (!r.ok || !fs.existsSync(tmp)) {
    fs.rmSync(tmp, { force: true });
    return `wasm backend not built: ${reason(r.output)}`;
  }
  fs.renameSync(tmp, out);
  return null;
}

function buildNative() {
  const gyp = resolvePackageFile('node-gyp/bin/node-gyp.js');
  if (gyp === null) {
    return 'blas backend not built: the node-gyp package is not installed (npm install)';
  }
  // The running Node's own headers: <prefix>/include/node next to <prefix>/bin/node.
  const nodedir = path.resolve(path.dirname(process.execPath), '..');
  if (!fs.existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) {
    return `blas backend not built: no Node headers in ${path.join(nodedir, 'include', 'node')}`;
  }
  const r = runNode(gyp, ['rebuild', '--directory', 'lib/kernels/blas', `--nodedir=${nodedir}`]);
  if (!r.ok) {
    const why = reason(r.output);
    const hint = /cblas|openblas|-lopenblas/i.test(why)
      ? ' (install a BLAS: apt-get install libopenblas-dev)'
      : '';
    return `blas backend not built: ${why}${hint}`;
  }
  return null;
}

let failed = false;
const steps = [
  ['wasm', buildWasm, 'lib/kernels/wasm/build/gemm.wasm'],
  ['native', buildNative, 'lib/kernels/blas/build/Release/cs231n_blas.node'],
];
for (const [name, build, product] of steps) {
  if (!want(name)) continue;
  let message;
  try {
    message = build();
  } catch (e) {
    message = `${name} backend not built: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (message === null) console.log(`build-backends: built ${product}`);
  else {
    failed = true;
    console.log(`build-backends: ${message}; the library uses the next backend`);
  }
}
process.exitCode = strict && failed ? 1 : 0;
