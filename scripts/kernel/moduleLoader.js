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
 *   backend (lib/kernels/) stays the one chosen, unless one of their own files changed (then that
 *   module starts afresh, as in a new kernel: the generator is reseeded from entropy and the backend
 *   is chosen again).
 * - Live bindings. Cells never hold a module's exports object: `require('./lib')` in a cell returns
 *   a proxy that reads from the module's current version, loading it again if it was dropped. So a
 *   name imported in the set-up cell (`import { affineForward } from './lib'`) calls the edited code
 *   on the next run of any cell.
 * - Stack traces. Each file is transpiled with an inline source map and run under its own .ts path,
 *   so with source maps enabled (process.setSourceMapsEnabled) errors name lib/layers.ts:NN.
 *
 * Directory imports ('./lib', './kernels') resolve to their index.ts as in the TypeScript program.
 * Everything else (node_modules packages, node: built-ins, .node addons, .json) is loaded by Node.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

/**
 * @param {object} options
 * @param {string} options.rootDir the kernel's working directory (the repository root)
 * @param {typeof import('typescript')} options.ts the TypeScript compiler used to transpile
 * @param {(id: string) => unknown} [options.special] modules served by the kernel itself ('tslab'),
 *   or undefined for the others
 * @param {(filename: string) => string | undefined} [options.virtualSource] JavaScript for a module
 *   that exists only in memory (tslab's `//%module` cells), by its .js filename
 */
function createModuleLoader({ rootDir, ts, special, virtualSource }) {
  /** filename -> { module, stamp, hash } for every loaded .ts module. */
  const loaded = new Map();
  /** filename -> set of filenames of the loaded modules that required it. */
  const importers = new Map();
  /** filename -> the stable proxy cells hold. */
  const proxies = new Map();
  const nodeRequire = Module.createRequire(path.join(rootDir, 'src.js'));
  const nodeModules = `${path.sep}node_modules${path.sep}`;

  /** The .ts file a relative request names, or undefined (then Node resolves it). */
  function resolveTs(fromDir, id) {
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

  function stampOf(filename) {
    try {
      const s = fs.statSync(filename);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  function hashOf(text) {
    return crypto.createHash('sha1').update(text).digest('hex');
  }

  /** CommonJS with an inline source map; a syntax error throws naming the file, line and column. */
  function transpile(filename, source) {
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
  function load(filename, parent) {
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
    const source = isVirtual ? virtualSource(filename) : fs.readFileSync(filename, 'utf8');
    const code = isVirtual ? source : transpile(filename, source);
    const mod = new Module(filename, module);
    mod.filename = filename;
    mod.paths = Module._nodeModulePaths(path.dirname(filename));
    mod.require = makeRequire(path.dirname(filename), filename);
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
  function makeRequire(dir, filename) {
    const own = Module.createRequire(filename);
    const req = (id) => {
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
  function liveView(filename) {
    let proxy = proxies.get(filename);
    if (proxy) return proxy;
    const current = () => load(filename);
    proxy = new Proxy(Object.create(null), {
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

  /** The `require` cells run with: our modules as live views, packages from the root. */
  function cellRequire(id) {
    const served = special?.(id);
    if (served !== undefined) return served;
    const target = resolveTs(rootDir, id);
    return target ? liveView(target) : nodeRequire(id);
  }
  cellRequire.resolve = nodeRequire.resolve;
  cellRequire.cache = nodeRequire.cache;

  /**
   * Drops the modules whose file changed since it was loaded, and everything that imports them.
   * Returns the changed files (paths relative to rootDir), for the kernel's log and tests.
   */
  function refresh() {
    const changed = [];
    for (const [filename, entry] of loaded) {
      if (entry.stamp === 'virtual') continue;
      const stamp = stampOf(filename);
      if (stamp === entry.stamp) continue;
      let text;
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
    const drop = new Set();
    const visit = (f) => {
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

  /** Drops a virtual module (a redefined `//%module` cell) and its importers. */
  function forget(filename) {
    if (!loaded.has(filename)) return;
    loaded.get(filename).stamp = 'gone';
    loaded.get(filename).hash = '';
  }

  return { cellRequire, refresh, forget, loadedFiles: () => [...loaded.keys()] };
}

module.exports = { createModuleLoader };
