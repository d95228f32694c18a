/**
 * Loading a large CommonJS package past tsx's require hook. The kernel runs under tsx's CommonJS
 * hook (its launcher is TypeScript), and that hook reads every .js file the process loads and
 * scans it for ES module syntax before Node compiles it. For the two TypeScript compilers the
 * kernel loads at start (tslab's 5.0 for cells, the project's for lib/; 9 MB each) the scan cost
 * about 0.4 s of CPU per start: kernel CPU time until it answers kernel_info was 1.90 s with the
 * JavaScript launcher, 2.29 s with the hook, 1.94 s with these two loaded as here (medians of 6
 * starts, load average 8). Both are plain CommonJS, so they are compiled here as Node's own loader
 * compiles a .js file, and registered in require's cache under their resolved filename: tslab's
 * own `require('@tslab/typescript-for-tslab')` then gets the same module.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

/** Node's CommonJS loader internals used here (the module loader uses the same). */
interface ModuleInternals {
  new (
    id: string,
    parent?: NodeJS.Module,
  ): NodeJS.Module & {
    _compile(code: string, filename: string): unknown;
  };
  _nodeModulePaths(dir: string): string[];
  _cache: Record<string, NodeJS.Module | undefined>;
}
const NodeModule = Module as unknown as ModuleInternals;

/**
 * The exports of the CommonJS module `id` resolved from `fromDir`, compiled without require hooks
 * when it is not loaded yet (see above). Only for plain CommonJS .js files.
 */
export function requirePlain(id: string, fromDir: string): unknown {
  const file = require.resolve(id, { paths: [fromDir] });
  const cached = NodeModule._cache[file];
  if (cached) return cached.exports;
  if (!file.endsWith('.js')) {
    throw new Error(`requirePlain: '${id}' resolves to ${file}, not a .js file`);
  }
  const mod = new NodeModule(file, module);
  mod.filename = file;
  mod.paths = NodeModule._nodeModulePaths(path.dirname(file));
  NodeModule._cache[file] = mod;
  try {
    mod._compile(fs.readFileSync(file, 'utf8'), file);
  } catch (err) {
    delete NodeModule._cache[file];
    throw err;
  }
  mod.loaded = true;
  return mod.exports;
}
