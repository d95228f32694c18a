/**
 * The kernelspecs of this clone's kernel: `tslab` (TypeScript) and its `jslab` twin (JavaScript),
 * as scripts/setup-python.sh registers them in .venv (share/jupyter/kernels/<name>/kernel.json).
 *
 *   tsx jupyter/kernel/kernelspec.ts <kernels dir>   writes both, each atomically
 *
 * The kernel runs jupyter/kernel/tslabKernel.ts with node and tsx's CommonJS hook (absolute paths into
 * this clone, so any notebook folder works; ./plainRequire.ts says what the hook costs and how the
 * kernel avoids most of it). Worker threads inherit the hook (about 25 ms more to start each).
 * Node runs with one V8 flag, --max-semi-space-size=64: each training step drops a few MB of
 * Float64Arrays (the gradients), and with V8's default young generation and the kernel's own heap
 * (about 120 MB: tslab's TypeScript compiler) V8 ran a full mark-compact every ~20 steps, its
 * marking threads took the core that OpenBLAS's second thread needs, and every training run after
 * the first took 2.5x as long (measured in this kernel: 2 epochs of hidden 128 took 5.6 s, then
 * 14.3 s per run; with the flag 5.1 to 5.7 s every run). A young generation of up to 64 MB per
 * semi-space lets the dead arrays go in cheap scavenges (a plain Node process holding a 100 MB
 * heap: 7 mark-compacts instead of about 160 over three such runs). `node` is found on PATH when
 * Jupyter starts the kernel, as `#!/usr/bin/env node` would be.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** V8 flags the kernel's node runs with (see above). */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
}

/** The launcher of the clone at `root`. */
export function launcherPath(root: string): string {
  return path.join(root, 'jupyter', 'kernel', 'tslabKernel.ts');
}

/**
 * The command Jupyter runs to start the kernel of the clone at `root`.
 * @param js the JavaScript kernel (jslab) instead of the TypeScript one
 */
export function kernelArgv(root: string, js = false): string[] {
  const tsxHook = require.resolve('tsx/cjs', { paths: [root] });
  return [
    'node',
    ...NODE_FLAGS,
    '--require',
    tsxHook,
    launcherPath(root),
    'kernel',
    '--config-path',
    '{connection_file}',
    ...(js ? ['--js'] : []),
  ];
}

/** The kernel.json of `tslab` (or of `jslab` when `js`) for the clone at `root`. */
export function kernelSpec(root: string, js = false): KernelSpec {
  return {
    argv: kernelArgv(root, js),
    display_name: js ? 'JavaScript' : 'TypeScript',
    language: js ? 'javascript' : 'typescript',
  };
}

/**
 * Writes `kernelsDir`/tslab/kernel.json and `kernelsDir`/jslab/kernel.json (temp file + rename).
 * Returns the files written.
 */
export function writeKernelSpecs(kernelsDir: string, root: string): string[] {
  const written: string[] = [];
  for (const [name, js] of [
    ['tslab', false],
    ['jslab', true],
  ] as const) {
    const dir = path.join(kernelsDir, name);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'kernel.json');
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(kernelSpec(root, js), null, 1)}\n`);
    fs.renameSync(tmp, file);
    written.push(file);
  }
  return written;
}

if (require.main === module) {
  const [kernelsDir, ...rest] = process.argv.slice(2);
  if (!kernelsDir || rest.length > 0) {
    console.error('usage: tsx jupyter/kernel/kernelspec.ts <kernels dir>');
    process.exit(2);
  }
  for (const file of writeKernelSpecs(
    path.resolve(kernelsDir),
    path.resolve(__dirname, '..', '..'),
  )) {
    console.log(file);
  }
}
