#!/usr/bin/env node
/**
 * Builds the optional compute backends; run by `npm install` (the "install" script) and by
 * `npm run build:wasm` / `npm run build:native`. It never fails the install: a backend that cannot
 * be built is reported in one line and the library falls back to the next one (blas -> wasm -> js).
 *
 *   node scripts/build-backends.js            both backends
 *   node scripts/build-backends.js --wasm     only lib/backends/wasm/build/gemm.wasm and gemm-relaxed.wasm (AssemblyScript)
 *   node scripts/build-backends.js --native   only lib/backends/blas/build/Release/cs231n_blas.node (node-gyp)
 *
 * Which BLAS the addon links (`--blas=auto|wheel|system`, else the CS231N_BLAS variable, else auto):
 *   wheel   the OpenBLAS of PyPI's scipy-openblas32 wheel in the project's .venv (installed by
 *           scripts/setup-python.sh from requirements-blas.txt); found by path, linked with an
 *           rpath to the wheel's lib folder so the addon finds the shared library at run time
 *   system  the system CBLAS (-lopenblas, e.g. Debian's libopenblas-dev) or Accelerate on macOS
 *   auto    wheel when it is installed, else system
 * `--if-not-wheel` skips the native build when the addon is already linked against the installed
 * wheel, or when no wheel is installed (setup-python.sh runs it after installing the wheel: npm
 * install runs before the venv exists on a fresh clone). `--native-dir DIR` builds the addon
 * sources in DIR instead of lib/backends/blas (the tests build a throwaway copy).
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
const blasArg = args.find((a) => a.startsWith('--blas='));
const blasMode = blasArg ? blasArg.slice('--blas='.length) : process.env.CS231N_BLAS || 'auto';
const ifNotWheel = args.includes('--if-not-wheel');
const dirIndex = args.indexOf('--native-dir');
const nativeDir = path.resolve(
  root,
  dirIndex >= 0 ? args[dirIndex + 1] : path.join('lib', 'backends', 'blas'),
);

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

/** Compiles the AssemblyScript GEMM into `file` (in lib/backends/wasm/build/) with extra features. */
function compileWasm(asc, file, features) {
  const outDir = path.join(root, 'lib', 'backends', 'wasm', 'build');
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, file);
  const tmp = path.join(outDir, `${file}.${process.pid}.tmp`);
  const r = runNode(asc, [
    'lib/backends/wasm/assembly/gemm.ts',
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
    ...features.flatMap((f) => ['--enable', f]),
  ]);
  if (!r.ok || !fs.existsSync(tmp)) {
    fs.rmSync(tmp, { force: true });
    return reason(r.output);
  }
  fs.renameSync(tmp, out);
  return null;
}

/**
 * Two modules from one source: gemm.wasm (SIMD) and gemm-relaxed.wasm (SIMD with relaxed SIMD's
 * fused multiply-add), which the loader uses where the runtime supports it (Node 22 and later).
 */
function buildWasm() {
  const asc = resolvePackageFile('assemblyscript/bin/asc.js');
  if (asc === null) {
    return 'wasm backend not built: the assemblyscript package is not installed (npm install)';
  }
  const plain = compileWasm(asc, 'gemm.wasm', []);
  if (plain !== null) return `wasm backend not built: ${plain}`;
  const relaxed = compileWasm(asc, 'gemm-relaxed.wasm', ['relaxed-simd']);
  if (relaxed !== null) {
    console.log(
      `build-backends: gemm-relaxed.wasm not built (${relaxed}); gemm.wasm serves every runtime`,
    );
  }
  return null;
}

/**
 * The scipy-openblas32 wheel in the project's .venv: { include, libdir }, or null when it is not
 * installed. Found by path (no Python is run): .venv/lib/python3.X/site-packages/scipy_openblas32.
 */
function findWheel() {
  const venv = path.join(root, '.venv');
  const sitePackages = [path.join(venv, 'Lib', 'site-packages')];
  const libDir = path.join(venv, 'lib');
  if (fs.existsSync(libDir)) {
    for (const d of fs.readdirSync(libDir).sort().reverse()) {
      if (d.startsWith('python')) sitePackages.push(path.join(libDir, d, 'site-packages'));
    }
  }
  for (const sp of sitePackages) {
    const pkg = path.join(sp, 'scipy_openblas32');
    const include = path.join(pkg, 'include');
    const libdir = path.join(pkg, 'lib');
    if (!fs.existsSync(path.join(include, 'cblas.h')) || !fs.existsSync(libdir)) continue;
    if (fs.readdirSync(libdir).some((f) => /^libscipy_openblas\.(so|dylib)/.test(f))) {
      return { include, libdir };
    }
  }
  return null;
}

