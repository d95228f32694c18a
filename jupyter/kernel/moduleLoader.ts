/**
 * Runtime loader for the repository's own TypeScript modules (lib/**.ts) in the notebook kernel.
 *
 * tslab type-checks cells against lib/ with its own TypeScript program, and stock tslab also runs
 * the JavaScript that program emits. We run lib/ through this loader instead, for three reasons:
 *
 * - Autoreload. Before every cell, `refresh()` compares each loaded file's size, mtime and content
 *   hash with what was loaded; a changed file is dropped from the cache together with every module
 *   that imports it, directly or not. Modules that import nothing changed stay loaded and keep their
 *   state: the random generator (lib/core/random/) keeps its seed and position, and the compute
 *   backend (lib/backends/) stays the one chosen, unless one of their own files changed (then that
 *   module starts afresh, as in a new kernel: the generator is reseeded from entropy and the backend
 *   is chosen again).
 * - Live bindings. Cells never hold a module's exports object: `require('./lib')` in a cell returns
 *   a proxy that reads from the module's current version, loading it again if it was dropped. So a
 *   name imported in the set-up cell (`import { affineForward } from './lib'`) calls the edited code
 *   on the next run of any cell.
 * - Stack traces. Each file is transpiled with an inline source map and run under its own .ts path,
 *   so with source maps enabled (process.setSourceMapsEnabled) errors name lib/layers/affine.ts:NN.
 *
 * Directory imports ('./lib', './backends') resolve to their index.ts as in the TypeScript program.
 * Everything else (node_modules packages, node: built-ins, .node addons, .json) is loaded by Node.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import type * as TypeScript from 'typescript';

/** What of Node's CommonJS loader is used here beyond its public API (Node 20 to 26 have it). */
interface ModuleInternals {
  new (
    id: string,
    parent?: NodeJS.Module,
  ): NodeJS.Module & {
    _compile(code: string, filename: string): unknown;
  };
  _nodeModulePaths(dir: string): string[];
}
const NodeModule = Module as unknown as ModuleInternals;

/** The `require` handed to cells and lib modules. */
export type LoaderRequire = ((id: string) => unknown) & Pick<NodeJS.Require, 'resolve' | 'cache'>;

export interface ModuleLoaderOptions {
  /** The kernel's working directory (the repository root). */
  rootDir: string;
  /** The TypeScript compiler used to transpile. */
  ts: typeof TypeScript;
  /** Modules served by the kernel itself ('tslab'), or undefined for the others. */
  special?: (id: string) => unknown;
  /** JavaScript for a module that exists only in memory (tslab's `//%module` cells), by .js filename. */
  virtualSource?: (filename: string) => string | undefined;
}

export interface ModuleLoader {
  /** The `require` cells run with: our modules as live views, packages from the root. */
  cellRequire: LoaderRequire;
  /**
   * Drops the modules whose file changed since it was loaded, and everything that imports them.
   * Returns the changed files (paths relative to rootDir), for the kernel's log and tests.
   */
  refresh(): string[];
  /** Drops a virtual module (a redefined `//%module` cell) and its importers on the next refresh. */
  forget(filename: string): void;
  /** The filenames of the loaded modules. */
  loadedFiles(): string[];
}

interface Loaded {
  module: NodeJS.Module;
  stamp: string;
  hash: string;
}