/** Where a build records which BLAS it linked: { blas, libdir }. */
const stampPath = () => path.join(nativeDir, 'build', 'blas-source.json');

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(stampPath(), 'utf8'));
  } catch {
    return null;
  }
}

/** One node-gyp rebuild of the addon against `blas` ('wheel' with its dirs, or 'system'). */
function gypRebuild(gyp, nodedir, blas, wheel) {
  const defines = [`-Dblas=${blas}`];
  if (wheel) defines.push(`-Dblas_include=${wheel.include}`, `-Dblas_libdir=${wheel.libdir}`);
  const r = runNode(gyp, [
    'rebuild',
    '--directory',
    nativeDir,
    `--nodedir=${nodedir}`,
    '--',
    ...defines,
  ]);
  if (r.ok) {
    fs.writeFileSync(
      stampPath(),
      `${JSON.stringify({ blas, libdir: wheel ? wheel.libdir : null })}\n`,
    );
  }
  return r;
}

function buildNative() {
  if (!['auto', 'wheel', 'system'].includes(blasMode)) {
    return `blas backend not built: unknown BLAS choice '${blasMode}' (expected auto, wheel or system)`;
  }
  const wheel = blasMode === 'system' ? null : findWheel();
  if (ifNotWheel) {
    const stamp = readStamp();
    const addon = path.join(nativeDir, 'build', 'Release', 'cs231n_blas.node');
    if (wheel === null) return 'skip: no scipy-openblas32 wheel in .venv';
    if (stamp?.blas === 'wheel' && stamp.libdir === wheel.libdir && fs.existsSync(addon)) {
      return 'skip: already linked against the scipy-openblas32 wheel';
    }
  }
  if (blasMode === 'wheel' && wheel === null) {
    return 'blas backend not built: no scipy-openblas32 wheel in .venv (npm run setup:python installs it)';
  }
  const gyp = resolvePackageFile('node-gyp/bin/node-gyp.js');
  if (gyp === null) {
    return 'blas backend not built: the node-gyp package is not installed (npm install)';
  }
  // The running Node's own headers: <prefix>/include/node next to <prefix>/bin/node.
  const nodedir = path.resolve(path.dirname(process.execPath), '..');
  if (!fs.existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) {
    return `blas backend not built: no Node headers in ${path.join(nodedir, 'include', 'node')}`;
  }
  const tried = [];
  if (wheel !== null) {
    const r = gypRebuild(gyp, nodedir, 'wheel', wheel);
    if (r.ok) return null;
    tried.push(`with the scipy-openblas32 wheel: ${reason(r.output)}`);
    if (blasMode === 'wheel') return `blas backend not built ${tried[0]}`;
  }
  const r = gypRebuild(gyp, nodedir, 'system', null);
  if (r.ok) return null;
  const why = reason(r.output);
  const hint = /cblas|openblas|-lopenblas/i.test(why)
    ? ' (npm run setup:python installs the scipy-openblas32 wheel it can use instead)'
    : '';
  tried.push(`with the system BLAS: ${why}${hint}`);
  return `blas backend not built ${tried.join('; ')}`;
}

let failed = false;
const steps = [
  ['wasm', buildWasm, 'lib/backends/wasm/build/gemm.wasm'],
  [
    'native',
    buildNative,
    path.relative(root, path.join(nativeDir, 'build', 'Release', 'cs231n_blas.node')),
  ],
];
for (const [name, build, product] of steps) {
  if (!want(name)) continue;
  let message;
  try {
    message = build();
  } catch (e) {
    message = `${name} backend not built: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (message === null) {
    const linked = name === 'native' ? readStamp()?.blas : null;
    const against =
      linked === 'wheel'
        ? ' (OpenBLAS of the scipy-openblas32 wheel)'
        : linked === 'system'
          ? ' (system BLAS)'
          : '';
    console.log(`build-backends: built ${product}${against}`);
  } else if (message.startsWith('skip: ')) {
    console.log(`build-backends: ${name} not rebuilt (${message.slice(6)})`);
  } else {
    failed = true;
    console.log(`build-backends: ${message}; the library uses the next backend`);
  }
}
process.exitCode = strict && failed ? 1 : 0;