/** A loader for the TypeScript modules below `rootDir` (see the top of this file). */
export function createModuleLoader({
  rootDir,
  ts,
  special,
  virtualSource,
}: ModuleLoaderOptions): ModuleLoader {
  /** filename -> { module, stamp, hash } for every loaded .ts module. */
  const loaded = new Map<string, Loaded>();
  /** filename -> set of filenames of the loaded modules that required it. */
  const importers = new Map<string, Set<string>>();
  /** filename -> the stable proxy cells hold. */
  const proxies = new Map<string, object>();
  const nodeRequire = Module.createRequire(path.join(rootDir, 'src.js'));
  const nodeModules = `${path.sep}node_modules${path.sep}`;

  /** The .ts file a relative request names, or undefined (then Node resolves it). */
  function resolveTs(fromDir: string, id: string): string | undefined {
    if (!/^\.\.?(\/|$)/.test(id)) return undefined;
    const base = path.resolve(fromDir, id);
    if (base.includes(nodeModules)) return undefined;
    for (const candidate of [
      `${base}.ts`,
      `${base}.tsx`,
      path.join(base, 'index.ts'),
      path.join(base, 'index.tsx'),
    ]) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
    if (/\.tsx?$/.test(base) && fs.existsSync(base)) return base;
    if (virtualSource) {
      const js = base.endsWith('.js') ? base : `${base}.js`;
      if (virtualSource(js) !== undefined) return js;
    }
    return undefined;
  }

  function stampOf(filename: string): string {
    try {
      const s = fs.statSync(filename);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  function hashOf(text: string): string {
    return crypto.createHash('sha1').update(text).digest('hex');
  }

  /** CommonJS with an inline source map; a syntax error throws naming the file, line and column. */
  function transpile(filename: string, source: string): string {
    const out = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        inlineSourceMap: true,
        inlineSources: true,
        jsx: ts.JsxEmit.React,
      },
      reportDiagnostics: true,
    });
    const bad = (out.diagnostics ?? []).find((d) => d.category === ts.DiagnosticCategory.Error);
    if (bad) {
      const where =
        bad.file && bad.start !== undefined
          ? bad.file.getLineAndCharacterOfPosition(bad.start)
          : null;
      const at = where ? `:${where.line + 1}:${where.character + 1}` : '';
      const text = ts.flattenDiagnosticMessageText(bad.messageText, ' ');
      throw new SyntaxError(`${path.relative(rootDir, filename)}${at}: ${text}`);
    }
    return out.outputText;
  }

  /** Loads (or returns the loaded) module of a .ts filename; `parent` is the importer's filename. */
  function load(filename: string, parent?: string): unknown {
    if (parent) {
      let set = importers.get(filename);
      if (!set) {
        set = new Set();
        importers.set(filename, set);
      }
      set.add(parent);
    }
    const cached = loaded.get(filename);
    if (cached) return cached.module.exports;

    const isVirtual = filename.endsWith('.js');
    const stamp = isVirtual ? 'virtual' : stampOf(filename);
    const source = isVirtual
      ? (virtualSource?.(filename) ?? '')
      : fs.readFileSync(filename, 'utf8');
    const code = isVirtual ? source : transpile(filename, source);
    const mod = new NodeModule(filename, module);
    mod.filename = filename;
    mod.paths = NodeModule._nodeModulePaths(path.dirname(filename));
    mod.require = makeRequire(path.dirname(filename), filename) as NodeJS.Require;
    // Registered before running, so import cycles see the partly filled exports as in Node.
    loaded.set(filename, { module: mod, stamp, hash: hashOf(source) });
    try {
      mod._compile(code, filename);
    } catch (err) {
      loaded.delete(filename);
      throw err;
    }
    mod.loaded = true;
    return mod.exports;
  }

  /** The `require` given to a loaded module: our .ts modules through `load`, the rest Node's. */
  function makeRequire(dir: string, filename: string): LoaderRequire {
    const own = Module.createRequire(filename);
    const req = (id: string): unknown => {
      const served = special?.(id);
      if (served !== undefined) return served;
      const target = resolveTs(dir, id);
      return target ? load(target, filename) : own(id);
    };
    req.resolve = own.resolve;
    req.cache = own.cache;
    return req;
  }

  /** The stable, always-current view of a module that cells hold. */
  function liveView(filename: string): object {
    let proxy = proxies.get(filename);
    if (proxy) return proxy;
    const current = () => load(filename) as object;
    proxy = new Proxy(Object.create(null) as object, {
      get: (_t, key) => Reflect.get(current(), key),
      has: (_t, key) => Reflect.has(current(), key),
      ownKeys: () => Reflect.ownKeys(current()),
      getOwnPropertyDescriptor: (_t, key) => {
        const d = Reflect.getOwnPropertyDescriptor(current(), key);
        // Reported as configurable: the proxy's own (empty) target cannot back a fixed property.
        return d ? { ...d, configurable: true } : undefined;
      },
      set: (_t, key, value) => Reflect.set(current(), key, value),
      defineProperty: () => false,
      deleteProperty: () => false,
    });
    proxies.set(filename, proxy);
    return proxy;
  }

  function cellRequire(id: string): unknown {
    const served = special?.(id);
    if (served !== undefined) return served;
    const target = resolveTs(rootDir, id);
    return target ? liveView(target) : nodeRequire(id);
  }
  cellRequire.resolve = nodeRequire.resolve;
  cellRequire.cache = nodeRequire.cache;

  function refresh(): string[] {
    const changed: string[] = [];
    for (const [filename, entry] of loaded) {
      if (entry.stamp === 'virtual') continue;
      const stamp = stampOf(filename);
      if (stamp === entry.stamp) continue;
      let text: string | undefined;
      try {
        text = fs.readFileSync(filename, 'utf8');
      } catch {
        text = undefined;
      }
      if (text !== undefined && hashOf(text) === entry.hash) {
        entry.stamp = stamp; // touched, not changed
        continue;
      }
      changed.push(filename);
    }
    const drop = new Set<string>();
    const visit = (f: string) => {
      if (drop.has(f)) return;
      drop.add(f);
      for (const parent of importers.get(f) ?? []) visit(parent);
    };
    for (const f of changed) visit(f);
    for (const f of drop) {
      loaded.delete(f);
      importers.delete(f);
    }
    for (const set of importers.values()) for (const f of drop) set.delete(f);
    return changed.map((f) => path.relative(rootDir, f));
  }

  function forget(filename: string): void {
    const entry = loaded.get(filename);
    if (!entry) return;
    entry.stamp = 'gone';
    entry.hash = '';
  }

  return { cellRequire, refresh, forget, loadedFiles: () => [...loaded.keys()] };
}
